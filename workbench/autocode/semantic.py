"""Semantic suggestions: a logistic-regression classifier per code over sentence embeddings (for a
theme, with a vote of the nearest training passages beside it), trained on the project's codings,
the codebook's training examples and the codes' example quotations; codes with too few of those
fall back to cosine similarity with the code's definition.

Labels roll up: a passage coded with a sub-code teaches its parent too. Classifiers run down the
tree: a sub-code is considered only where its parent's classifier fires, and a parent is suggested
only where none of its sub-codes is. Caption cues are read with their neighbouring cues (`context`).
"""

from __future__ import annotations

import time

DEFAULT_THRESHOLD = 0.40  # cosine similarity to a code's text; best on the tuning split of corpus/gold
CLASSIFIER_THRESHOLD = 0.6  # probability; best in leave-one-document-out runs on the tuning split
CLASSIFIER_C = 2.0  # inverse regularisation strength, chosen in the same runs
NEIGHBOURS = 25  # nearest training passages that vote beside a theme's regression
NEIGHBOUR_WEIGHT = 0.5  # share of their vote in a theme's score; both chosen leaving one gold part out
MIN_CODINGS = 8
MAX_PER_CODE = 200
MIN_WORDS = 3
QUOTED = 2  # nearest passages of the code quoted in a reason
QUOTE_CHARS = 70  # characters of each quotation before it is cut at a word and '…' added


def code_text(code: dict) -> str:
    """What a code means, as one text: label, description, include criteria and examples."""
    parts = [code["label"], code.get("description") or "", *(code.get("include") or []), *(code.get("examples") or [])]
    return ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip())


def coded_segments(db, code_ids: list[str]) -> dict[str, set[int]]:
    """code id -> ids of the segments its codings (or its sub-codes') overlap (any coder, any source)."""
    from workbench.coding.queries import coded_segments as coded_frame

    out: dict[str, set[int]] = {c: set() for c in code_ids}
    for segment_id, code_id in coded_frame(db)[["segment_id", "code_id"]].itertuples(index=False):
        out.setdefault(code_id, set()).add(int(segment_id))
    return out


def example_passages(db, codes: list[dict]):
    """(embeddings, code ids each passage carries rolled up to ancestors, (text, where from) of each) of the
    stored training examples of the codes' codebooks and of the codes' example quotations."""
    import numpy as np

    from workbench.embeddings.cache import example_embeddings
    from workbench.embeddings.encoders import embed_for
    from workbench.store.codes import ancestor_chains
    from workbench.store.examples import list_examples

    chains = ancestor_chains(db)
    books = {c["codebook"] for c in codes}
    stored = [e for e in list_examples(db) if e["codebook"] in books]
    labels = [{a for c in e["codes"] for a in chains.get(c, [c])} for e in stored]
    sources = [(e["text"], f"training example {e['ref']}" if e.get("ref") else "training example") for e in stored]
    quotes = []
    for code in codes:
        for quote in code.get("examples") or []:
            quotes.append(quote)
            labels.append(set(chains.get(code["id"], [code["id"]])))
            sources.append((quote, f"example of {code['label']} in the codebook"))
    vectors = np.vstack([example_embeddings(db, [e["id"] for e in stored]), embed_for(db, quotes)])
    return vectors, labels, sources


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """A passage as a short quotation: spaces collapsed, cut at a word before `limit` characters with '…'."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return f'"{words}"'
    cut = words[:limit].rsplit(" ", 1)[0] if " " in words[:limit] else words[:limit]
    return f'"{cut.rstrip(",.;:")}…"'


def nearest_positives(x_train, y, vectors):
    """For each row of vectors, the row numbers of the QUOTED most similar training passages that carry the code."""
    import numpy as np

    positives = np.flatnonzero(y)
    if not len(positives) or not len(vectors):
        return [[] for _ in range(len(vectors))]
    order = np.argsort(-(vectors @ x_train[positives].T), axis=1, kind="stable")[:, :QUOTED]
    return [positives[row].tolist() for row in order]


def readable_reasons(db, rows: list[dict], near: list[list[int]], coded_ids: list[int], n_rows: int,
                     sources: list[tuple[str, str]], definitions: dict[str, str]) -> None:
    """Write each suggestion's reason in words a reviewer can check: the coded passages (or training examples)
    of the code nearest to it, quoted with where they come from (else, for similarity, the code's definition).
    `near[i]` are training-row numbers: the first len(coded_ids) are coded segments, the last len(sources) examples."""
    from workbench.store.segments import segment_details

    wanted = sorted({coded_ids[r] for picked in near for r in picked if r < len(coded_ids)})
    details = {d["segment_id"]: d for d in segment_details(db, wanted)}
    first_example = n_rows - len(sources)

    def where(r: int) -> str | None:
        if r < len(coded_ids):
            d = details.get(coded_ids[r])
            return f"{quote(d['text'])} ({d['title']})" if d else None
        text, origin = sources[r - first_example]
        return f"{quote(text)} ({origin})"

    for row, picked in zip(rows, near):
        head, how = row.pop("_head"), row.pop("_how")
        passages = [p for p in (where(r) for r in picked) if p]
        close = f"close to coded passages: {', '.join(passages)}"
        if row["method"] == "semantic":
            row["reason"] = (f"{head} {how}; {close}" if passages
                             else f"{head} {quote(definitions[row['code_id']])} {how}")
        else:
            row["reason"] = f"{head}; {close}; {how}" if passages else f"{head}: {how}"


def _threshold(threshold, code_id: str) -> float:
    if isinstance(threshold, dict):
        return float(threshold.get(code_id, DEFAULT_THRESHOLD))
    return DEFAULT_THRESHOLD if threshold is None else float(threshold)


def train_classifier(x, y):
    """A class-balanced logistic regression over embeddings."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=CLASSIFIER_C, class_weight="balanced", max_iter=2000).fit(x, y)


def nearest_training_rows(x_train, vectors, k: int = NEIGHBOURS):
    """Row numbers of the k most similar training passages for each row of vectors, most similar first (unit
    vectors: dot product), computed in blocks so that memory stays bounded on large projects."""
    import numpy as np

    k = max(1, min(k, len(x_train)))
    out = np.zeros((len(vectors), k), dtype=np.int64)
    for start in range(0, len(vectors), 2048):
        similarity = vectors[start:start + 2048] @ x_train.T
        top = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(similarity, top, axis=1), axis=1, kind="stable")
        out[start:start + 2048] = np.take_along_axis(top, order, axis=1)
    return out


def neighbour_vote(y, nearest):
    """Share of the nearest training passages that carry the code, as a probability on the same footing as the
    class-balanced regression: the odds are divided by the code's odds among all training passages. A code with
    fewer passages than neighbours asks as many neighbours as it has passages."""
    share = y[nearest[:, :max(1, min(nearest.shape[1], int(y.sum())))]].mean(axis=1)
    prior = y.mean()
    return share / (share + (1 - share) * prior / (1 - prior) + 1e-12) if 0 < prior < 1 else share


def training_set(db, coded: dict[str, set[int]], example_vectors, example_labels, pool: list[int], min_codings: int):
    """(embeddings, {code id: 0/1 labels}) over coded segments and example passages; topped up with a fixed
    random sample of uncoded segments from `pool` when there are too few passages without a code."""
    import numpy as np

    from workbench.autocode.context import classifier_embeddings

    segment_ids = sorted(set().union(*coded.values())) if coded else []
    n_items = len(segment_ids) + len(example_labels)
    untagged = sum(1 for labels in example_labels if not labels)
    extra: list[int] = []
    if untagged < min_codings:
        taken = set(segment_ids)
        candidates = [i for i in pool if i not in taken]
        take = min(max(n_items, 2 * min_codings), len(candidates))
        rng = np.random.default_rng(0)
        extra = [candidates[k] for k in sorted(rng.choice(len(candidates), size=take, replace=False))] if take else []
    rows = segment_ids + extra
    x = classifier_embeddings(db, rows)
    if len(example_labels):
        x = np.vstack([x, example_vectors])
    labels = {}
    for code_id, positives in coded.items():
        column = [1 if i in positives else 0 for i in rows] + [1 if code_id in tags else 0 for tags in example_labels]
        labels[code_id] = np.array(column)
    return x, labels, len(segment_ids), len(example_labels)


def suggest_semantic(db, code_ids: list[str] | None = None, document_ids: list[int] | None = None,
                     threshold: float | dict | None = None, progress=None, min_codings: int = MIN_CODINGS,
                     classifier_threshold: float = CLASSIFIER_THRESHOLD, max_per_code: int = MAX_PER_CODE,
                     min_words: int = MIN_WORDS, include_interviewer: bool = False,
                     keep_theme_scores: bool = False, include_structure: bool = False) -> dict:
    """Suggest codes by meaning; threshold is one similarity or {code id: similarity} for codes without a
    classifier; progress(done, total) while segments are embedded. Interviewer and moderator turns are
    left out unless include_interviewer. keep_theme_scores adds `theme_scores`: {top-level code with a
    classifier: {segment id: probability}}, which `combine` uses."""
    import numpy as np

    from workbench.autocode.context import classifier_embeddings
    from workbench.autocode.scope import interviewer_segment_ids
    from workbench.embeddings.encoders import embed_for, project_encoder
    from workbench.store.codes import scope_codes
    from workbench.store.segments import segment_batches
    from workbench.store.suggestions import decided_pairs, save_suggestions

    codes = scope_codes(db, code_ids)
    _, batches = segment_batches(db, document_ids, include_structure=include_structure)  # no headings etc. unless asked
    questions = set() if include_interviewer else interviewer_segment_ids(db, document_ids)
    segments = [r for rows in batches for r in rows if len(r[4].split()) >= min_words and r[0] not in questions]
    result = {"segments": len(segments), "codes": len(codes), "new": 0, "per_code": {}, "model": project_encoder(db),
              "embed_seconds": 0.0, "score_seconds": 0.0, "training_examples": 0}
    if not codes or not segments:
        return result
    started = time.perf_counter()
    ids = [r[0] for r in segments]
    vectors = classifier_embeddings(db, ids, progress)
    example_vectors, example_labels, example_sources = example_passages(db, codes)
    code_vectors = embed_for(db, [code_text(c) for c in codes])
    result["embed_seconds"] = time.perf_counter() - started
    result["training_examples"] = len(example_labels)

    started = time.perf_counter()
    code_list = [c["id"] for c in codes]
    coded = coded_segments(db, code_list)
    coded = {c: coded.get(c, set()) for c in code_list}
    all_coded = set().union(*coded.values())
    x, labels, _, n_examples = training_set(db, coded, example_vectors, example_labels,
                                                     [i for i in ids if i not in all_coded], min_codings)
    parent_of = {c["id"]: c["parent_id"] for c in codes}
    nearest = None  # computed once, when the first theme with a classifier needs it
    fires: dict[str, np.ndarray] = {}
    scores: dict[str, np.ndarray] = {}
    how: dict[str, tuple[str, float, str]] = {}
    for code in codes:  # tree order: a parent is scored before its sub-codes
        y = labels[code["id"]]
        if y.sum() >= min_codings and len(y) - y.sum() >= min_codings:
            clf = train_classifier(x, y)
            scores[code["id"]] = clf.predict_proba(vectors)[:, 1]
            model = "logistic regression"
            if code["parent_id"] is None:  # a theme: the nearest passages vote too
                if nearest is None:
                    nearest = nearest_training_rows(x, vectors)
                scores[code["id"]] = ((1 - NEIGHBOUR_WEIGHT) * scores[code["id"]]
                                      + NEIGHBOUR_WEIGHT * neighbour_vote(y, nearest))
                model = "logistic regression and a vote of the most similar passages"
            from_examples = int(y[len(y) - n_examples:].sum()) if n_examples else 0
            why = (f"{model}, on {int(y.sum()) - from_examples} coded segments and {from_examples} "
                   f"example passages of this code against {len(y) - int(y.sum())} others "
                   f"(probability >= {classifier_threshold:.2f})")
            how[code["id"]] = ("classifier", classifier_threshold, why)
        else:
            cutoff = _threshold(threshold, code["id"])
            scores[code["id"]] = vectors @ code_vectors[code_list.index(code["id"])]
            how[code["id"]] = ("semantic", cutoff, f"(cosine, threshold {cutoff:.2f})")
        fired = scores[code["id"]] >= how[code["id"]][1]
        parent = parent_of.get(code["id"])
        if parent in fires and how[parent][0] == "classifier" and how[code["id"]][0] == "classifier":
            fired &= fires[parent]
        fires[code["id"]] = fired
    for code_id, fired in fires.items():  # a parent stands back where one of its sub-codes fires
        parent = parent_of.get(code_id)
        if parent in fires and how[parent][0] == how[code_id][0] == "classifier":
            fires[parent] = fires[parent] & ~fired
    done = decided_pairs(db, ("semantic", "classifier"), code_list)
    rows, near = [], []
    for code in codes:
        method, cutoff, why = how[code["id"]]
        score = scores[code["id"]]
        picked, first = 0, len(rows)
        for k in np.argsort(-score, kind="stable"):
            if score[k] < cutoff or picked >= max_per_code:
                break
            segment_id, document_id, start, end, _ = segments[k]
            if not fires[code["id"]][k] or segment_id in coded[code["id"]] or code["id"] in done.get(segment_id, ()):
                continue
            picked += 1
            head = (f"classifier probability {score[k]:.2f}" if method == "classifier"
                    else f"similarity {score[k]:.2f} to the code's definition")
            rows.append({"document_id": document_id, "segment_id": segment_id, "start": start, "end": end,
                         "code_id": code["id"], "method": method, "source": method, "score": round(float(score[k]), 4),
                         "_head": head, "_how": why, "_k": int(k)})
        near += nearest_positives(x, labels[code["id"]], vectors[[r.pop("_k") for r in rows[first:]]])
        result["per_code"][code["id"]] = {"method": method, "suggested": picked}
    readable_reasons(db, rows, near, sorted(set().union(*coded.values())), len(x), example_sources,
                     {c["id"]: code_text(c) for c in codes})
    result["new"] = save_suggestions(db, rows)
    if keep_theme_scores:
        result["theme_scores"] = {c: dict(zip(ids, scores[c].tolist())) for c in code_list
                                  if parent_of.get(c) is None and how[c][0] == "classifier"}
    result["score_seconds"] = time.perf_counter() - started
    return result
