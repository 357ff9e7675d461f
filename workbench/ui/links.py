"""Click-through: every excerpt shown anywhere opens the reader at its place, with the span highlighted."""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.render import md_escape

READER_PAGE = "app_pages/reader.py"
TARGET_KEY = "reader_target"
SEEN_KEY = "_reader_target_seen"


def reader_target(document_id: int, start: int | None = None, end: int | None = None) -> dict[str, Any]:
    """The place to open: a document, and the span in it to scroll to and highlight."""
    target: dict[str, Any] = {"doc": int(document_id)}
    if start is not None and end is not None:
        target.update(start=int(start), end=int(end))
    return target


def open_in_reader(document_id: int, start: int | None = None, end: int | None = None) -> None:
    """Switch to the reader at `document_id`, span [start, end) highlighted (the session, and its coder, are kept)."""
    target = reader_target(document_id, start, end)
    st.session_state[TARGET_KEY] = target
    st.switch_page(READER_PAGE, query_params={k: str(v) for k, v in target.items()})


def reader_button(label: str, document_id: int, start: int | None = None, end: int | None = None,
                  key: str | None = None, **button_options: Any) -> None:
    """A button that opens the reader at a span (use under a table row or beside an excerpt)."""
    if st.button(label, key=key or f"open_{document_id}_{start}_{end}", **button_options):
        open_in_reader(document_id, start, end)


def open_selected_row(event: Any, rows: list[dict[str, Any]]) -> None:
    """Open the reader at the row picked in an `st.dataframe(..., on_select="rerun", selection_mode="single-row")`.

    Each row needs `document_id`, `start` and `end` (the table may hide them)."""
    picked = getattr(getattr(event, "selection", None), "rows", None) or []
    if picked and 0 <= picked[0] < len(rows):
        row = rows[picked[0]]
        open_in_reader(row["document_id"], row.get("start"), row.get("end"))


def requested_target() -> dict[str, Any] | None:
    """The place the reader was asked to open: from another page's click, else from the address (?doc=&start=&end=).

    An address is followed once: choosing another document afterwards is not undone on the next rerun."""
    target = st.session_state.pop(TARGET_KEY, None)
    if target:
        st.session_state[SEEN_KEY] = target
        return target
    params = st.query_params
    try:
        if "doc" not in params:
            return None
        start, end = params.get("start"), params.get("end")
        target = reader_target(int(params["doc"]), int(start) if start is not None else None,
                               int(end) if end is not None else None)
    except ValueError:
        return None
    if st.session_state.get(SEEN_KEY) == target:
        return None
    st.session_state[SEEN_KEY] = target
    return target


def passage_list(passages: list[dict[str, Any]], key: str, note: Any = None, chars: int = 300) -> None:
    """Passages (each with document_id, title, speaker, start, end, text) one under another: where it is, the
    text (shortened), an optional note per passage (`note(p)` -> str) and a button opening the reader at it."""
    for i, p in enumerate(passages):
        text, where = " ".join(str(p.get("text") or "").split()), [p.get("title"), p.get("speaker")]
        left, right = st.columns([6, 1], vertical_alignment="center")
        left.markdown(f"**{md_escape(' · '.join(str(w) for w in where if w))}** · "
                      f"“{md_escape(text if len(text) <= chars else text[:chars - 1].rstrip() + '…')}”")
        if note:
            left.caption(md_escape(note(p)))
        with right:
            reader_button("Open", p["document_id"], p.get("start"), p.get("end"), key=f"{key}_{i}",
                          help="Open the reader at this passage")
