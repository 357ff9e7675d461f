"""Search page: full-text search with keyword in context and filters; code all or selected results."""

import streamlit as st

from workbench.coding.spans import hits_with_codes
from workbench.store.documents import DOCUMENT_TYPES
from workbench.ui.links import reader_button
from workbench.ui.pickers import code_paths
from workbench.ui.session import guarded, open_project, page_gate, require_coder
from workbench.ui.tables import parse_attributes

page_gate()
st.title("Search")

with open_project() as project:
    codes = project.codebook.codes()
    paths = code_paths(codes)
    with st.form("search"):
        query = st.text_input("Search", placeholder='welders, "supply chain", reshor*, skills AND apprentice*')
        left, middle, right = st.columns(3)
        doc_type = left.selectbox("Type", ["(all)", *DOCUMENT_TYPES])
        speaker = middle.text_input("Speaker")
        code = right.selectbox("Only where coded with", ["(any)", *[c["id"] for c in codes]],
                               format_func=lambda i: paths.get(i, i))
        attributes = st.text_area("Attributes (name=value a line)", height=68)
        limit = st.slider("At most", 10, 500, 100, step=10)
        ranked = st.checkbox("Best matches first (slower on large projects; otherwise in document order)")
        submitted = st.form_submit_button("Search")
    if submitted:
        st.session_state["search_args"] = {"query": query, "doc_type": doc_type, "speaker": speaker, "code": code,
                                           "attributes": attributes, "limit": limit, "ranked": ranked}
    args = st.session_state.get("search_args")
    if not args or not args["query"].strip():
        st.caption("FTS5 syntax: quote phrases, use AND, OR, NOT and prefix*.")
        st.stop()
    hits = []
    with guarded():
        hits = project.documents.search(args["query"], limit=args["limit"],
                              doc_type=None if args["doc_type"] == "(all)" else args["doc_type"],
                              speaker=args["speaker"].strip() or None,
                              attributes=parse_attributes(args["attributes"]) or None,
                              order="relevance" if args.get("ranked") else "document")
        if args["code"] != "(any)":
            hits = hits_with_codes(hits, project.codings.list(code=args["code"], with_subcodes=True))
    st.caption(f"{len(hits)} results")
    if not hits:
        st.stop()
    # One table, one row per hit, in keyword-in-context columns (a second HTML list showed every hit twice).
    table = [{"document": h["title"], "speaker": h.get("speaker") or "",
              "page": "" if h.get("page") is None else str(h["page"]),
              "before": h["left"], "match": h["match"], "after": h["right"]} for h in hits]
    picked = st.dataframe(table, hide_index=True, on_select="rerun", selection_mode="multi-row", key="search_hits",
                          column_config={"before": st.column_config.TextColumn(width="medium"),
                                         "after": st.column_config.TextColumn(width="medium")})
    chosen_rows = picked.selection.rows if picked else []
    if chosen_rows:
        opens = st.columns(min(len(chosen_rows), 4))
        for place, i in zip(opens, chosen_rows[:4]):
            with place:
                reader_button(f"Open in reader: {hits[i]['title']} ({i + 1})", hits[i]["document_id"],
                              hits[i]["match_start"], hits[i]["match_end"], key=f"search_open_{i}")
    else:
        st.caption("Select results to code them or to open one in the reader.")
    target = st.selectbox("Code results with", [c["id"] for c in codes], format_func=paths.get, key="search_code",
                          index=None, placeholder="choose a code first")  # no default: one click must not code them all
    every, selected = st.columns(2)
    do_all = every.button(f"Code all {len(hits)} results", disabled=target is None)
    do_selected = selected.button(f"Code {len(chosen_rows)} selected results", disabled=target is None or not chosen_rows)
    if do_all or do_selected:
        coder = require_coder(project)
        if coder:
            with guarded():
                rows = range(len(hits)) if do_all else chosen_rows
                segment_ids = sorted({hits[i]["segment_id"] for i in rows})
                project.codings.code_segments(segment_ids, target, coder)
                st.success(f"Coded {len(segment_ids)} segments with {paths[target]} as {coder}.")
