"""Code page: read a document turn by turn, code a turn, a sentence or a span, review this turn's suggestions."""

import streamlit as st

from workbench.coding.spans import next_uncoded, sentence_spans
from workbench.render import STYLE, code_styles, esc, segments_html
from workbench.ui.pickers import code_paths, matching_codes
from workbench.ui.session import guarded, open_project, page_gate, require_coder

page_gate()
st.title("Code")


def rerun_panel() -> None:
    """Rerun only the coding panel when a click came from it, else the whole page."""
    from streamlit.errors import StreamlitAPIException

    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:
        st.rerun()


def turn_key(doc_id: int) -> str:
    return f"turn_{doc_id}"


def go_to(doc_id: int, index: int) -> None:
    st.session_state[turn_key(doc_id)] = index


def selection(segment: dict) -> tuple[int, int] | None:
    """The span to code: the whole turn, one of its sentences, a phrase in it, or exact offsets."""
    mode = st.radio("Code", ["whole turn", "a sentence", "a phrase", "exact offsets"], horizontal=True,
                    key="select_mode")
    start, end = segment["start"], segment["end"]
    if mode == "a sentence":
        spans = sentence_spans(segment["text"], start)
        chosen = st.selectbox("Sentence", range(len(spans)), key=f"sentence_{segment['id']}",
                              format_func=lambda i: segment["text"][spans[i][0] - start:spans[i][1] - start][:120])
        return spans[chosen] if spans else None
    if mode == "a phrase":
        phrase = st.text_input("Phrase (exactly as in the turn)", key=f"phrase_{segment['id']}")
        if not phrase:
            return None
        at = segment["text"].find(phrase)
        if at < 0:
            st.error("That phrase is not in this turn.  \nHint: copy it from the text above.")
            return None
        return start + at, start + at + len(phrase)
    if mode == "exact offsets":
        left, right = st.columns(2)
        s = left.number_input("Start", min_value=start, max_value=end - 1, value=start, key=f"start_{segment['id']}")
        e = right.number_input("End", min_value=start + 1, max_value=end, value=end, key=f"end_{segment['id']}")
        if e <= s:
            st.error("The end must come after the start.  \nHint: offsets are half-open [start, end).")
            return None
        return int(s), int(e)
    return start, end


@st.fragment
def coding_panel(doc_id: int, coder: str | None) -> None:
    """Everything that changes on a click, rerun on its own so a long document is not re-rendered."""
    with open_project() as project:
        segments = project.documents.segments(doc_id)
        if not segments:
            st.info("This document has no segments.")
            return
        codes = project.codebook.codes()
        styles = code_styles(codes)
        paths = code_paths(codes)
        index = min(st.session_state.get(turn_key(doc_id), 0), len(segments) - 1)
        segment = segments[index]
        codings = project.codings.list(document=doc_id)

        reading, tools = st.columns([3, 2], gap="large")
        with reading:
            nav = st.columns([1, 1, 1, 2])
            if nav[0].button("◀ Previous", disabled=index == 0):
                go_to(doc_id, index - 1)
                rerun_panel()
            if nav[1].button("Next ▶", disabled=index >= len(segments) - 1):
                go_to(doc_id, index + 1)
                rerun_panel()
            if nav[2].button("Next uncoded"):
                mine = [c for c in codings if c["coder"] == coder] if coder else codings
                found = next_uncoded(segments, mine, index, skip_speakers=("I", "Q", "Interviewer", "Moderator"))
                if found is None:
                    st.toast("No uncoded turn after this one.")
                else:
                    go_to(doc_id, found)
                    rerun_panel()
            jump = nav[3].number_input("Turn", min_value=1, max_value=len(segments), value=index + 1, key=f"jump_{doc_id}_{index}")
            if jump != index + 1:
                go_to(doc_id, int(jump) - 1)
                rerun_panel()

            window = segments[max(index - 1, 0):index + 2]
            st.html(STYLE + segments_html(window, codings, styles, current=segment["id"]))
            st.caption(f"Turn {index + 1} of {len(segments)} · offsets {segment['start']}–{segment['end']}")

            here = [c for c in codings if c["start"] < segment["end"] and c["end"] > segment["start"]]
            st.subheader("Codings in this turn")
            if not here:
                st.caption("None yet.")
            for c in here:
                row = st.columns([4, 1])
                row[0].text(f"{paths.get(c['code_id'], c['code_id'])} · {c['coder']} · "
                            f"“{c['snippet'][:80]}”" + (f" · memo: {c['memo']}" if c.get("memo") else ""))
                if c["coder"] == coder and row[1].button("Remove", key=f"uncode_{c['id']}"):
                    with guarded():
                        project.codings.uncode(c["id"])
                        rerun_panel()

            waiting = [s for s in project.suggestions.list(document=doc_id) if s["segment_id"] == segment["id"]]
            st.subheader("Suggestions for this turn")
            if not waiting:
                st.caption("No suggestions waiting for this turn.")
            for s in waiting:
                row = st.columns([4, 1, 1])
                row[0].text(f"{paths.get(s['code_id'], s['code_id'])} · {s['method']} · score {s['score']:.2f}\n{s['reason']}")
                if row[1].button("Accept", key=f"accept_{s['id']}", disabled=coder is None):
                    with guarded():
                        project.suggestions.accept([s["id"]], coder)
                        rerun_panel()
                if row[2].button("Reject", key=f"reject_{s['id']}", disabled=coder is None):
                    with guarded():
                        project.suggestions.reject([s["id"]], coder)
                        rerun_panel()
        with tools:
            span = selection(segment)
            if span:
                chosen_text = segment["text"][span[0] - segment["start"]:span[1] - segment["start"]]
                st.html(STYLE + f'<div class="wb-memo"><div class="wb-text">{esc(chosen_text)}</div></div>')
            query = st.text_input("Search the codebook", key="code_filter", placeholder="word in a label or definition")
            options = matching_codes(codes, query)
            with st.form("apply_codes", clear_on_submit=True, border=False):
                chosen = st.multiselect("Codes", options, format_func=paths.get, key="chosen_codes")
                memo = st.text_input("Memo (optional)")
                apply = st.form_submit_button("Apply codes", type="primary", disabled=coder is None)
            if apply:
                with guarded():
                    if not span:
                        st.warning("Choose what to code first.")
                    elif not chosen:
                        st.warning("Choose one or more codes.")
                    else:
                        ids = [project.codings.code(doc_id, span[0], span[1], code, coder, memo or None) for code in chosen]
                        st.session_state.setdefault("undo", []).append(ids)
                        rerun_panel()
            undo_stack = st.session_state.get("undo", [])
            if st.button(f"Undo last coding ({len(undo_stack[-1])})" if undo_stack else "Undo last coding",
                         disabled=not undo_stack):
                with guarded():
                    for coding_id in undo_stack.pop():
                        project.codings.uncode(coding_id)
                    rerun_panel()


with open_project() as project:
    documents = project.documents.list()
    if not documents:
        st.info("No documents yet: bring some in on the Import page.")
        st.stop()
    if not project.codebook.codes():
        st.info("No codes yet: load or write a codebook on the Codebook page.")
    titles = {d["id"]: f"{d['id']}: {d['title']} ({d['type'].replace('_', ' ')})" for d in documents}
    doc_id = st.selectbox("Document", list(titles), format_func=titles.get, key="code_document")
    coder = require_coder(project)
coding_panel(doc_id, coder)
