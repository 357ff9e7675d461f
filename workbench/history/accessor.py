"""`project.changes`: the change log read back (history) and changes reversed (undo)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from workbench.errors import InvalidValueError
from workbench.store import changes as log
from workbench.store.database import ProjectPart, writing
from workbench.store.undo import UndoError, undo_change

DEFAULT_LIMIT = 50


def since_iso(since: str | dt.datetime | None) -> str | None:
    """An ISO date or time (naive ones are UTC) as the log writes its times, for comparing; None stays None."""
    if since is None or since == "":
        return None
    try:
        moment = since if isinstance(since, dt.datetime) else dt.datetime.fromisoformat(str(since).strip())
    except ValueError as exc:
        raise InvalidValueError(f"{since!r} is not an ISO date or time",
                                hint="e.g. 2026-03-01 or 2026-03-01T14:30") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _names(db) -> dict[str, dict]:
    """{"codes": {id: label}, "documents": {id: title}} for summaries in words rather than ids."""
    from workbench.store.codes import code_rows
    from workbench.store.documents import document_ids_by_title

    return {"codes": {c["id"]: c["label"] for c in code_rows(db)},
            "documents": {i: t for t, i in document_ids_by_title(db).items()}}


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def describe(change: dict, names: dict | None = None) -> str:
    """One line on what a change did, from its rows; with names, codes by label and documents by title
    (a code or document deleted since keeps its id)."""
    names = names or {"codes": {}, "documents": {}}
    before, after = change["before"], change["after"]

    def code(code_id) -> str:
        label = names["codes"].get(code_id)
        return f"{label!r}" if label else str(code_id)

    def document(doc_id) -> str:
        title = names["documents"].get(doc_id)
        return f"«{_short(title)}»" if title else f"document {doc_id}"

    if "summary" in after:
        return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in after["summary"].items())
    table = change["target"]
    old = next(iter(before.get(table, [])), None)
    new = next(iter(after.get(table, [])), None)
    row = new or old or {}
    if table == "codings":
        text = f"{code(row.get('code_id'))} on {document(row.get('document_id'))} {row.get('start')}-{row.get('end')}"
        if old and new and old.get("code_id") != new.get("code_id"):
            text += f" (was {code(old.get('code_id'))})"
        return text
    if table == "codes":
        moved = sum(len(v) for k, v in before.items() if k != "codes")
        return f"{row.get('id')} {row.get('label')!r}" + (f", {moved} rows with it" if moved else "")
    if table == "attributes":
        return f"{document(row.get('document_id'))} {row.get('name')} = {row.get('value') if new else '(deleted)'}"
    if table == "suggestions":
        return (f"suggestion {row.get('id')} {code(row.get('code_id'))}: {(old or {}).get('status')} -> "
                f"{row.get('status')}")
    if table == "memos":
        return " ".join(str(row.get("text", "")).split())[:60]
    return str(change["target_id"] or "")


def _public(change: dict, names: dict | None = None) -> dict[str, Any]:
    return {**change, "summary": describe(change, names)}


class Changes(ProjectPart):
    """The change log of one project."""

    def history(self, coder: str | None = None, since: str | dt.datetime | None = None,
                limit: int | None = DEFAULT_LIMIT) -> list[dict[str, Any]]:
        """Changes newest first (of one coder, at or after an ISO time), each with a one-line summary and its
        rows before and after."""
        if limit is not None and int(limit) < 1:
            raise InvalidValueError("--limit must be at least 1")
        names = _names(self.db)
        return [_public(c, names) for c in log.list_changes(self.db, coder, since_iso(since), limit)]

    def get(self, change_id: int) -> dict[str, Any]:
        """One change with its summary and rows."""
        return _public(log.get_change(self.db, change_id), _names(self.db))

    def undo(self, change_id: int | None = None, last: int | None = None,
             coder: str | None = None) -> list[dict[str, Any]]:
        """Reverse one change, or the last N changes still in effect (of `coder` when given), newest first, all
        or nothing; each undo is itself logged (by `coder`) and can be undone to redo. Returns
        [{undone, kind, summary, undo}]."""
        if (change_id is None) == (last is None):
            raise UndoError("give one change id or --last N", hint="see the changes with `workbench history`")
        done, names = [], _names(self.db)
        with writing(self.db):
            if change_id is not None:
                targets = [log.get_change(self.db, change_id)]
            else:
                if int(last) < 1:
                    raise InvalidValueError("--last must be at least 1")
                targets = log.list_changes(self.db, coder, limit=int(last), in_effect=True, undoable=True)
                if not targets:
                    raise UndoError("there is no change to undo" + (f" by {coder}" if coder else ""),
                                    hint="see the changes with `workbench history`")
            for change in targets:
                undo_id = undo_change(self.db, change["id"], coder)
                done.append({"undone": change["id"], "kind": change["kind"], "summary": describe(change, names),
                             "undo": undo_id})
        return done
