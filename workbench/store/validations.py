"""SQL of validation runs: the segments and codings a validation reads, and its stored results."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from workbench.store.database import writing
from workbench.store.segments import kind_scope


def document_segments(db, document_ids: list[int] | None, include_structure: bool = False) -> list[tuple]:
    """(id, document_id, start, end, text, speaker) of the segments of these documents (None: all), in reading
    order; structure segments are left out unless include_structure."""
    where, params = kind_scope(include_structure)
    if document_ids is not None:
        if not document_ids:
            return []
        where += f" AND document_id IN ({','.join('?' * len(document_ids))})"
        params = params + [int(d) for d in document_ids]
    return db.execute(f'SELECT id, document_id, start, "end", text, speaker FROM segments WHERE 1 {where} '
                      "ORDER BY document_id, ordinal", params).fetchall()


def codings_sha256(db, coder: str) -> tuple[int, str]:
    """(how many codings, SHA-256 over them) of one coder: a validation is stale once this changes."""
    digest = hashlib.sha256()
    count = 0
    for row in db.execute('SELECT document_id, start, "end", code_id FROM codings WHERE coder = ? '
                          'ORDER BY document_id, start, "end", code_id', [coder]):
        digest.update(repr(tuple(row)).encode())
        count += 1
    return count, digest.hexdigest()


def save_validation(db, coder: str, target: float, min_support: int, encoder: str, settings: dict,
                    codings: int, codings_hash: str, documents: int, results: dict) -> int:
    """Store one validation's results; returns its id."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with writing(db):
        cursor = db.execute(
            "INSERT INTO validations (created_at, coder, target_precision, min_support, encoder, settings, codings, "
            "codings_sha256, documents, results) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [now, coder, target, min_support, encoder, json.dumps(settings, sort_keys=True), codings, codings_hash,
             documents, json.dumps(results)])
        return int(cursor.lastrowid)


def _row(row) -> dict:
    out = dict(row)
    out["settings"] = json.loads(out["settings"])
    out["results"] = json.loads(out["results"])
    return out


def latest_validation(db, coder: str | None = None) -> dict | None:
    """The newest stored validation (of one coder when given), or None."""
    sql = "SELECT * FROM validations" + (" WHERE coder = ?" if coder else "") + " ORDER BY id DESC LIMIT 1"
    rows = list(db.query(sql, [coder] if coder else []))
    return _row(rows[0]) if rows else None


def validation_list(db) -> list[dict]:
    """Every stored validation without its results: id, date, coder, target, codings, documents."""
    return list(db.query("SELECT id, created_at, coder, target_precision, min_support, encoder, codings, documents "
                         "FROM validations ORDER BY id"))
