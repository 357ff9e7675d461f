"""Pseudonyms given at ingest, keyed by a hash of the name (the name itself is never stored), and the other
names a project knows (speakers, attribute values) that exports learn before replacing names."""

from __future__ import annotations

import datetime as dt


def add_pseudonyms(db, rows: list[dict]) -> None:
    """Keep {name_sha256, replacement, category, found_by} rows; a hash already stored keeps its pseudonym."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    rows = [{**row, "created_at": now} for row in rows]
    if rows:
        with db.atomic():
            db["pseudonyms"].insert_all(rows, pk="name_sha256", ignore=True)


def known_pseudonyms(db) -> list[dict]:
    """[{name_sha256, replacement, category}] in the order they were first given."""
    return list(db.query("SELECT name_sha256, replacement, category FROM pseudonyms ORDER BY rowid"))


def speaker_names(db) -> list[str]:
    """Every distinct speaker of every document, sorted."""
    return [r["speaker"] for r in db.query(
        "SELECT DISTINCT speaker FROM segments WHERE speaker IS NOT NULL ORDER BY speaker")]


def attribute_values(db) -> list[tuple[str, str]]:
    """(name, value) of every document attribute, by document."""
    return [(r["name"], r["value"]) for r in db.query("SELECT name, value FROM attributes ORDER BY document_id, name")]
