"""`workbench check` finds what is wrong, `backup` copies safely, full and read-only stores fail cleanly."""

import sqlite3

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.errors import ProjectError

TEXT = "I: What do you need?\n\nR: Welders. Half of ours retire within five years.\n\nI: And training?\n\nR: The college helps."


@pytest.fixture
def coded(project, tmp_path):
    (tmp_path / "int.txt").write_text(TEXT)
    project.documents.ingest([tmp_path / "int.txt"])
    project.codebook.add_code("skills_ageing", "Ageing workforce")
    project.codings.add_coder("ana")
    start = TEXT.index("Welders")
    project.codings.code(1, start, start + len("Welders"), "skills_ageing", "ana")
    return project


def test_a_healthy_project_passes_every_check(coded):
    report = coded.check()
    assert report["ok"] is True
    assert set(report["checks"]) == {"integrity", "foreign_keys", "search_index", "document_text", "segments",
                                     "codings", "orphans"}


def test_text_changed_behind_the_workbench_is_reported_with_the_coding(coded, tmp_path):
    coded.db.execute("UPDATE documents SET text = replace(text, 'Welders', 'Painters') WHERE id = 1")
    coded.db.conn.commit()
    report = coded.check()
    assert not report["ok"]
    assert "hash stored at ingest" in report["checks"]["document_text"]["problems"][0]
    assert "'Welders'" in report["checks"]["codings"]["problems"][0]
    assert report["checks"]["segments"]["count"] == 3  # the turn itself and the two after it shift
    result = CliRunner().invoke(cli, ["--db", str(coded.path), "check"])
    assert result.exit_code == 1 and "coding 1 of document 1" in result.output


def test_search_index_out_of_step_is_found_and_repaired(coded):
    row = coded.db.execute("SELECT id, text FROM segments ORDER BY id LIMIT 1").fetchone()
    coded.db.execute("INSERT INTO segments_fts(segments_fts, rowid, text) VALUES ('delete', ?, ?)", row)
    coded.db.conn.commit()
    assert not coded.check()["checks"]["search_index"]["ok"]
    assert coded.check(repair=True)["ok"]
    assert coded.documents.search("need")


def test_backup_is_a_full_consistent_copy_and_never_overwrites_by_accident(coded, tmp_path):
    from workbench.project import Project

    target = tmp_path / "copy.db"
    result = coded.backup(target)
    assert result["bytes"] > 0
    with Project(target, create=False) as copy:
        assert [c["snippet"] for c in copy.codings.list()] == ["Welders"]
        assert copy.check()["ok"]
    with pytest.raises(ProjectError, match="already exists"):
        coded.backup(target)
    with pytest.raises(ProjectError, match="the project itself"):
        coded.backup(coded.path, overwrite=True)
    with pytest.raises(ProjectError, match="cannot write the backup"):
        coded.backup(tmp_path / "missing" / "copy.db")
    assert not list(tmp_path.glob(".*.partial"))


def test_backup_command(coded, tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(coded.path), "backup", "-o", str(tmp_path / "b.db")])
    assert result.exit_code == 0 and "Backed up to" in result.output
    result = CliRunner().invoke(cli, ["--db", str(coded.path), "backup", "-o", str(tmp_path / "b.db")])
    assert result.exit_code == 1 and "already exists" in result.output and "--overwrite" in result.output


def test_a_read_only_store_gives_a_clear_error_and_writes_nothing(coded):
    coded.db.execute("PRAGMA query_only = ON")
    start = TEXT.index("college")
    with pytest.raises(ProjectError, match="read-only"):
        coded.codings.code(1, start, start + 7, "skills_ageing", "ana")
    coded.db.execute("PRAGMA query_only = OFF")
    assert len(coded.codings.list()) == 1


def test_a_full_disk_fails_the_file_not_the_batch_and_leaves_no_partial_document(coded, tmp_path):
    pages = coded.db.execute("PRAGMA page_count").fetchone()[0]
    coded.db.execute(f"PRAGMA max_page_count = {pages + 2}")
    (tmp_path / "big.txt").write_text("\n\n".join(f"R: turn {i} " + "welding " * 200 for i in range(200)))
    outcomes = coded.documents.ingest([tmp_path / "big.txt"])
    assert outcomes[0].status == "failed" and "disk" in outcomes[0].error and "full" in outcomes[0].error
    assert [d["title"] for d in coded.documents.list()] == ["int"]
    assert coded.db.execute("SELECT count(*) FROM segments WHERE document_id != 1").fetchone()[0] == 0
    assert coded.check()["ok"]


def test_storage_errors_other_than_faults_are_not_disguised():
    from workbench.store.database import storage_error

    assert storage_error(sqlite3.OperationalError("no such table: x")) is None
    assert "read-only" in storage_error(sqlite3.OperationalError("attempt to write a readonly database")).message
