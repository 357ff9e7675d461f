"""What the reader shows and what its clicks do, in plain Python (no streamlit): the page and the benchmark share it.

`reader_data` gathers one document's segments, codings, pending suggestions and codes as JSON-ready data
(the browser inserts every string as a text node). `apply_action` carries out one action sent back by the
reader: code a selection (its offsets checked against the text the coder saw), remove, recode, write a memo,
accept or reject a suggestion, pin or unpin a code, undo the coder's last change (from the change log), find
the passages most like a coding or a selection ("More like this"), or decide a disagreement of two coders in
reconcile mode (see `workbench.ui.reader.reconcile`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from workbench.errors import CodingError, NotFoundError
from workbench.render import clock, code_styles, label_text_color
from workbench.ui.pickers import code_paths
from workbench.ui.reader.reconcile import decide_item, reconcile_entries


@dataclass
class ReaderView:
    """What the coder chose to see: codings of some coders and codes (with their sub-codes), suggestions or not;
    in reconcile mode (`reconcile`: {a, b, team}) the disagreements of coders A and B instead of suggestions."""

    coders: list[str] | None = None
    codes: list[str] | None = None
    suggestions: bool = True
    target: dict[str, int] | None = None
    reconcile: dict[str, Any] | None = None
    message: str = ""
    error: str = ""


def with_subcodes(codes: Iterable[dict[str, Any]], chosen: Iterable[str]) -> set[str]:
    """The chosen codes and every code under them."""
    children: dict[str | None, list[str]] = {}
    for c in codes:
        children.setdefault(c.get("parent_id"), []).append(c["id"])
    out, todo = set(), list(chosen)
    while todo:
        code = todo.pop()
        if code not in out:
            out.add(code)
            todo.extend(children.get(code, []))
    return out


def code_entries(codes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Codes as the picker and the stripes need them: label, tree path, safe colour, readable ink, definition."""
    paths, styles = code_paths(codes), code_styles(codes)
    return [{"id": c["id"], "label": styles[c["id"]]["label"], "path": paths.get(c["id"], c["id"]),
             "color": styles[c["id"]]["color"], "ink": label_text_color(styles[c["id"]]["color"]),
             "definition": str(c.get("description") or "")} for c in codes]


def segment_entries(segments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Segments with their text, kind, speaker, clock time, page and section."""
    return [{"id": s["id"], "start": s["start"], "end": s["end"], "kind": s.get("kind") or "paragraph",
             "speaker": s.get("speaker"), "time": clock(s["time_start"]) if s.get("time_start") is not None else None,
             "page": s.get("page"), "section": s.get("section"), "text": s["text"]} for s in segments]


def reader_data(project, document_id: int, coder: str | None, view: ReaderView | None = None) -> dict[str, Any]:
    """Everything the reader draws for one document, as JSON-ready data."""
    view = view or ReaderView()
    document = project.documents.get(document_id)
    codes = project.codebook.codes()
    shown_codes = with_subcodes(codes, view.codes) if view.codes else None
    reconcile = reconcile_entries(project, document_id, view.reconcile) if view.reconcile is not None else None
    shown_coders = view.coders
    if reconcile and shown_coders is None and not reconcile["refused"]:  # the two coders and the agreed set
        shown_coders = [c for c in (reconcile["a"], reconcile["b"], reconcile["team"]) if c]
    codings = [c for c in project.codings.list(document=document_id)
               if (shown_coders is None or c["coder"] in shown_coders)
               and (shown_codes is None or c["code_id"] in shown_codes)]
    suggestions = []
    if view.suggestions and reconcile is None:
        suggestions = [s for s in project.suggestions.list(document=document_id)
                       if shown_codes is None or s["code_id"] in shown_codes]
        if suggestions:  # how often suggestions like each were right when measured (None: not measured)
            project.validation.with_trust(suggestions)
    return {
        "doc": {"id": document["id"], "title": document["title"], "sha": document["text_sha256"]},
        "coder": coder,
        "segments": segment_entries(project.documents.segments(document_id)),
        "codes": code_entries(codes),
        "codings": [{"id": c["id"], "start": c["start"], "end": c["end"], "code": c["code_id"], "coder": c["coder"],
                     "date": c["created_at"], "memo": c.get("memo") or "", "source": c.get("source") or "manual"}
                    for c in codings],
        "suggestions": [{"id": s["id"], "start": s["start"], "end": s["end"], "code": s["code_id"],
                         "score": round(float(s["score"]), 3), "reason": s.get("reason") or "", "method": s["method"],
                         "trust": s.get("trust") or ""}
                        for s in suggestions],
        "recent": project.codings.recent_codes(coder) if coder else [],
        "pinned": project.codings.pinned_codes(coder) if coder else [],
        "suggestions_shown": view.suggestions and reconcile is None,
        "reconcile": reconcile,
        "target": view.target,
        "message": view.message,
        "error": view.error,
    }


def _labels(project) -> dict[str, str]:
    """{code id: label}, read only by the actions that name a code in their message."""
    return {code_id: style["label"] for code_id, style in code_styles(project.codebook.codes()).items()}


def _own_coding(project, document_id: int, coding_id: Any, coder: str) -> dict[str, Any]:
    found = [c for c in project.codings.list(document=document_id) if c["id"] == coding_id]
    if not found:
        raise NotFoundError(f"no coding {coding_id} in this document", hint="it may have been removed: reload the page")
    if found[0]["coder"] != coder:
        raise CodingError(f"coding {coding_id} was made by {found[0]['coder']}, not {coder}",
                          hint="only the coder who made a coding changes it")
    return found[0]


def _pending(project, document_id: int, suggestion_id: Any) -> None:
    if not any(s["id"] == suggestion_id for s in project.suggestions.list(document=document_id)):
        raise NotFoundError(f"suggestion {suggestion_id} is no longer waiting",
                            hint="another coder may have decided it: reload the page")


def code_selection(project, document_id: int, coder: str, action: dict[str, Any]) -> int:
    """Code the span the coder selected; every part of it must match the document's text where it was seen."""
    try:
        start, end = int(action["start"]), int(action["end"])
        parts = [(int(p["start"]), int(p["end"]), str(p["text"])) for p in action["parts"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise CodingError("the selection arrived incomplete", hint="select the text again") from exc
    if not parts or parts[0][0] != start or parts[-1][1] != end:
        raise CodingError("the selection arrived incomplete", hint="select the text again")
    text = project.documents.get(document_id)["text"]
    for a, b, seen in parts:
        if text[a:b] != seen:
            raise CodingError(f"the text at {a}-{b} is not what the page showed ({seen[:40]!r})",
                              hint="the document changed since the page was drawn: reload it and select again")
    memo = str(action.get("memo") or "").strip() or None
    if project.codings.find(document=document_id, start=start, end=end, code_id=str(action["code"]), coder=coder):
        raise AlreadyCoded(f"{coder} already coded this span with {action['code']}")
    return project.codings.code(document_id, start, end, str(action["code"]), coder, memo)


class AlreadyCoded(CodingError):
    """The same coder, code and span are already coded: nothing to write (told, not an error)."""


SIMILAR_SHOWN = 10  # passages "More like this" lists


def similar_to(project, document_id: int, action: dict[str, Any]) -> dict[str, Any]:
    """The passages nearest by meaning to a coding of this document ({coding: id}) or a selected text ({text}):
    {"message", "about" (what they are like, in words), "passages" (nearest first, with `similarity`)}."""
    if action.get("coding") is not None:
        found = [c for c in project.codings.list(document=document_id) if c["id"] == action["coding"]]
        if not found:
            raise NotFoundError(f"no coding {action['coding']} in this document",
                                hint="it may have been removed: reload the page")
        coding = found[0]
        label = _labels(project).get(coding["code_id"], coding["code_id"])
        passages = project.validation.similar(coding=coding["id"], n=SIMILAR_SHOWN)
        about = f"{label}: “{_short(coding['snippet'])}”"
    else:
        text = str(action.get("text") or "").strip()
        if not text:
            raise CodingError("nothing selected to match", hint="select some words first")
        passages = project.validation.similar(text=text, n=SIMILAR_SHOWN)
        about = f"“{_short(text)}”"
    count = f"{len(passages)} passage{'s' if len(passages) != 1 else ''}"
    return {"message": f"{count} like {about} listed below the reader.", "about": about, "passages": passages,
            "document": document_id}


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def apply_action(project, document_id: int, coder: str | None, action: dict[str, Any]) -> str | dict[str, Any]:
    """Carry out one action from the reader; returns a short line saying what was done, or for "similar" the
    passages found (see `similar_to`), which the page lists."""
    kind = action.get("type")
    if kind == "similar":
        return similar_to(project, document_id, action)
    if kind in ("pin", "unpin", "code", "remove", "recode", "memo", "accept", "reject", "undo", "reconcile") \
            and not coder:
        raise CodingError("no coder name yet", hint="enter your coder name in the sidebar first")
    if kind == "code":
        label = _labels(project).get(action.get("code"), action.get("code"))
        try:
            code_selection(project, document_id, coder, action)
        except AlreadyCoded:
            return f"Already coded with {label}: nothing changed."
        return f"Coded with {label}."
    if kind == "remove":
        _own_coding(project, document_id, action.get("coding"), coder)
        project.codings.uncode(action["coding"])
        return "Coding removed."
    if kind == "recode":
        _own_coding(project, document_id, action.get("coding"), coder)
        project.codings.recode(action["coding"], str(action["code"]))
        return f"Recoded as {_labels(project).get(action['code'], action['code'])}."
    if kind == "memo":
        _own_coding(project, document_id, action.get("coding"), coder)
        project.codings.set_memo(action["coding"], str(action.get("memo") or ""))
        return "Memo saved."
    if kind in ("accept", "reject"):
        _pending(project, document_id, action.get("suggestion"))
        if kind == "accept":
            project.suggestions.accept([action["suggestion"]], coder)
            return "Suggestion accepted."
        project.suggestions.reject([action["suggestion"]], coder)
        return "Suggestion rejected."
    if kind == "reconcile":
        return decide_item(project, document_id, coder, action)
    if kind == "undo":
        [done] = project.changes.undo(last=1, coder=coder)
        return f"Undone: {done['kind'].replace('.', ' ')} ({done['summary']})."
    if kind in ("pin", "unpin"):
        pinned = [c for c in project.codings.pinned_codes(coder) if c != action.get("code")]
        if kind == "pin":
            pinned.append(str(action.get("code")))
        project.codings.set_pinned_codes(coder, pinned)
        if not pinned:
            return "No codes pinned."
        labels = _labels(project)
        return "Pinned: " + ", ".join(f"{i} {labels.get(c, c)}" for i, c in enumerate(pinned, 1)) + "."
    raise CodingError(f"unknown reader action {kind!r}", hint="reload the page")
