"""Reconcile mode of the reader, in plain Python: the open disagreements of two coders in the shown document as
JSON-ready data, and a decision sent back from the reader carried out by `project.codings.decide`.

An item's id is the queue's `DOCUMENT:START-END:CODE`; its passage is the disagreement's segment. A decision is one
change in the change log, so the reader's undo (Ctrl+Z) takes it back and the item opens again.
"""

from __future__ import annotations

from typing import Any

from workbench.coding.reconcile import ACTIONS
from workbench.errors import CodingError, WorkbenchError


def _spans(codings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"start": c["start"], "end": c["end"], "text": c.get("text") or ""} for c in codings]


def reconcile_entries(project, document_id: int, chosen: dict[str, Any]) -> dict[str, Any]:
    """The disagreements of coders `a` and `b` in one document ({a, b, team}), each with both sides' spans and the
    team's, its state ("open" or the action decided), the counts open and decided, and `refused` (a message, e.g.
    blind coding) when the queue cannot be shown."""
    a, b, team = chosen.get("a"), chosen.get("b"), chosen.get("team") or None
    out: dict[str, Any] = {"a": a, "b": b, "team": team, "items": [], "open": 0, "decided": 0, "refused": ""}
    if not a or not b:
        out["refused"] = "Choose coder A and coder B to reconcile."
        return out
    try:
        queue = project.codings.reconciliation_queue(a, b, team, documents=[document_id], include_decided=True)
    except WorkbenchError as exc:
        out["refused"] = f"{exc.message} ({exc.hint})" if exc.hint else exc.message
        return out
    missing = [c for c in (a, b) if not project.codings.list(coder=c, document=document_id)]
    if missing:  # a document one coder never coded holds no disagreements, only work not done yet
        out["refused"] = (f"{' and '.join(missing)} {'has' if len(missing) == 1 else 'have'} not coded this document "
                          "yet: reconcile a document both coders coded.")
        return out
    try:  # the agreed set's name as the project resolves it (the queue is empty where nothing is disputed)
        out["team"] = queue[0]["team"] if queue else \
            project.codings.reconciliation_summary(a, b, team, documents=[document_id])["team"]
    except WorkbenchError:
        out["team"] = team
    out["items"] = [{"id": i["id"], "start": i["start"], "end": i["end"], "code": i["code"], "label": i["label"],
                     "coded_by": i["coded_by"], "not_coded_by": i["not_coded_by"], "a": _spans(i["a"]),
                     "b": _spans(i["b"]), "team": _spans(i["team_codings"]), "state": i["state"]}
                    for i in queue if i["document_id"] == document_id]
    out["open"] = sum(i["state"] == "open" for i in out["items"])
    out["decided"] = len(out["items"]) - out["open"]
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def decide_item(project, document_id: int, coder: str, action: dict[str, Any]) -> str:
    """Carry out a decision on one disagreement of this document ({item, decision, a, b, team, start?, end?}) for
    the team, by `coder`; returns a line saying what the team now has there."""
    item, decision = str(action.get("item") or ""), str(action.get("decision") or "")
    if decision not in ACTIONS:
        raise CodingError(f"unknown decision {decision!r}", hint="keep A, keep B, keep both, agree or reject")
    if not item.startswith(f"{document_id}:"):
        raise CodingError(f"{item or 'that disagreement'} is not in this document", hint="reload the page")
    a, b, team = str(action.get("a") or ""), str(action.get("b") or ""), action.get("team") or None
    if not a or not b:
        raise CodingError("reconcile mode needs coder A and coder B", hint="choose them above the reader")
    span = (None, None)
    if decision == "agree_custom":
        try:
            span = (int(action["start"]), int(action["end"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise CodingError("no words selected to agree on", hint="select words inside the passage first") from exc
    done = project.codings.decide(item, decision, coder, coder_a=a, coder_b=b, team=team, start=span[0], end=span[1])
    code = item.rsplit(":", 1)[-1]
    label = next((c.get("label") or c["id"] for c in project.codebook.codes() if c["id"] == code), code)
    who = done.get("team") or team or "team"
    made = _plural(len(done["spans"]), "coding")
    verbs = {"keep_a": f"Kept {a}'s", "keep_b": f"Kept {b}'s", "keep_both": "Kept both coders'",
             "agree_custom": "Agreed on the selected words for", "reject": "Rejected"}
    return f"{verbs[decision]} {label}: {who} has {made} of it there."
