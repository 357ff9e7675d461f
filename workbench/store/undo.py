"""Undo a logged change: check that nothing since depends on it, put its `before` rows back, log the undo."""

from __future__ import annotations

import sqlite3

from workbench.errors import WorkbenchError
from workbench.store import changes as log
from workbench.store.database import writing

# Rows that point at a row of a table: (table, column) pairs. Deleting a row they point at would cascade.
REFERENCES = {"codes": (("codes", "parent_id"), ("codings", "code_id"), ("memos", "code_id"),
                        ("suggestions", "code_id")),
              "codings": (("memos", "coding_id"), ("suggestions", "coding_id"))}


class UndoError(WorkbenchError):
    """A change cannot be undone (already undone, an import, merge or split, or a later change depends on it)."""

    hint = "see the changes with `workbench history`"


def undo_change(db, change_id: int, coder: str | None = None) -> int:
    """Reverse one change in its own (or the caller's) transaction; returns the id of the undo's own change."""
    with writing(db):
        change = log.get_change(db, change_id)
        _check_undoable(db, change)
        before, after = change["before"], change["after"]
        try:
            _restore(db, before, after)
        except sqlite3.IntegrityError as exc:
            raise UndoError(f"change {change_id} ({change['kind']}) cannot be undone: the rows it touched are "
                            f"now tied to other rows ({exc})",
                            hint="undo the later changes that use them first (see `workbench history`)") from exc
        undo_id = log.record_change(db, "undo", change["target"], change["target_id"], after, before, coder=coder,
                                    undoes=change["id"], force=True)
        log.mark_undone(db, change["id"], undo_id)
    return undo_id


def _check_undoable(db, change: dict) -> None:
    label = f"change {change['id']} ({change['kind']})"
    if change["undone_by"] is not None:
        latest = change["undone_by"]
        while (nxt := log.get_change(db, latest)["undone_by"]) is not None:
            latest = nxt
        if latest == change["undone_by"]:
            raise UndoError(f"{label} was already undone by change {latest}",
                            hint=f"undo change {latest} to bring it back")
        raise UndoError(f"{label} was undone and brought back; change {latest} holds it now",
                        hint=f"undo change {latest} instead")
    if change["kind"].startswith("blind."):
        raise UndoError(f"{label} turned blind coding {change['kind'][6:]} and is not undone here",
                        hint="turn it back with `workbench blind on|off`")
    if change["kind"].startswith("account."):
        raise UndoError(f"{label} changed an account and is not undone here",
                        hint="change it back with `workbench accounts` (or the Project page)")
    if change["kind"] in log.NOT_UNDOABLE:
        raise UndoError(f"{label} is {'an' if change['kind'] == 'import' else 'a'} {change['kind']} and cannot be undone "
                        "here", hint=f"restore the backup taken before the {change['kind']} (`workbench backup`)")
    before, after = change["before"], change["after"]
    for table, rows in after.items():
        for row in rows:
            if log.current_row(db, table, log.key_of(table, row)) != row:
                _refuse(db, change, table, [log.target_id(table, row)], "has changed since")
    for table, rows in before.items():
        kept = {log.key_of(table, r) for r in after.get(table, [])}
        for row in rows:
            key = log.key_of(table, row)
            if key not in kept and log.current_row(db, table, key) is not None:
                _refuse(db, change, table, [log.target_id(table, row)], "was made again since")
    for table, rows in after.items():
        kept = {log.key_of(table, r) for r in before.get(table, [])}
        created = [r for r in rows if log.key_of(table, r) not in kept]
        for ref_table, column in REFERENCES.get(table, ()):
            own = {log.key_of(ref_table, r) for r in after.get(ref_table, [])}
            for row in created:
                users = [r for r in log.rows_where(db, ref_table, f"{column} = ?", [row["id"]])
                         if log.key_of(ref_table, r) not in own]
                if users:
                    ids = [log.target_id(ref_table, r) for r in users]
                    _refuse(db, change, ref_table, ids, f"use{'s' if len(ids) == 1 else ''} "
                                                        f"{table} row {row['id']} that it made")


def _refuse(db, change: dict, table: str, ids: list[str], what: str) -> None:
    later = log.later_changes(db, change["id"], table, ids)
    shown = ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")
    message = f"change {change['id']} ({change['kind']}) cannot be undone: {table} row {shown} {what}"
    if later:
        names = ", ".join(f"{c['id']} ({c['kind']})" for c in later[-5:])
        raise UndoError(f"{message}, by change {names}", hint=f"undo change {later[-1]['id']} first")
    raise UndoError(message, hint="a later change depends on it; undo that change first (see `workbench history`)")


def _restore(db, before: dict, after: dict) -> None:
    """Delete the rows the change made (children first), then put every `before` row back as it was."""
    for table in reversed(log.TABLES):
        kept = {log.key_of(table, r) for r in before.get(table, [])}
        for row in after.get(table, []):
            key = log.key_of(table, row)
            if key not in kept:
                condition = " AND ".join(f'"{k}" = ?' for k in log.KEYS[table])
                db.execute(f"DELETE FROM {table} WHERE {condition}", list(key))
    for table in log.TABLES:
        rows = before.get(table, [])
        missing = {log.key_of(table, r) for r in rows if log.current_row(db, table, log.key_of(table, r)) is None}
        for row in rows:
            if log.key_of(table, row) in missing:
                columns = ", ".join(f'"{c}"' for c in row)
                db.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})",
                           list(row.values()))
        for row in rows:
            if log.key_of(table, row) in missing:
                continue
            keys = log.KEYS[table]
            sets = ", ".join(f'"{c}" = ?' for c in row if c not in keys)
            condition = " AND ".join(f'"{k}" = ?' for k in keys)
            db.execute(f"UPDATE {table} SET {sets} WHERE {condition}",
                       [v for c, v in row.items() if c not in keys] + [row[k] for k in keys])
