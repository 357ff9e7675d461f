"""Learning curve of the theme classifiers: theme macro F1 on the test split of corpus/gold after 25, 50, 100 and
200 hand-coded passages chosen by the "code these next" queue versus chosen at random.

Run through bench/quality.py --curve (it builds the project). Passages come from the tuning and dev documents of
the gold standard; "coding" one takes its gold codes (rolled up to their themes; a passage with none is a coded
negative). After each batch of 25 the queue (`workbench.validation.next.uncertain_rows`, the function behind
`workbench next`) picks the next batch from classifiers trained on what is coded so far; random picks are
averaged over three seeds. Each point trains the theme classifiers (`classifier` method, codebook examples
included) on the chosen passages and counts a test passage as carrying a theme at probability 0.5 or more.
"""

from __future__ import annotations

SIZES = (25, 50, 100, 200)
BATCH = 25
SEEDS = (0, 1, 2)


def _labelled(project, gold_path):
    """The dataset over every document, labelled with the gold codes of all splits, and the rows per split."""
    import numpy as np

    from workbench.autocode.evaluate import read_gold
    from workbench.store.codes import ancestor_chains
    from workbench.validation.dataset import build_dataset

    db = project.db
    data = build_dataset(db, None, None, with_rules=False)
    chains = ancestor_chains(db)
    rows_of: dict[str, np.ndarray] = {}
    spans_by_doc: dict[int, list[tuple[int, int]]] = {}
    for k, doc in enumerate(data.documents):
        spans_by_doc.setdefault(int(doc), []).append((k, *data.spans[k]))
    for split in ("tuning", "dev", "test"):
        docs, spans = read_gold(db, gold_path, split)
        rows_of[split] = np.flatnonzero(np.isin(data.documents, list(docs)))
        for doc_id, start, end, code in spans:
            for k, s, e in spans_by_doc.get(doc_id, ()):
                if start < e and s < end:
                    for target in chains.get(code, [code]):
                        if target in data.labels:
                            data.labels[target][k] = 1
    return data, rows_of


def _theme_f1(data, train, test, examples) -> float:
    import numpy as np

    from workbench.validation.figures import counts, prf
    from workbench.validation.scoring import method_scores

    scores = method_scores(data, train, test, examples, ("classifier",))["classifier"]
    f1s = []
    for code in data.codes:
        if code["parent_id"] is None:
            y = data.labels[code["id"]][test].astype(bool)
            f1s.append(prf(*counts(scores[code["id"]] >= 0.5, y))[2])
    return float(np.mean(f1s))


def learning_curve(project, gold_path) -> dict:
    """Print and return {(with or without the codebook's examples, strategy): {size: theme macro F1}}."""
    import numpy as np

    from workbench.validation.scoring import example_training

    data, rows_of = _labelled(project, gold_path)
    examples = example_training(project.db, data.codes)
    none = (np.zeros((0, data.vectors.shape[1]), dtype=np.float32), {c["id"]: np.zeros(0) for c in data.codes})
    out = {}
    for name, given in (("with the codebook's examples", examples), ("coded passages only", none)):
        curve = _curve(project, data, rows_of, given)
        out.update({(name, strategy): values for strategy, values in curve.items()})
        print(f"\nLearning curve, {name} (test split, theme macro F1 of the theme classifiers at 0.5):\n")
        print("| passages coded | chosen by the queue | chosen at random (mean of 3) |\n|---|---|---|")
        for size in SIZES:
            print(f"| {size} | {curve['queue'][size]:.2f} | {curve['random'][size]:.2f} |")
    return out


def _curve(project, data, rows_of, examples) -> dict:
    import numpy as np

    from workbench.validation.next import uncertain_rows

    pool = np.concatenate([rows_of["tuning"], rows_of["dev"]])
    test = rows_of["test"]
    out: dict[str, dict[int, float]] = {"queue": {}, "random": {}}
    chosen: list[int] = []
    for size in SIZES:
        while len(chosen) < size:
            left = np.setdiff1d(pool, chosen)
            picks = uncertain_rows(project.db, data, np.array(chosen, dtype=np.int64), left,
                                   min(BATCH, size - len(chosen)), examples)
            chosen += [k for k, _, _ in picks]
        out["queue"][size] = _theme_f1(data, np.array(chosen), test, examples)
    for size in SIZES:
        values = []
        for seed in SEEDS:
            picked = np.random.default_rng(seed).choice(pool, size=size, replace=False)
            values.append(_theme_f1(data, picked, test, examples))
        out["random"][size] = float(np.mean(values))
    return out
