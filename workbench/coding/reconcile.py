"""Reconciliation: walk the disagreements of two coders and record an agreed set of codings under a team name.

A queue item is one segment-level disagreement of `agreement` (a segment that one coder coded with a code and the
other did not), named by a stable id `DOCUMENT:START-END:CODE` (the segment's offsets). Deciding it gives the team
coder (default "team", the project setting `team_coder`) codings of that code INSIDE the segment only, so each
decision settles exactly its own unit and the agreed set reads as any coder's codings (`workbench validate --coder
team`, the reader, exports). The two coders' own codings are never touched. The actions:

* keep_a / keep_b: the team takes that coder's judgement: the spans of that coder's codings of the code in the
  segment (clipped to it, overlapping spans merged); nothing when that coder did not code it;
* keep_both: the union of both coders' spans of the code in the segment (clipped, merged);
* agree_custom: one coding on the span given, which must lie inside the segment;
* reject: the team gets nothing for the unit.

Every decision is recorded (a row of `reconciliations`) with the codings it made, in one transaction logged as
one change `reconcile.ACTION`: a decided item leaves the queue, and `workbench undo` of that change deletes both
the decision and its codings, putting the item back. `adopt_agreements` gives the team the units both coders
coded (the union of their spans in each such segment), so agreement of each coder with the team is meaningful;
`summary` reports agreement per code before (A vs B) and after (A vs team, B vs team).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from workbench.coding import blind as blinding
from workbench.coding.agreement import agreement
from workbench.errors import BlindError, CodingError, InvalidValueError, NotFoundError
from workbench.store import codings as stored
from workbench.store import reconcile as decisions_store
from workbench.store import settings
from workbench.store.documents import segments_by_position

TEAM_SETTING = "team_coder"
DEFAULT_TEAM = "team"
ACTIONS = ("keep_a", "keep_b", "keep_both", "agree_custom", "reject")
_ITEM = re.compile(r"^(\d+):(\d+)-(\d+):(.+)$")
LEADS_ONLY = "reconciliation is a lead's job while blind coding is on"


def team_name(db, team: str | None = None) -> str:
    """The coder name the agreed set is kept under: `team`, else the project setting, else "team"."""
    name = " ".join(str(team or settings.get_setting(db, TEAM_SETTING, DEFAULT_TEAM)).split())
    if not name:
        raise CodingError("the team needs a name", hint=f"e.g. --team {DEFAULT_TEAM}")
    return name


def set_team_name(db, name: str) -> str:
    """Make `name` the project's default team coder name; returns it."""
    name = team_name(db, name)
    settings.set_setting(db, TEAM_SETTING, name)
    return name


def item_id(document_id: int, start: int, end: int, code: str) -> str:
    """The stable id of a queue item: document, segment offsets and code."""
    return f"{document_id}:{start}-{end}:{code}"


def parse_item(item: str | dict) -> tuple[int, int, int, str]:
    """(document_id, start, end, code) of a queue item or its id."""
    text = item["id"] if isinstance(item, dict) else str(item).strip()
    found = _ITEM.match(text)
    if not found:
        raise InvalidValueError(f"{text!r} is not a reconciliation item id",
                                hint="ids read DOCUMENT:START-END:CODE; list them with `workbench reconcile`")
    return int(found[1]), int(found[2]), int(found[3]), found[4]


def check_lead(db, who: str | None) -> None:
    """BlindError when blind coding hides other coders' work from `who` (reconciliation sees both coders)."""
    if blinding.hides_others(db, who):
        raise BlindError(f"{LEADS_ONLY}: {who} is not a lead",
                         hint="a lead reconciles, or reveals the codings with `workbench blind off`")


def _team_for(db, team: str | None, coder_a: str, coder_b: str) -> str:
    name = team_name(db, team)
    if name in (coder_a, coder_b):
        raise CodingError(f"the team name {name!r} is one of the coders compared",
                          hint="the agreed set needs a name of its own, e.g. --team team")
    return name


def _overlapping(rows: list[dict], code: str, start: int, end: int) -> list[dict]:
    return [{"id": r["id"], "start": r["start"], "end": r["end"], "text": r["snippet"], "memo": r["memo"]}
            for r in rows if r["code_id"] == code and r["start"] < end and start < r["end"]]


def _merged(spans, start: int, end: int) -> list[tuple[int, int]]:
    """Spans clipped to [start, end), overlapping or touching ones merged, in order."""
    out: list[list[int]] = []
    for s, e in sorted((max(s, start), min(e, end)) for s, e in spans):
        if s >= e:
            continue
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def queue(db, coder_a: str, coder_b: str, team: str | None = None, codes: list[str] | None = None,
          documents: Sequence[int | str] | None = None, include_decided: bool = False) -> list[dict]:
    """The segment-level disagreements of A and B as queue items (open ones only unless `include_decided`): id,
    place, code, the passage, each side's codings of the code there (ids, spans, memos), the team's, and the state
    ("open" or the action decided)."""
    team = _team_for(db, team, coder_a, coder_b)
    result = agreement(db, coder_a, coder_b, "segment", codes, documents=documents)
    labels = {c["code"]: c["label"] for c in result["codes"]}
    coders = (result["coder_a"], result["coder_b"])
    rows = {(doc, who): stored.list_codings(db, None, who, doc)
            for doc in result["documents"] for who in (*coders, team)}
    decided = decisions_store.decisions(db, team, result["documents"])
    items = []
    for d in result["disagreements"]:
        doc, start, end, code = d["document_id"], d["start"], d["end"], d["code"]
        decision = decided.get((doc, start, end, code))
        if decision and not include_decided:
            continue
        items.append({"id": item_id(doc, start, end, code), "document_id": doc, "document": d["document"],
                      "segment_id": d["segment_id"], "start": start, "end": end, "code": code,
                      "label": labels.get(code, code), "text": d["text"], "coded_by": d["coded_by"],
                      "not_coded_by": d["not_coded_by"], "coder_a": coders[0], "coder_b": coders[1], "team": team,
                      "a": _overlapping(rows[doc, coders[0]], code, start, end),
                      "b": _overlapping(rows[doc, coders[1]], code, start, end),
                      "team_codings": _overlapping(rows[doc, team], code, start, end),
                      "state": decision["action"] if decision else "open", "decision": decision})
    return items


def decision_spans(item: dict, action: str, start: int | None = None, end: int | None = None) -> list[tuple[int, int]]:
    """The spans the team gets for an item under an action (see the module's docstring)."""
    if action not in ACTIONS:
        raise InvalidValueError(f"unknown action {action!r}", hint="actions: " + ", ".join(ACTIONS))
    if action != "agree_custom" and (start is not None or end is not None):
        raise InvalidValueError("a span is given only with agree_custom",
                                hint="leave --start/--end out, or use agree_custom")
    sides = {"keep_a": item["a"], "keep_b": item["b"], "keep_both": item["a"] + item["b"], "reject": []}
    if action in sides:
        return _merged([(c["start"], c["end"]) for c in sides[action]], item["start"], item["end"])
    if start is None or end is None:
        raise InvalidValueError("agree_custom needs the agreed span",
                                hint=f"give --start and --end inside the passage ({item['start']}-{item['end']})")
    if not item["start"] <= start < end <= item["end"]:
        raise CodingError(f"the span {start}-{end} is not inside the passage {item['start']}-{item['end']}",
                          hint="an agreed coding lies inside the disagreement's segment")
    return [(int(start), int(end))]


def decide(db, item: str | dict, action: str, by: str | None, coder_a: str, coder_b: str, team: str | None = None,
           start: int | None = None, end: int | None = None) -> dict:
    """Settle one queue item for the team (see the module's docstring); returns the decision with the item id and
    the team's codings for the unit. The item must still be an open disagreement of A and B."""
    check_lead(db, by)
    document_id, seg_start, seg_end, code = parse_item(item)
    wanted = item_id(document_id, seg_start, seg_end, code)
    team = _team_for(db, team, coder_a, coder_b)
    found = [i for i in queue(db, coder_a, coder_b, team, [code], [document_id], include_decided=True)
             if i["id"] == wanted]
    if not found:
        raise NotFoundError(f"{wanted} is not a disagreement of {coder_a} and {coder_b}",
                            hint="list the open items with `workbench reconcile --coder A --coder B`")
    spans = decision_spans(found[0], action, start, end)
    stored.add_coder(db, team)
    decision = decisions_store.record_decision(db, (document_id, seg_start, seg_end, code), action, team, spans, by,
                                               (found[0]["coder_a"], found[0]["coder_b"]))
    return {"item": wanted, **decision, "spans": [list(s) for s in spans]}


def adopt_agreements(db, coder_a: str, coder_b: str, team: str | None = None, by: str | None = None,
                     codes: list[str] | None = None, documents: Sequence[int | str] | None = None) -> dict:
    """Give the team every unit both coders coded (segment, code): the union of their spans of the code in the
    segment, clipped to it; units where the team already has that code are left. One change, undoable."""
    check_lead(db, by)
    team = _team_for(db, team, coder_a, coder_b)
    result = agreement(db, coder_a, coder_b, "segment", codes, documents=documents)
    coders = (result["coder_a"], result["coder_b"])
    scope = {c["code"] for c in result["codes"]}
    items = []
    for doc in result["documents"]:
        rows = {who: [r for r in stored.list_codings(db, None, who, doc) if r["code_id"] in scope]
                for who in (*coders, team)}
        for seg in segments_by_position(db, doc):
            s, e = seg["start"], seg["end"]
            for code in sorted(scope):
                a, b = (_overlapping(rows[who], code, s, e) for who in coders)
                if a and b and not _overlapping(rows[team], code, s, e):
                    items += [(doc, x, y, code) for x, y in _merged([(c["start"], c["end"]) for c in a + b], s, e)]
    stored.add_coder(db, team)
    made = decisions_store.adopt_spans(db, team, items, by) if items else []
    return {"team": team, "units": len({(d, c, s) for d, s, _, c in items}), "codings": made}


def _figures(stats: dict | None) -> dict | None:
    if stats is None:
        return None
    return {k: stats.get(k) for k in ("n", "percent_agreement", "kappa", "alpha")}


def summary(db, coder_a: str, coder_b: str, team: str | None = None, codes: list[str] | None = None,
            documents: Sequence[int | str] | None = None) -> dict:
    """Agreement per code before (A vs B) and after (A vs team, B vs team), over the documents A and B both coded,
    by segment; "after" figures are None while the team has no codings. Also how many items are open and decided."""
    team = _team_for(db, team, coder_a, coder_b)
    before = agreement(db, coder_a, coder_b, "segment", codes, documents=documents)
    scope, docs = [c["code"] for c in before["codes"]], before["documents"]
    after = {}
    for side, coder in (("a_team", before["coder_a"]), ("b_team", before["coder_b"])):
        after[side] = (agreement(db, coder, team, "segment", scope, documents=docs)
                       if stored.coder_exists(db, team) and stored.coding_count(db, team) else None)
    per_code = []
    for i, c in enumerate(before["codes"]):
        per_code.append({"code": c["code"], "label": c["label"], "before": _figures(c),
                         **{side: _figures(r["codes"][i]) if r else None for side, r in after.items()}})
    decided = decisions_store.decisions(db, team, docs)
    units = {(d["document_id"], d["start"], d["end"], d["code"]) for d in before["disagreements"]}
    return {"coder_a": before["coder_a"], "coder_b": before["coder_b"], "team": team, "documents": docs,
            "units": before["units"], "codes": per_code,
            "overall": {"before": _figures(before["overall"]),
                        **{side: _figures(r["overall"]) if r else None for side, r in after.items()}},
            "open": len(units - set(decided)), "decided": len(units & set(decided))}
