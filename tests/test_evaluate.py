"""Evaluation against a gold standard: scores, gold file checks, and the shipped corpus gold file."""

import csv

import pytest

from tests.conftest import ROOT
from workbench.autocode.evaluate import GoldFileError, scores

GOLD = ROOT / "corpus" / "gold" / "gold_codings.csv"


def test_scores_by_hand():
    gold = {(1, "a"), (2, "a"), (3, "a"), (1, "b")}
    predicted = {(1, "a"), (2, "a"), (4, "a"), (2, "b"), (5, "c")}
    result = scores(gold, predicted)
    a = result["per_label"]["a"]
    assert (a["tp"], a["precision"], a["recall"]) == (2, pytest.approx(2 / 3, abs=1e-4), pytest.approx(2 / 3, abs=1e-4))
    assert result["per_label"]["b"]["f1"] == 0.0
    assert result["per_label"]["c"]["support"] == 0  # predicted only: not in the macro average
    assert result["macro"]["f1"] == pytest.approx((2 / 3 + 0) / 2, abs=1e-4)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from workbench.project import Project

    project = Project(tmp_path_factory.mktemp("gold") / "p.db")
    project.ingest([ROOT / "corpus" / "sources"], manifest=ROOT / "corpus" / "manifest.csv")
    project.load_codebook(ROOT / "codebooks" / "manufacturing_regions.yaml")
    yield project
    project.close()


def gold_rows():
    with open(GOLD, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_gold_file_matches_the_corpus_segments(corpus):
    titles = {d["title"]: d["id"] for d in corpus.documents()}
    spans = {(s_doc, s["start"], s["end"]) for s_doc in titles.values() for s in corpus.segments(s_doc)}
    codes = {c["id"] for c in corpus.codes()}
    rows = gold_rows()
    assert len(rows) > 500 and {r["split"] for r in rows} == {"tuning", "test"}
    for row in rows:
        assert (titles[row["document"]], int(row["start"]), int(row["end"])) in spans, row
        assert row["code"] in codes


def test_a_coder_equal_to_the_gold_scores_one_and_a_partial_one_less(corpus):
    titles = {d["title"]: d["id"] for d in corpus.documents()}
    corpus.add_coder("gold_copy")
    corpus.add_coder("half")
    rows = [r for r in gold_rows() if r["split"] == "test"]
    for i, r in enumerate(rows):
        corpus.code(titles[r["document"]], int(r["start"]), int(r["end"]), r["code"], "gold_copy")
        if i % 2 == 0:
            corpus.code(titles[r["document"]], int(r["start"]), int(r["end"]), r["code"], "half")
    perfect = corpus.evaluate(GOLD, coder="gold_copy", split="test")
    assert perfect["code"]["macro"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert perfect["theme"]["macro"]["f1"] == 1.0
    assert set(perfect["theme"]["per_label"]) == {"mark3_districts", "skills", "demand_signals"}
    half = corpus.evaluate(GOLD, coder="half", split="test")
    assert half["code"]["macro"]["precision"] == 1.0
    assert 0.3 < half["code"]["macro"]["recall"] < 0.7
    # Another coder in the project can be the gold standard.
    versus = corpus.evaluate(gold_coder="gold_copy", coder="half")
    assert versus["code"]["macro"]["precision"] == 1.0


def test_bad_gold_file_names_the_row(corpus, tmp_path):
    bad = tmp_path / "g.csv"
    bad.write_text("document,start,end,code\nNo such title,0,5,skills_shortage\n")
    with pytest.raises(GoldFileError, match=r"g.csv row 2: no document titled 'No such title'"):
        corpus.evaluate(bad)
    bad.write_text("document,begin,end,code\n")
    with pytest.raises(GoldFileError, match="missing column 'start'"):
        corpus.evaluate(bad)
