"""The benchmark corpus generator: deterministic, realistic turns, and codings that land on the text."""

import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import synthetic


def test_same_seed_same_corpus_and_other_seed_differs():
    first = list(synthetic.generate_documents(3, seed=4))
    assert first == list(synthetic.generate_documents(3, seed=4))
    assert first != list(synthetic.generate_documents(3, seed=5))
    name, text, attrs = first[0]
    assert name == "int000001.txt" and text.startswith("FICTIONAL")
    assert set(attrs) == {"region", "sector", "firm_size", "role", "date", "interviewer"}
    assert "] I: " in text and "] R: " in text


def test_segments_carry_their_themes():
    turns = synthetic.synthetic_segments(200, seed=1)
    assert len(turns) == 200
    themes = {synthetic._theme_of(t) for t in turns}
    assert len(themes - {None}) >= 8


def test_built_project_has_documents_attributes_and_checked_codings(tmp_path):
    from workbench.project import Project

    result = synthetic.build_project(tmp_path / "s.db", documents=4, codings=30, words=(200, 300))
    assert result["documents"] == 4 and result["codings"] == 30 and result["failed"] == 0
    with Project(tmp_path / "s.db") as project:
        doc = project.documents.list()[0]
        assert project.documents.attributes(doc["id"])["region"] in synthetic.REGIONS
        codings = project.codings.list()
        assert len(codings) == 30
        for coding in codings:
            text = project.documents.get(coding["document_id"])["text"]
            assert text[coding["start"]:coding["end"]] == coding["snippet"]
