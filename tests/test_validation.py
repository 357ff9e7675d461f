"""The measured gate: its arithmetic against figures worked out by hand, and grouped cross-validation that never
lets a held-out document teach its own classifier."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.validation import figures as fig
from workbench.validation.crossval import document_folds, out_of_fold, summarise
from workbench.validation.dataset import Dataset


def test_the_threshold_is_the_lowest_score_that_reaches_the_target_precision():
    scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
    y = [1, 1, 1, 0, 1, 0]
    # >= 0.6: 3 of 4 right (0.75); >= 0.5: 4 of 5 (0.80) reaches 0.8; >= 0.4: 4 of 6 (0.67) does not
    assert fig.choose_threshold(scores, y, 0.8, min_predicted=1) == (0.5, True)
    # 0.75 is reached lower down: >= 0.5 still (0.8), and >= 0.4 does not reach it
    assert fig.choose_threshold(scores, y, 0.75, min_predicted=1) == (0.5, True)
    # with at least 6 suggestions required nothing qualifies: the best F1 (0.5: P 0.8, R 1.0, F1 0.89) is kept
    assert fig.choose_threshold(scores, y, 0.8, min_predicted=6) == (0.5, False)
    assert fig.choose_threshold([0, 0], [1, 0]) == (1.0, False)


def test_precision_recall_f1_and_counts_by_hand():
    assert fig.counts([1, 1, 0, 0, 1], [1, 0, 1, 0, 1]) == (2, 1, 1)
    precision, recall, f1 = fig.prf(2, 1, 1)
    assert (round(precision, 4), round(recall, 4), round(f1, 4)) == (0.6667, 0.6667, 0.6667)
    assert fig.prf(0, 0, 3) == (0.0, 0.0, 0.0)


def test_bootstrap_over_one_document_gives_the_point_figure_and_intervals_hold_the_figure():
    one = fig.bootstrap_intervals([5], [1], [0])
    assert one["precision"] == [0.8333, 0.8333] and one["recall"] == [1.0, 1.0]
    predicted = np.array([1, 1, 0, 1, 0, 1, 1, 0, 0, 1], dtype=bool)
    y = np.array([1, 0, 0, 1, 1, 1, 1, 0, 1, 1], dtype=bool)
    documents = np.array([1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    figures = fig.figures_at(predicted, y, documents)
    assert (figures["support"], figures["predicted"]) == (7, 6)
    assert figures["precision"] == round(5 / 6, 4) and figures["recall"] == round(5 / 7, 4)
    for name in ("precision", "recall", "f1"):
        low, high = figures["ci"][name]
        assert low <= figures[name] <= high


def test_score_bands_hold_at_least_ten_and_the_trust_text_reads_them():
    scores = np.r_[np.full(12, 0.95), np.full(4, 0.85), np.full(8, 0.75), np.full(20, 0.3)]
    y = np.r_[np.ones(11), np.zeros(1), np.ones(3), np.zeros(1), np.ones(4), np.zeros(4), np.zeros(20)]
    bands = fig.score_bands(scores, y)
    assert bands[0] == [0.9, 1.0, 12, 11]
    assert bands[1] == [0.7, 0.9, 12, 7]  # 0.8-0.9 held only 4: widened down to 0.7
    assert sum(b[2] for b in bands) == len(scores)
    assert fig.trust_text(bands, 0.97) == "suggestions like this were right 92% of the time (n=12)"
    assert fig.trust_text(bands, 0.72) == "suggestions like this were right 58% of the time (n=12)"
    assert fig.trust_text([[0.9, 1.0, 3, 3]], 0.95) == "too few suggestions like this measured yet (n=3)"
    assert fig.trust_text(bands, 0.0) is None


def test_the_gate_needs_twenty_coded_passages_and_the_target_precision():
    good = {"precision": 0.85, "recall": 0.5}
    assert fig.gate(12, good, True) == (False, "not enough evidence yet: code 8 more passages")
    assert fig.gate(19, good, True)[1] == "not enough evidence yet: code 1 more passage"
    assert fig.gate(20, good, True)[0] is True
    passed, message = fig.gate(40, {"precision": 0.71, "recall": 0.9}, False)
    assert not passed and "below 0.80" in message and "0.71" in message


def test_grouped_folds_never_put_a_document_on_both_sides():
    documents = np.random.default_rng(3).integers(1, 8, size=200)
    folds = document_folds(documents)
    assert len(folds) == 5
    seen = []
    for train, test in folds:
        assert not set(documents[train]) & set(documents[test])
        seen += test.tolist()
    assert sorted(seen) == list(range(200))
    with pytest.raises(Exception, match="at least 2 documents"):
        document_folds(np.ones(10))


def _fake_dataset(n_docs: int = 8, per_doc: int = 12, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    n = n_docs * per_doc
    documents = np.repeat(np.arange(1, n_docs + 1), per_doc)
    y_theme = (rng.random(n) < 0.35).astype(np.int8)
    y_rare = np.zeros(n, dtype=np.int8)
    y_rare[np.flatnonzero(y_theme)[:10]] = 1
    direction = rng.normal(size=16)
    vectors = rng.normal(size=(n, 16)) + np.outer(y_theme * 2.5, direction)
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    codes = [{"id": "theme", "label": "Theme", "parent_id": None}, {"id": "rare", "label": "Rare", "parent_id": "theme"}]
    return Dataset(segment_ids=list(range(1, n + 1)), documents=documents, spans=[(0, 1)] * n, codes=codes,
                   themes={"theme": "theme", "rare": "theme"}, labels={"theme": y_theme, "rare": y_rare},
                   vectors=vectors, context_vectors=vectors,
                   rule_scores={"theme": y_theme * 0.5, "rare": np.zeros(n, dtype=np.float32)},
                   rule_reasons={"theme": {}, "rare": {}})


def test_out_of_fold_scores_come_from_classifiers_that_never_saw_the_document(monkeypatch):
    from workbench.validation import crossval, scoring

    data = _fake_dataset()
    calls = []
    real = scoring.method_scores

    def spy(data_, train, test, examples=None, methods=scoring.METHODS):
        calls.append((set(data_.documents[train]), set(data_.documents[test])))
        return real(data_, train, test, examples, methods)

    monkeypatch.setattr(crossval, "method_scores", spy)
    monkeypatch.setattr(crossval, "example_training", lambda db, codes: None)
    scores = out_of_fold(None, data)
    assert len(calls) == 5 and all(not train & test for train, test in calls)
    assert set().union(*(test for _, test in calls)) == set(range(1, 9))
    assert set(scores) == {"rules", "classifier", "classifier+context", "rules+classifier"}
    summary = summarise(data, scores)
    theme, rare = summary["codes"]["theme"], summary["codes"]["rare"]
    assert theme["support"] == int(data.labels["theme"].sum()) >= 20 and theme["passed"]
    assert theme["methods"][theme["method"]]["precision"] >= 0.8
    assert not rare["passed"] and rare["message"] == "not enough evidence yet: code 10 more passages"
    assert summary["themes"]["theme"]["gated_codes"] == ["theme"]
    assert set(summary["macro"]) == {"rules", "classifier", "classifier+context", "rules+classifier", "gated"}
    predicted = np.zeros(len(data), dtype=bool)
    predicted[theme["predicted"]] = True
    assert predicted.sum() == theme["methods"][theme["method"]]["predicted"]
