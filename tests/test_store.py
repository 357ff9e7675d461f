"""The project file: schema and migrations, WAL, typed attributes, atomic writes."""

import sqlite3

import pytest

from workbench.errors import NotFoundError, ProjectError, SearchQueryError
from workbench.ingest.segment import Segment
from workbench.store.attributes import typed_value
from workbench.store.database import open_database
from workbench.store.documents import insert_document


def test_new_project_has_schema_wal_and_recorded_migrations(tmp_path):
    db = open_database(tmp_path / "p.db")
    assert {"documents", "segments", "attributes", "memos", "segments_fts"} <= set(db.table_names())
    assert db.journal_mode == "wal"
    applied = [r["name"] for r in db["_sqlite_migrations"].rows]
    assert applied[0] == "m001_documents_segments_attributes" and len(applied) == len(set(applied)) >= 2
    db.close()
    # Opening again applies nothing twice.
    db = open_database(tmp_path / "p.db")
    assert db["_sqlite_migrations"].count == len(applied)


def test_not_a_database(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ProjectError, match="cannot open as a workbench project"):
        open_database(bad)


def test_missing_project_without_create(tmp_path):
    with pytest.raises(ProjectError, match="no project at"):
        open_database(tmp_path / "none.db", create=False)


@pytest.mark.parametrize("raw,kind,number,date", [
    ("2024-03-12", "date", None, "2024-03-12"),
    ("2024-03", "date", None, "2024-03"),
    ("12/03/2024", "date", None, "2024-03-12"),
    ("250", "number", 250.0, None),
    ("1,200", "number", 1200.0, None),
    ("3.5", "number", 3.5, None),
    ("West Midlands", "text", None, None),
    ("Tier 2+", "text", None, None),
    ("0121 496 0000", "text", None, None),
    ("2024-13-01", "text", None, None),
])
def test_attribute_values_are_typed(raw, kind, number, date):
    row = typed_value(raw)
    assert (row["value_type"], row["value_number"], row["value_date"]) == (kind, number, date)


def test_failed_write_leaves_nothing_behind(tmp_path):
    db = open_database(tmp_path / "p.db")
    record = {"title": "t", "type": "document", "format": "txt", "source_sha256": "abc", "text": "hello world"}
    bad_segments = [Segment(0, 5, "paragraph"), Segment(6, 11, None)]  # kind NULL violates NOT NULL
    with pytest.raises(sqlite3.IntegrityError):
        insert_document(db, record, bad_segments, {"region": "Wales"}, [])
    assert db["documents"].count == 0
    assert db["segments"].count == 0
    assert db["attributes"].count == 0


def test_segment_text_is_indexed_for_search(project, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Our OEM customer gave no demand signal.\n\nWe reshored the machining.")
    project.documents.ingest([src])
    hits = project.documents.search("reshore")  # porter stemming: reshored ~ reshore
    assert [h["match"] for h in hits] == ["reshored"]
    assert hits[0]["left"] == "We " and hits[0]["right"] == " the machining."


def test_document_lookup_by_id_title_and_prefix(project, tmp_path):
    for name in ("interview_alpha.txt", "interview_beta.txt"):
        (tmp_path / name).write_text(f"{name} text")
    project.documents.ingest([tmp_path])
    assert project.documents.get("interview_beta")["title"] == "interview_beta"
    assert project.documents.get("1")["title"] == "interview_alpha"
    with pytest.raises(NotFoundError, match="matches several documents"):
        project.documents.get("interview_")
    with pytest.raises(NotFoundError, match="no document"):
        project.documents.get("zzz")


def test_search_in_document_order_by_default_or_best_first(project, tmp_path):
    (tmp_path / "a.txt").write_text("I: Anything else?\n\nR: Welders. Welders. Welders, always welders.")
    (tmp_path / "b.txt").write_text("I: And now?\n\nR: We hire welders sometimes, and painters, and fitters.")
    (tmp_path / "c.txt").write_text("I: Hiring?\n\nR: Welders welders welders welders welders welders.")
    project.documents.ingest([tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"])
    in_order = [h["title"] for h in project.documents.search("welders")]
    assert in_order == ["a", "b", "c"]
    ranked = project.documents.search("welders", order="relevance")
    assert [h["title"] for h in ranked][-1] == "b"  # one mention in a longer turn ranks last
    assert [h["score"] for h in ranked] == sorted(h["score"] for h in ranked)
    with pytest.raises(SearchQueryError, match="unknown order"):
        project.documents.search("welders", order="random")
