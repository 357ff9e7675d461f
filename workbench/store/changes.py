"""The change log: who changed which rows when, with the rows before and after, written in the writer's transaction.

A change's `before` and `after` are JSON objects {table: [whole rows]}: a row only in `after` was created by the
change, one only in `before` was deleted, one in both was edited. Undo (`store.undo`) puts `before` back.
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager

from workbench.errors import NotFoundError

# The tables the log covers, in the order their rows are restored (parents first), with their keys.
KEYS = {"codes": ("id",), "codings": ("id",), "memos": ("id",), "suggestions": ("id",),
        "attributes": ("document_id", "name"), "reconciliations": ("id",)}
TABLES = tuple(KEYS)
NOT_UNDOABLE = ("import", "merge", "split")
_OFF = "_workbench_changes_off"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def is_recording(db) -> bool:
    """False inside `unrecorded(db)` (bulk imports that log one summary change instead, benchmarks)."""
    return not getattr(db, _OFF, 0)


@contextmanager
def unrecorded(db):
    """Writes made inside are not logged row by row (the caller logs a summary, or measures the log's cost)."""
    setattr(db, _OFF, getattr(db, _OFF, 0) + 1)
    try:
        yield db
    finally:
        setattr(db, _OFF, getattr(db, _OFF) - 1)


def key_of(table: str, row: dict) -> tuple:
    """The primary key of a row of a logged table."""
    return tuple(row[k] for k in KEYS[table])


def target_id(table: str, row: dict) -> str:
    """How a row is named in the log's target_id column ("7", or "3:region" for an attribute)."""
    return ":".join(str(v) for v in key_of(table, row))


def rows_where(db, table: str, condition: str, params: list) -> list[dict]:
    """Whole rows of a logged table that meet a condition, in key order."""
    order = ", ".join(f'"{k}"' for k in KEYS[table])
    return list(db.query(f"SELECT * FROM {table} WHERE {condition} ORDER BY {order}", params))


def current_row(db, table: str, key: tuple) -> dict | None:
    """The row of a logged table with this key as it is now, or None."""
    condition = " AND ".join(f'"{k}" = ?' for k in KEYS[table])
    return next(db.query(f"SELECT * FROM {table} WHERE {condition}", list(key)), None)


def capture(db, specs: dict[str, tuple[str, list]]) -> dict[str, list[dict]]:
    """{table: rows} of the rows each (condition, params) selects; tables without rows are left out."""
    found = {table: rows_where(db, table, condition, params) for table, (condition, params) in specs.items()}
    return {table: rows for table, rows in found.items() if rows}


def recapture(db, before: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The rows of `before` as they are now (rows since deleted are left out)."""
    out: dict[str, list[dict]] = {}
    for table, rows in before.items():
        now = [r for r in (current_row(db, table, key_of(table, row)) for row in rows) if r is not None]
        if now:
            out[table] = now
    return out


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _dump(rows: dict | None) -> str:
    return _encode(rows) if rows else "{}"


_INSERT = ('INSERT INTO changes (at, coder, kind, target, target_id, "before", "after", undoes) '
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")


def record_change(db, kind: str, target: str, target_key: str | None, before: dict | None, after: dict | None,
                  coder: str | None = None, undoes: int | None = None, force: bool = False) -> int | None:
    """Log one change (call inside the writer's transaction); returns its id, None when not recording."""
    if not (force or is_recording(db)):
        return None
    return db.conn.execute(_INSERT, [_now(), coder, kind, target, target_key, _dump(before), _dump(after),
                                     undoes]).lastrowid


def record_changes(db, entries: list[tuple]) -> None:
    """Log many changes at once: (kind, target, target_id, before, after, coder) tuples (inside a transaction)."""
    if not entries or not is_recording(db):
        return
    at = _now()
    values = [(at, coder, kind, target, key, _dump(before), _dump(after), None)
              for kind, target, key, before, after, coder in entries]
    if len(values) == 1:
        db.conn.execute(_INSERT, values[0])
    else:
        db.conn.executemany(_INSERT, values)


def record_edits(db, kind: str, table: str, before_rows: list[dict], coder: str | None = None) -> None:
    """Log one change per row of `before_rows` (already written): the row before and as it is now."""
    entries = []
    for row in before_rows:
        now = current_row(db, table, key_of(table, row))
        if now != row:
            entries.append((kind, table, target_id(table, row), {table: [row]}, {table: [now]} if now else {}, coder))
    record_changes(db, entries)


def _parse(row: dict) -> dict:
    return {**row, "before": json.loads(row["before"]), "after": json.loads(row["after"])}


def get_change(db, change_id: int) -> dict:
    """One change with its before and after rows; NotFoundError when there is none."""
    row = next(db.query("SELECT * FROM changes WHERE id = ?", [int(change_id)]), None)
    if row is None:
        raise NotFoundError(f"no change {change_id}", hint="list changes with `workbench history`")
    return _parse(row)


def list_changes(db, coder: str | None = None, since: str | None = None, limit: int | None = None,
                 in_effect: bool = False, undoable: bool = False) -> list[dict]:
    """Changes, newest first: of one coder, at or after an ISO time, only those not undone (in_effect), only
    those undo may reverse (undoable: not undo records or imports)."""
    conditions, params = ["1"], []
    if coder:
        conditions.append("coder = ?")
        params.append(coder)
    if since:
        conditions.append("at >= ?")
        params.append(since)
    if in_effect:
        conditions.append("undone_by IS NULL")
    if undoable:  # settings changes (blind coding, accounts) are changed back by their own commands
        conditions.append(f"kind NOT IN ('undo', {', '.join('?' * len(NOT_UNDOABLE))}) "
                          "AND kind NOT LIKE 'blind.%' AND kind NOT LIKE 'account.%'")
        params += NOT_UNDOABLE
    sql = f"SELECT * FROM changes WHERE {' AND '.join(conditions)} ORDER BY id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_parse(r) for r in db.query(sql, params)]


def later_changes(db, change_id: int, table: str, keys: list[str]) -> list[dict]:
    """Changes in effect after `change_id` whose target is one of these rows (id, kind), oldest first."""
    if not keys:
        return []
    return list(db.query(
        f"SELECT id, kind FROM changes WHERE id > ? AND undone_by IS NULL AND target = ? "
        f"AND target_id IN ({','.join('?' * len(keys))}) ORDER BY id", [change_id, table, *keys]))


def mark_undone(db, change_id: int, undo_id: int) -> None:
    """Note that `undo_id` undid `change_id` (the only edit the log allows)."""
    db.execute("UPDATE changes SET undone_by = ? WHERE id = ?", [undo_id, change_id])


def change_count(db) -> int:
    """How many changes the log holds."""
    return next(db.query("SELECT count(*) AS n FROM changes"))["n"]
