"""The sample corpus ingests completely, with the turns, pages and attributes it was written with."""

import csv
from pathlib import Path

import pytest

from tests.conftest import ROOT

CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def corpus_project(tmp_path_factory):
    from workbench.project import Project

    project = Project(tmp_path_factory.mktemp("corpus") / "corpus.db")
    outcomes = project.documents.ingest([CORPUS / "sources"], manifest=CORPUS / "manifest.csv")
    yield project, outcomes
    project.close()


def test_every_file_ingests(corpus_project):
    _, outcomes = corpus_project
    assert [o for o in outcomes if o.status != "ingested"] == []
    files = {o.path for o in outcomes}
    with open(CORPUS / "manifest.csv", newline="", encoding="utf-8") as f:
        listed = {str((CORPUS / "sources" / row["file"]).resolve()) for row in csv.DictReader(f)}
    assert {str(Path(p).resolve()) for p in files} == listed


def test_types_and_speakers(corpus_project):
    project, _ = corpus_project
    docs = project.documents.list()
    by_type = {}
    for d in docs:
        by_type.setdefault(d["type"], []).append(d)
    assert len(by_type["interview"]) >= 6 and len(by_type["focus_group"]) >= 2
    assert len(by_type["notes"]) >= 2 and len(by_type["document"]) >= 3 and len(by_type["survey"]) == 24 + 14 + 12 + 12 + 12
    for d in by_type["interview"]:
        assert len(project.documents.speakers(d["id"])) == 2, d["title"]
    for d in by_type["focus_group"]:
        assert len(project.documents.speakers(d["id"])) >= 6, d["title"]
    for d in by_type["document"]:
        assert project.documents.speakers(d["id"]) == [], d["title"]


def test_every_document_is_marked_fictional(corpus_project):
    project, _ = corpus_project
    for d in project.documents.list():
        if d["type"] != "survey":
            assert "FICTIONAL" in project.documents.get(d["id"])["text"][:400], d["title"]


def test_two_column_plan_has_pages_and_no_running_header(corpus_project):
    project, _ = corpus_project
    [plan] = [d for d in project.documents.list() if d["file_name"] == "doc01_bcm_manufacturing_plan_2025.pdf"]
    segments = project.documents.segments(plan["id"])
    assert max(s["page"] for s in segments) >= 5
    assert not any("Consultation draft" in s["text"] and "·" in s["text"] for s in segments)
    assert not any(s["text"].strip().startswith("Page ") and len(s["text"]) < 12 for s in segments)


def test_attributes_from_manifest_and_survey_rows(corpus_project):
    project, _ = corpus_project
    interviews = project.documents.list("interview")
    assert all({"region", "sector", "firm_size", "role", "date"} <= set(d["attributes"]) for d in interviews)
    hits = project.documents.search("welders", doc_type="survey")
    assert hits and all(h["type"] == "survey" for h in hits)
    west = project.documents.search("skills", attributes={"region": "West Midlands"}, limit=500)
    assert west and all(project.documents.attributes(h["document_id"])["region"] == "West Midlands" for h in west)
