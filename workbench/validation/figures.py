"""The arithmetic of a validation: the threshold that reaches a target precision, precision/recall/F1 with 95%
intervals by bootstrap over documents, precision per score band, and the gate.

All of it works on plain arrays (one score, one 0/1 label and one document id per segment), so that each step
can be checked against figures worked out by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

TARGET_PRECISION = 0.8
MIN_SUPPORT = 20  # coded segments a code needs before its suggestions can be on by default
MIN_PREDICTED = 5  # a threshold must leave at least this many suggestions for its precision to count
BOOTSTRAP = 1000
BAND_EDGES = (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
MIN_BAND = 10  # suggestions a score band holds at least (narrow bands are merged downwards)
MIN_SHOWN = 5  # fewer measured suggestions than this and the reader says there are too few to tell


def counts(predicted, y) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives)."""
    import numpy as np

    predicted, y = np.asarray(predicted, dtype=bool), np.asarray(y, dtype=bool)
    return int((predicted & y).sum()), int((predicted & ~y).sum()), int((~predicted & y).sum())


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1; precision of no predictions is 0 (nothing right), recall of no positives 0."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def choose_threshold(scores, y, target: float = TARGET_PRECISION, min_predicted: int = MIN_PREDICTED) -> tuple[float, bool]:
    """(threshold, reached): the lowest score whose suggestions (score >= it) reach the target precision with at
    least min_predicted of them, which keeps the most recall; when none does, the threshold of the best F1 and
    False. With no score above 0 at all: (1.0, False)."""
    import numpy as np

    scores, y = np.asarray(scores, dtype=float), np.asarray(y, dtype=bool)
    candidates = np.unique(scores[scores > 0])[::-1]  # high to low
    if not len(candidates):
        return 1.0, False
    order = np.argsort(-scores, kind="stable")
    sorted_scores, sorted_y = scores[order], y[order]
    tp_cum, n_cum = np.cumsum(sorted_y), np.arange(1, len(scores) + 1)
    best, reached = None, None
    for t in candidates:
        n = int(np.searchsorted(-sorted_scores, -t, side="right"))  # rows scoring >= t
        tp = int(tp_cum[n - 1])
        precision, recall, f1 = prf(tp, int(n_cum[n - 1]) - tp, int(y.sum()) - tp)
        if precision >= target and n >= min_predicted:
            reached = float(t)  # keep going: a lower threshold that still reaches it keeps more recall
        if best is None or f1 > best[1]:
            best = (float(t), f1)
    return (reached, True) if reached is not None else (best[0], False)


def per_document(predicted, y, documents):
    """Arrays of true positives, false positives and false negatives per document (in sorted document order)."""
    import numpy as np

    predicted, y = np.asarray(predicted, dtype=bool), np.asarray(y, dtype=bool)
    _, index = np.unique(np.asarray(documents), return_inverse=True)
    size = index.max() + 1 if len(index) else 0
    return (np.bincount(index, predicted & y, size), np.bincount(index, predicted & ~y, size),
            np.bincount(index, ~predicted & y, size))


def bootstrap_intervals(tp, fp, fn, rounds: int = BOOTSTRAP, seed: int = 0) -> dict[str, list[float]]:
    """95% percentile intervals of precision, recall and F1 when the documents are drawn again with replacement."""
    import numpy as np

    tp, fp, fn = (np.asarray(a, dtype=float) for a in (tp, fp, fn))
    if not len(tp):
        return {"precision": [0.0, 0.0], "recall": [0.0, 0.0], "f1": [0.0, 0.0]}
    draw = np.random.default_rng(seed).integers(0, len(tp), size=(rounds, len(tp)))
    t, f, n = tp[draw].sum(axis=1), fp[draw].sum(axis=1), fn[draw].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(t + f > 0, t / (t + f), 0.0)
        recall = np.where(t + n > 0, t / (t + n), 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return {name: [round(float(np.percentile(v, 2.5)), 4), round(float(np.percentile(v, 97.5)), 4)]
            for name, v in (("precision", precision), ("recall", recall), ("f1", f1))}


def figures_at(predicted, y, documents) -> dict:
    """Precision, recall, F1 (with intervals), support and how many were predicted."""
    tp, fp, fn = per_document(predicted, y, documents)
    precision, recall, f1 = prf(int(tp.sum()), int(fp.sum()), int(fn.sum()))
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "support": int(tp.sum() + fn.sum()), "predicted": int(tp.sum() + fp.sum()),
            "ci": bootstrap_intervals(tp, fp, fn)}


def score_bands(scores, y, edges=BAND_EDGES, min_band: int = MIN_BAND) -> list[list]:
    """[[low, high, suggestions, right], ...] over the scores above 0, from the top band down: a band runs from
    one edge down to the next until it holds at least min_band scores (the lowest band keeps what is left)."""
    import numpy as np

    scores, y = np.asarray(scores, dtype=float), np.asarray(y, dtype=bool)
    bands: list[list] = []
    top = edges[-1] + 1e-9
    lows = sorted(edges[:-1], reverse=True)
    for k, low in enumerate(lows):
        inside = (scores >= low) & (scores < top) & (scores > 0)
        if inside.sum() >= min_band or k == len(lows) - 1:
            if inside.sum():
                bands.append([round(low, 4), round(min(top, edges[-1]), 4), int(inside.sum()), int((inside & y).sum())])
            top = low
    return bands


def band_of(bands: list[list], score: float) -> list | None:
    """The band a score falls in, or None."""
    for low, high, n, right in bands:
        if low <= score < high or (score == high == 1.0):
            return [low, high, n, right]
    return None


def trust_text(bands: list[list] | None, score: float) -> str | None:
    """What the reader shows beside a suggestion: how often suggestions of its code and method with a score like
    its own were right when measured."""
    band = band_of(bands or [], score)
    if band is None:
        return None
    _, _, n, right = band
    if n < MIN_SHOWN:
        return f"too few suggestions like this measured yet (n={n})"
    return f"suggestions like this were right {round(100 * right / n)}% of the time (n={n})"


def gate(support: int, figures: dict | None, reached: bool, target: float = TARGET_PRECISION,
         min_support: int = MIN_SUPPORT) -> tuple[bool, str]:
    """(passed, message): a code's suggestions are on by default only with min_support coded segments behind
    it and a measured precision at or above the target at its threshold."""
    if support < min_support:
        more = min_support - support
        return False, f"not enough evidence yet: code {more} more passage{'s' if more != 1 else ''}"
    if not figures or not reached or figures["precision"] < target:
        best = f" (best {figures['precision']:.2f})" if figures else ""
        return False, (f"measured precision stays below {target:.2f} at every threshold{best}: code more passages "
                       "or sharpen the definition")
    return True, f"passed: precision {figures['precision']:.2f}, recall {figures['recall']:.2f} at {support} coded"
