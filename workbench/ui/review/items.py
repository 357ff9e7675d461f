"""The review queue without streamlit: its order, where it stands after a decision, and one item as plain data
for the browser (text stays text: the component inserts it as text nodes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workbench.render import safe_color

SORTS = {"score": "Score, high first", "document": "Document, then position"}
CONTEXT_CHARS = 400  # characters of the turn before and after shown around a passage


def sort_queue(items: Sequence[Mapping[str, Any]], by: str = "score") -> list[Mapping[str, Any]]:
    """Suggestions by score (high first) or by document (title, then position in it)."""
    if by == "document":
        return sorted(items, key=lambda s: ((s["title"] or "").casefold(), s["document_id"], s["start"], s["end"],
                                            s["code_id"], s["id"]))
    return sorted(items, key=lambda s: (-s["score"], s["document_id"], s["start"], s["code_id"], s["id"]))


def position_of(ids: Sequence[int], wanted: int | None, fallback: int = 0) -> int:
    """Where the queue stands: the wanted suggestion's place, else `fallback` kept inside the queue."""
    if wanted in ids:
        return list(ids).index(wanted)
    return max(0, min(fallback, len(ids) - 1))


def after_decision(ids: Sequence[int], decided: int) -> int | None:
    """The suggestion to show once `decided` is decided: the one after it, else the one before, else None."""
    ids = list(ids)
    if decided not in ids:
        return ids[0] if ids else None
    at = ids.index(decided)
    rest = ids[at + 1:] or ids[:at][-1:]
    return rest[0] if rest else None


def _turn(segment: Mapping[str, Any] | None, keep: str) -> dict[str, str] | None:
    """A neighbouring turn, cut to CONTEXT_CHARS at the end nearest the passage."""
    if not segment:
        return None
    text = segment["text"] or ""
    if len(text) > CONTEXT_CHARS:
        text = "…" + text[-CONTEXT_CHARS:].lstrip() if keep == "end" else text[:CONTEXT_CHARS].rstrip() + "…"
    return {"speaker": segment.get("speaker") or "", "text": text}


def card(item: Mapping[str, Any], code_path: str, color: str | None, position: int, total: int,
         enabled: bool = True, trust: str | None = None) -> dict[str, Any]:
    """One suggestion in its passage (from `project.suggestions.in_context`) as the review card's data: the
    passage cut in three around the suggested span (code points, so nothing is re-counted in the browser), and
    how often suggestions like it were right when measured (`trust`, from `project.validation.trust`)."""
    passage = item["passage"]
    text = passage["text"] or ""
    a = max(0, min(len(text), item["start"] - passage["start"]))
    b = max(a, min(len(text), item["end"] - passage["start"]))
    return {
        "enabled": bool(enabled),
        "position": position + 1,
        "total": total,
        "item": {
            "id": int(item["id"]),
            "title": item["title"] or "",
            "speaker": passage.get("speaker") or "",
            "code": code_path,
            "color": safe_color(color),
            "score": f"{item['score']:.2f}",
            "method": item["method"],
            "reason": item["reason"] or "",
            "trust": trust or "",
            "passage": [text[:a], text[a:b], text[b:]],
            "before": _turn(item.get("before"), "end"),
            "after": _turn(item.get("after"), "start"),
        },
    }
