"""Cross-validation grouped by document: each document is scored by classifiers that never saw any passage of it.

For every code and method the out-of-fold scores give the threshold that reaches the target precision,
precision/recall/F1 there with 95% intervals (bootstrap over documents), precision per score band, and the
gate; each code keeps the method that measured best; each theme gets its own figures and those of the gated
default (the union of its passed codes' suggestions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.errors import InvalidValueError
from workbench.validation import figures as fig
from workbench.validation.scoring import METHODS, example_training, method_scores

if TYPE_CHECKING:
    import numpy as np

    from workbench.validation.dataset import Dataset

FOLDS = 5


def document_folds(documents, k: int = FOLDS) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(train rows, test rows)] with every document's rows on one side only (scikit-learn's GroupKFold)."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    documents = np.asarray(documents)
    n_documents = len(np.unique(documents))
    if n_documents < 2:
        raise InvalidValueError(f"cross-validation needs passages coded in at least 2 documents, not {n_documents}",
                                hint="code passages in another document, then validate again")
    splitter = GroupKFold(n_splits=min(k, n_documents))
    return list(splitter.split(np.zeros(len(documents)), groups=documents))


def out_of_fold(db, data: Dataset, methods=METHODS, k: int = FOLDS, progress=None) -> dict[str, dict[str, np.ndarray]]:
    """{method: {code id: score of every segment from the fold that held its document out}}."""
    import numpy as np

    examples = example_training(db, data.codes)
    scores = {m: {c["id"]: np.zeros(len(data)) for c in data.codes} for m in methods}
    folds = document_folds(data.documents, k)
    for n, (train, test) in enumerate(folds, 1):
        for method, by_code in method_scores(data, train, test, examples, methods).items():
            for code_id, values in by_code.items():
                scores[method][code_id][test] = values
        if progress:
            progress(n, len(folds))
    return scores


def _method_figures(scores, y, documents, target: float) -> tuple[dict, bool, np.ndarray]:
    threshold, reached = fig.choose_threshold(scores, y, target)
    predicted = scores >= threshold
    out = fig.figures_at(predicted, y, documents)
    out.update(threshold=round(float(threshold), 4), reached=bool(reached))
    return out, reached, predicted


def summarise(data: Dataset, scores: dict, target: float = fig.TARGET_PRECISION,
              min_support: int = fig.MIN_SUPPORT) -> dict:
    """Per code and method, per theme, and macro over themes (see the module's docstring)."""
    import numpy as np

    codes_out: dict[str, dict] = {}
    gated_predictions: dict[str, np.ndarray] = {}
    for code in data.codes:
        code_id = code["id"]
        y = data.labels[code_id].astype(bool)
        entry = {"label": code["label"], "theme": data.themes[code_id], "support": int(y.sum()), "methods": {},
                 "bands": {}}
        predicted_by = {}
        for method, by_code in scores.items():
            figures, reached, predicted = _method_figures(by_code[code_id], y, data.documents, target)
            entry["methods"][method] = figures
            entry["bands"][method] = fig.score_bands(by_code[code_id], y)
            predicted_by[method] = predicted
        reaching = [m for m in scores if entry["methods"][m]["reached"]]
        pool = reaching or list(scores)
        best = max(pool, key=lambda m: (entry["methods"][m]["f1"], -list(scores).index(m)))
        passed, message = fig.gate(entry["support"], entry["methods"][best], best in reaching, target, min_support)
        entry.update(method=best, threshold=entry["methods"][best]["threshold"], passed=passed, message=message,
                     positives=np.flatnonzero(y).tolist(), predicted=np.flatnonzero(predicted_by[best]).tolist())
        if passed:
            gated_predictions[code_id] = predicted_by[best]
        codes_out[code_id] = entry
    themes_out = {}
    for code in data.codes:
        if code["parent_id"] is not None:
            continue
        theme = code["id"]
        y = data.labels[theme].astype(bool)
        members = [c for c in gated_predictions if data.themes[c] == theme]
        union = np.zeros(len(data), dtype=bool)
        for c in members:
            union |= gated_predictions[c]
        themes_out[theme] = {"label": code["label"], "support": int(y.sum()),
                             "methods": {m: codes_out[theme]["methods"][m] for m in scores},
                             "gated": fig.figures_at(union, y, data.documents), "gated_codes": members}
    macro = {}
    for name in [*scores, "gated"]:
        rows = [t["gated"] if name == "gated" else t["methods"][name] for t in themes_out.values()]
        macro[name] = {k: round(float(np.mean([r[k] for r in rows])), 4) if rows else 0.0
                       for k in ("precision", "recall", "f1")}
    return {"codes": codes_out, "themes": themes_out, "macro": macro, "segment_ids": list(data.segment_ids),
            "document_ids": sorted({int(d) for d in data.documents})}
