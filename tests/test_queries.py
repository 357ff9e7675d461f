"""Excerpts, code x document / attribute matrices and co-occurrence."""

import json

import pytest
from click.testing import CliRunner

from tests.test_coding import CODEBOOK


@pytest.fixture
def coded(project, tmp_path):
    (tmp_path / "cb.yaml").write_text(CODEBOOK)
    (tmp_path / "a.txt").write_text("I: Welders?\n\nR: All retiring.\n\nI: Orders?\n\nR: Thin, and no apprentices.")
    (tmp_path / "b.txt").write_text("Moderator: Start.\n\nP1: Our buyers give no signal.\n\nP2: Skills too.\n\nP3: Agreed.")
    (tmp_path / "m.csv").write_text("file,region\na.txt,North East\nb.txt,Wales\n")
    project.documents.ingest([tmp_path / "a.txt", tmp_path / "b.txt"], manifest=tmp_path / "m.csv")
    project.codebook.load(tmp_path / "cb.yaml")
    project.codings.add_coder("ann")
    a, b = project.documents.segments(1), project.documents.segments(2)
    project.codings.code_segment(a[1]["id"], "skills_ageing", "ann")
    project.codings.code_segment(a[3]["id"], "demand", "ann")
    project.codings.code_segment(a[3]["id"], "skills", "ann")
    project.codings.code_segment(b[1]["id"], "demand", "ann")
    project.codings.code_segment(b[2]["id"], "skills", "ann")
    return project


def test_excerpts_frame_with_attributes_and_filters(coded):
    frame = coded.codings.excerpts()
    assert len(frame) == 5
    assert {"code_path", "title", "speaker", "text", "region"} <= set(frame.columns)
    row = frame[frame["code_id"] == "skills_ageing"].iloc[0]
    assert (row["code_path"], row["speaker"], row["text"], row["region"]) == (
        "Skills / Ageing", "R", "All retiring.", "North East")
    assert len(coded.codings.excerpts(code="skills")) == 3  # with sub-codes
    assert len(coded.codings.excerpts(code="skills", with_subcodes=False)) == 2
    assert list(coded.codings.excerpts(attributes={"region": "Wales"})["title"].unique()) == ["b"]
    assert list(coded.codings.excerpts(speaker="P2")["code_id"]) == ["skills"]
    assert list(coded.codings.excerpts(doc_type="focus_group")["document_id"].unique()) == [2]


def test_matrix_by_document_and_attribute(coded):
    by_doc = coded.codings.matrix("document")
    assert by_doc.loc["skills", "1: a"] == 2  # rolled up: skills_ageing counts for skills
    assert by_doc.loc["skills_ageing", "1: a"] == 1
    assert by_doc.loc["demand"].tolist() == [1, 1]
    by_region = coded.codings.matrix("attribute:region", count="documents")
    assert by_region.loc["skills", "North East"] == 1 and by_region.loc["skills", "Wales"] == 1
    assert coded.codings.matrix("document", rollup=False).loc["skills", "1: a"] == 1
    assert list(coded.codings.matrix("type").columns) == ["focus_group", "interview"]


def test_cooccurrence(coded):
    seg = coded.codings.cooccurrence("segment")
    assert seg.loc["skills", "demand"] == 1 and seg.loc["demand", "demand"] == 2
    doc = coded.codings.cooccurrence("document")
    assert doc.loc["skills", "demand"] == 2


def test_cli_queries_json(coded):
    db = str(coded.path)
    out = CliRunner().invoke(__import__("workbench.cli", fromlist=["cli"]).cli,
                             ["--db", db, "matrix", "--cols", "attribute:region", "--json"])
    data = json.loads(out.stdout)
    assert data["cols"] == ["North East", "Wales"] and data["rows"][0] == "skills"
    out = CliRunner().invoke(__import__("workbench.cli", fromlist=["cli"]).cli,
                             ["--db", db, "excerpts", "--code", "demand", "--json"])
    assert [r["title"] for r in json.loads(out.stdout)] == ["a", "b"]
