"""Project health: integrity and consistency checks, online backups, and the time of the last change."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any

from workbench.errors import ProjectError
from workbench.store.database import database_file

SAMPLE_LIMIT = 20


def check_project(db) -> dict[str, Any]:
    """Every check with its problems (a few examples each); `ok` is True when none found any."""
    texts, segments, codings = _documents(db)
    checks = {
        "integrity": _integrity(db),
        "foreign_keys": _foreign_keys(db),
        "search_index": _search_index(db),
        "document_text": texts,
        "segments": segments,
        "codings": codings,
        "orphans": _orphans(db),
    }
    problems = {name: found for name, found in checks.items() if found}
    return {"ok": not problems, "checks": {name: {"ok": not found, "problems": found[:SAMPLE_LIMIT],
                                                 "count": len(found)} for name, found in checks.items()}}


def _integrity(db) -> list[str]:
    rows = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


def _foreign_keys(db) -> list[str]:
    return [f"{table} row {rowid} points to a missing {parent}"
            for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check").fetchall()]


def _search_index(db) -> list[str]:
    try:
        db.execute("INSERT INTO segments_fts(segments_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        return [f"the full-text index does not match the segments ({exc}); rebuild it with `workbench check --repair`"]
    return []


def _documents(db) -> tuple[list[str], list[str], list[str]]:
    """Texts that no longer match their hash, segments whose offsets no longer hold their text, and
    codings whose snippet moved; each document's text is read once."""
    texts, segments, codings = [], [], []
    for doc_id, text, text_sha, chars in db.execute(
            "SELECT id, text, text_sha256, char_count FROM documents ORDER BY id"):
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != text_sha:
            texts.append(f"document {doc_id}: its text no longer matches the hash stored at ingest")
        elif len(text) != chars:
            texts.append(f"document {doc_id}: {len(text)} characters, not {chars} as recorded")
        rows = db.execute('SELECT id, start, "end", text FROM segments WHERE document_id = ?', [doc_id])
        segments += [f"segment {seg_id} of document {doc_id}: offsets {start}-{end} do not hold its text"
                     for seg_id, start, end, stored in rows if text[start:end] != stored]
        rows = db.execute('SELECT id, start, "end", snippet FROM codings WHERE document_id = ?', [doc_id])
        codings += [f"coding {coding_id} of document {doc_id}: the text at {start}-{end} is no longer its "
                    f"snippet {snippet[:40]!r}" for coding_id, start, end, snippet in rows if text[start:end] != snippet]
    empty = db.execute("SELECT id FROM documents WHERE id NOT IN (SELECT document_id FROM segments)").fetchall()
    segments += [f"document {doc_id}: has no segments (a partial ingest?)" for (doc_id,) in empty]
    return texts, segments, codings


ORPHAN_QUERIES = {
    "coding of a missing document": "SELECT id FROM codings WHERE document_id NOT IN (SELECT id FROM documents)",
    "coding with a missing code": "SELECT id FROM codings WHERE code_id NOT IN (SELECT id FROM codes)",
    "suggestion of a missing segment": "SELECT id FROM suggestions WHERE segment_id IS NOT NULL "
                                       "AND segment_id NOT IN (SELECT id FROM segments)",
    "memo on a missing document": "SELECT id FROM memos WHERE document_id IS NOT NULL "
                                  "AND document_id NOT IN (SELECT id FROM documents)",
    "embedding of a missing segment": "SELECT segment_id FROM segment_embeddings "
                                      "WHERE segment_id NOT IN (SELECT id FROM segments)",
}


def _orphans(db) -> list[str]:
    out = []
    tables = set(db.table_names())
    for what, sql in ORPHAN_QUERIES.items():
        table = sql.split(" FROM ")[1].split()[0]
        if table in tables:
            out += [f"{what}: {table} row {rowid}" for (rowid,) in db.execute(sql).fetchall()]
    return out


def repair_search_index(db) -> None:
    """Rebuild the full-text index from the segments table."""
    from workbench.store.database import writing

    with writing(db):
        db.execute("INSERT INTO segments_fts(segments_fts) VALUES ('rebuild')")


def backup_project(db, destination: str | os.PathLike, overwrite: bool = False) -> dict[str, Any]:
    """Copy the project with SQLite's online backup (safe while others write); written beside, then renamed."""
    target = Path(destination)
    if target.exists() and not overwrite:
        raise ProjectError(f"{target} already exists", hint="choose another file or pass --overwrite")
    if target.resolve() == Path(database_file(db)).resolve():
        raise ProjectError(f"{target} is the project itself", hint="write the backup to another file")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        copy = sqlite3.connect(str(partial))
        try:
            db.conn.backup(copy, pages=1024)
            copy.execute("PRAGMA journal_mode = DELETE")
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
        if verdict != "ok":
            raise ProjectError(f"the backup failed its integrity check ({verdict})",
                               hint="run `workbench check` on the project first")
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        raise ProjectError(f"cannot write the backup to {target}: {exc}",
                           hint="check the folder exists, is writable and has free space") from exc
    finally:
        partial.unlink(missing_ok=True)
    return {"backup": str(target), "bytes": target.stat().st_size}


def project_time(db) -> str:
    """The project's last change as a UTC timestamp (Z form), for reproducible file metadata."""
    row = next(db.query("SELECT max(t) AS t FROM (SELECT max(created_at) AS t FROM codings "
                        "UNION ALL SELECT max(ingested_at) FROM documents)"))
    value = (row["t"] or "2000-01-01T00:00:00+00:00")[:19]
    return value + "Z"
