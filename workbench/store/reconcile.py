"""Reconciliation decisions (table: store/reconcile_table.py): one row per unit (team, document, segment span, code)
a team decided, written with the team's codings it made in one transaction and logged as one change (undo deletes
both)."""

from __future__ import annotations

import datetime as dt
import json

from workbench.errors import CodingError
from workbench.store import codings as stored
from workbench.store.changes import capture, record_change, unrecorded
from workbench.store.database import writing

TABLE = "reconciliations"


def _parse(row: dict) -> dict:
    return {**row, "coding_ids": json.loads(row["coding_ids"])}


def decisions(db, team: str, document_ids: list[int] | None = None) -> dict[tuple, dict]:
    """The team's decisions keyed by (document_id, start, end, code_id), of these documents when given."""
    sql, params = f"SELECT * FROM {TABLE} WHERE team = ?", [team]
    if document_ids is not None:
        sql += f" AND document_id IN ({','.join('?' * len(document_ids))})"
        params += list(document_ids)
    return {(r["document_id"], r["start"], r["end"], r["code_id"]): _parse(r) for r in db.query(sql, params)}


def record_decision(db, unit: tuple[int, int, int, str], action: str, team: str, spans: list[tuple[int, int]],
                    decided_by: str | None, coders: tuple[str | None, str | None]) -> dict:
    """Code `spans` of the unit's document with its code for `team` (through the store's coding function) and record
    the decision, in one transaction logged as one change `reconcile.ACTION`; returns the decision row."""
    unit = tuple(unit)
    document_id, start, end, code_id = unit
    with writing(db):
        done = decisions(db, team, [document_id]).get(unit)
        if done:
            raise CodingError(f"{team} already decided this passage ({done['action']} by {done['decided_by']})",
                              hint="undo that decision first (`workbench history`, then `workbench undo ID`)")
        known = {r["id"] for r in db.query("SELECT id FROM codings WHERE coder = ? AND document_id = ?",
                                           [team, document_id])}
        items = [(document_id, s, e, code_id, None, "reconcile", None) for s, e in spans]
        with unrecorded(db):  # logged below as part of the decision's one change
            ids = stored.code_spans(db, items, team) if items else []
        made = sorted(set(ids) - known)
        row = {"team": team, "document_id": document_id, "start": start, "end": end, "code_id": code_id,
               "action": action, "coder_a": coders[0], "coder_b": coders[1], "decided_by": decided_by,
               "decided_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
               "coding_ids": json.dumps(sorted(set(ids)))}
        decision_id = db[TABLE].insert(row).last_pk
        after = capture(db, {"codings": (f"id IN ({','.join('?' * len(made))})", made),
                             TABLE: ("id = ?", [decision_id])})
        record_change(db, f"reconcile.{action}", TABLE, str(decision_id), None, after, decided_by)
    return _parse({"id": decision_id, **row})


def adopt_spans(db, team: str, items: list[tuple[int, int, int, str]], decided_by: str | None) -> list[int]:
    """Code each (document_id, start, end, code_id) for `team` in one transaction logged as one change
    `reconcile.agreed`; returns the ids of the codings made (spans the team already had are left as they are)."""
    with writing(db):
        before = {r["id"] for r in db.query("SELECT id FROM codings WHERE coder = ?", [team])}
        with unrecorded(db):
            ids = stored.code_spans(db, [(d, s, e, c, None, "reconcile", None) for d, s, e, c in items], team)
        made = sorted(set(ids) - before)
        if made:
            after = capture(db, {"codings": (f"id IN ({','.join('?' * len(made))})", made)})
            record_change(db, "reconcile.agreed", "codings", ",".join(map(str, made[:20])), None, after, decided_by)
    return made
