"""Scores of each suggestion method for each code, learned on some segments and given to others.

The same function scores the held-out documents of a cross-validation and, trained on everything a coder has
coded, the whole project in a gated run, so a score means the same thing in both:

* rules: the rule score (1 - 0.5^n for n different rules of the code or its sub-codes that fire; 0: none);
* classifier: a class-balanced logistic regression over the segment embeddings (for a theme, blended with a
  vote of its nearest training passages, as `autocode --method semantic` does);
* classifier+context: the same over embeddings that mix in the turns before and after;
* rules+classifier: half the rule's firing (0 or 0.5) plus half the classifier's probability, so a rule hit
  needs less from the classifier and the classifier alone needs to be surer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from workbench.validation.dataset import Dataset

METHODS = ("rules", "classifier", "classifier+context", "rules+classifier")
MIN_POSITIVES = 3  # positive training passages (coded segments and examples) a classifier needs


def example_training(db, codes: list[dict]):
    """(vectors, labels per code) of the codebook's training examples and example quotations; empty when the
    project has none. They teach every fold: they come from no project document."""
    import numpy as np

    from workbench.autocode.semantic import example_passages

    vectors, tags, _ = example_passages(db, codes)
    labels = {c["id"]: np.array([1 if c["id"] in t else 0 for t in tags], dtype=np.int8) for c in codes}
    return vectors, labels


def _classifier_scores(x_train, y, x_test, theme: bool) -> np.ndarray | None:
    from workbench.autocode.semantic import NEIGHBOUR_WEIGHT, nearest_training_rows, neighbour_vote, train_classifier

    if y.sum() < MIN_POSITIVES or len(y) - y.sum() < MIN_POSITIVES:
        return None
    scores = train_classifier(x_train, y).predict_proba(x_test)[:, 1]
    if theme:
        scores = (1 - NEIGHBOUR_WEIGHT) * scores + NEIGHBOUR_WEIGHT * neighbour_vote(y, nearest_training_rows(x_train, x_test))
    return scores


def method_scores(data: Dataset, train, test, examples=None, methods=METHODS) -> dict[str, dict[str, np.ndarray]]:
    """{method: {code id: score per test row}} with classifiers fitted on the train rows (and the examples).
    A code whose classifier cannot be fitted (too few positives) scores 0 with it."""

    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):  # many small fits: threads only wait on each other
        return _method_scores(data, train, test, examples, methods)


def _method_scores(data, train, test, examples, methods):
    import numpy as np

    train, test = np.asarray(train, dtype=np.int64), np.asarray(test, dtype=np.int64)
    out: dict[str, dict[str, np.ndarray]] = {m: {} for m in methods}
    example_x, example_y = examples if examples is not None else (None, {})
    has_examples = example_x is not None and len(example_x)
    variants = []  # the classifiers to fit: rules+classifier needs the plain one too
    if "classifier" in methods or "rules+classifier" in methods:
        variants.append(("classifier", data.vectors))
    if "classifier+context" in methods:
        variants.append(("classifier+context", data.context_vectors))
    for code in data.codes:
        code_id = code["id"]
        y = data.labels[code_id][train]
        if has_examples:
            y = np.r_[y, example_y[code_id]]
        for name, vectors in variants:
            x_train = vectors[train]
            if has_examples:
                x_train = np.vstack([x_train, example_x])
            scores = _classifier_scores(x_train, y, vectors[test], code["parent_id"] is None)
            out.setdefault(name, {})[code_id] = np.zeros(len(test)) if scores is None else scores
        if "rules" in methods or "rules+classifier" in methods:
            rules = data.rule_scores.get(code_id)
            rules = np.zeros(len(test)) if rules is None else rules[test].astype(np.float64)
            out.setdefault("rules", {})[code_id] = rules
            if "rules+classifier" in methods:
                out["rules+classifier"][code_id] = 0.5 * (rules > 0) + 0.5 * out["classifier"][code_id]
    return {m: out[m] for m in methods}
