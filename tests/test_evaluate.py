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
    project.documents.ingest([ROOT / "corpus" / "sources"], manifest=ROOT / "corpus" / "manifest.csv")
    project.codebook.load(ROOT / "codebooks" / "manufacturing_regions.yaml")
    yield project
    project.close()


def gold_rows():
    with open(GOLD, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_gold_file_matches_the_corpus_segments(corpus):
    titles = {d["title"]: d["id"] for d in corpus.documents.list()}
    spans = {(s_doc, s["start"], s["end"]) for s_doc in titles.values() for s in corpus.documents.segments(s_doc)}
    codes = {c["id"] for c in corpus.codebook.codes()}
    rows = gold_rows()
    assert len(rows) > 500 and {r["split"] for r in rows} == {"tuning", "dev", "test"}
    for row in rows:
        if not row["code"]:  # a document the gold coders left uncoded
            assert row["document"] in titles and not row["start"] and not row["end"], row
            continue
        assert (titles[row["document"]], int(row["start"]), int(row["end"])) in spans, row
        assert row["code"] in codes
    by_split = {}
    for row in rows:
        by_split.setdefault(row["split"], set()).add(row["document"])
    assert not by_split["test"] & (by_split["tuning"] | by_split["dev"])  # held-out documents only


def test_a_coder_equal_to_the_gold_scores_one_and_a_partial_one_less(corpus):
    titles = {d["title"]: d["id"] for d in corpus.documents.list()}
    corpus.codings.add_coder("gold_copy")
    corpus.codings.add_coder("half")
    rows = [r for r in gold_rows() if r["split"] == "test" and r["code"]]
    for i, r in enumerate(rows):
        corpus.codings.code(titles[r["document"]], int(r["start"]), int(r["end"]), r["code"], "gold_copy")
        if i % 2 == 0:
            corpus.codings.code(titles[r["document"]], int(r["start"]), int(r["end"]), r["code"], "half")
    perfect = corpus.suggestions.evaluate(GOLD, coder="gold_copy", split="test")
    assert perfect["code"]["macro"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert perfect["theme"]["macro"]["f1"] == 1.0
    assert set(perfect["theme"]["per_label"]) == {"mark3_districts", "skills", "demand_signals"}
    half = corpus.suggestions.evaluate(GOLD, coder="half", split="test")
    assert all(v["precision"] == 1.0 for v in half["code"]["per_label"].values() if v["predicted"])
    assert 0.3 < half["code"]["macro"]["recall"] < 0.7
    # Another coder in the project can be the gold standard.
    versus = corpus.suggestions.evaluate(gold_coder="gold_copy", coder="half")
    assert all(v["precision"] == 1.0 for v in versus["code"]["per_label"].values() if v["predicted"])


def test_bad_gold_file_names_the_row(corpus, tmp_path):
    bad = tmp_path / "g.csv"
    bad.write_text("document,start,end,code\nNo such title,0,5,skills_shortage\n")
    with pytest.raises(GoldFileError, match=r"g.csv row 2: no document titled 'No such title'"):
        corpus.suggestions.evaluate(bad)
    bad.write_text("document,begin,end,code\n")
    with pytest.raises(GoldFileError, match="missing column 'start'"):
        corpus.suggestions.evaluate(bad)


def test_a_gold_row_without_a_code_keeps_an_uncoded_document_in_scope(corpus, tmp_path):
    first, second = [d for d in corpus.documents.list() if d["type"] == "survey"][:2]
    segment = corpus.documents.segments(first["id"])[0]
    corpus.codings.add_coder("eager")
    for doc in (first, second):
        part = corpus.documents.segments(doc["id"])[0]
        corpus.codings.code(doc["id"], part["start"], part["end"], "skills_shortage", "eager")
    gold = tmp_path / "g.csv"
    rows = f'{first["title"]},{segment["start"]},{segment["end"]},skills_shortage\n'
    gold.write_text("document,start,end,code\n" + rows)
    only_first = corpus.suggestions.evaluate(gold, coder="eager")
    assert only_first["documents"] == 1 and only_first["code"]["macro"]["precision"] == 1.0
    gold.write_text("document,start,end,code\n" + rows + f'{second["title"]},,,\n')
    both = corpus.suggestions.evaluate(gold, coder="eager")  # the second answer is in scope: its coding is a false positive
    assert both["documents"] == 2 and both["code"]["macro"]["precision"] == 0.5
    gold.write_text("document,start,end,code\n" + f'{second["title"]},,,\n')
    nothing = corpus.suggestions.evaluate(gold, coder="eager")
    assert nothing["code"]["per_label"]["skills_shortage"] == {
        "support": 0, "predicted": 1, "tp": 0, "precision": 0.0, "recall": 0.0, "f1": 0.0}
