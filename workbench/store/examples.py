"""Training examples kept in the project, one set per codebook (replaced whole on each load)."""

from __future__ import annotations

import datetime as dt
import json

from workbench.store.changes import record_change
from workbench.store.database import writing


def replace_examples(db, codebook: str, examples: list[dict], source_path: str | None = None) -> int:
    """Store a codebook's examples instead of the ones it had; returns how many."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with writing(db):
        db.execute("DELETE FROM training_examples WHERE codebook = ?", [codebook])
        db.conn.executemany(
            "INSERT INTO training_examples (codebook, ref, text, codes, source_path, loaded_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(codebook, e["ref"], e["text"], json.dumps(e["codes"]), source_path, now) for e in examples])
        record_change(db, "import", "training_examples", codebook, None, {"summary": {"examples": len(examples)}})
    return len(examples)


def list_examples(db, codebook: str | None = None) -> list[dict]:
    """Stored examples [{id, codebook, ref, text, codes}], codes limited to those the project still has."""
    known = {r[0] for r in db.execute("SELECT id FROM codes")}
    sql, params = "SELECT id, codebook, ref, text, codes FROM training_examples", []
    if codebook:
        sql, params = sql + " WHERE codebook = ?", [codebook]
    out = []
    for row in db.execute(sql + " ORDER BY id", params):
        out.append({"id": row[0], "codebook": row[1], "ref": row[2], "text": row[3],
                    "codes": [c for c in json.loads(row[4]) if c in known]})
    return out
