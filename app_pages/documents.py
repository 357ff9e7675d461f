"""Documents page: a filterable table with attributes edited in place; a document's memos, and the way to the reader."""

import streamlit as st

from workbench.render import memos_html
from workbench.store.documents import DOCUMENT_TYPES
from workbench.ui.links import reader_button
from workbench.ui.session import guarded, open_project, page_gate
from workbench.ui.tables import attribute_changes, document_table, filter_documents

page_gate()
st.title("Documents")

with open_project() as project:
    documents = project.documents.list()
    if not documents:
        st.info("No documents yet: bring some in on the Import page.")
        st.stop()
    left, middle, right = st.columns([2, 1, 2])
    text = left.text_input("Filter by title or file name")
    doc_type = middle.selectbox("Type", ["(all)", *DOCUMENT_TYPES])
    names = sorted({n for d in documents for n in d.get("attributes") or {}})
    attr_filter = {}
    if names:
        a_name, a_value = right.columns(2)
        name = a_name.selectbox("Attribute", ["(any)", *names])
        if name != "(any)":
            values = sorted({str(d["attributes"][name]) for d in documents if name in (d.get("attributes") or {})})
            attr_filter = {name: a_value.selectbox("Value", values)}
    shown = filter_documents(documents, text, None if doc_type == "(all)" else doc_type, attr_filter)
    rows, names = document_table(shown)
    st.caption(f"{len(shown)} of {len(documents)} documents. Edit attribute cells, then save.")
    edited = st.data_editor(rows, hide_index=True, key="documents_table",
                            disabled=["id", "title", "type", "segments", "words"])
    if st.button("Save attribute changes"):
        changes = attribute_changes(rows, edited, names)
        with guarded():
            for doc_id, name, value in changes:
                if value is None:
                    project.documents.delete_attribute(doc_id, name)
                else:
                    project.documents.set_attribute(doc_id, name, value)
            st.success(f"Saved {len(changes)} attribute changes.")

    st.divider()
    titles = {d["id"]: f"{d['id']}: {d['title']}" for d in shown}
    if not titles:
        st.stop()
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    doc_id = left.selectbox("Document", list(titles), format_func=titles.get, key="open_document")
    with right:
        reader_button("Open in the reader", doc_id, key="open_in_reader", type="primary")
    with guarded():
        document = project.documents.get(doc_id)
        codings = project.codings.list(document=doc_id)
        coders = sorted({c["coder"] for c in codings})
        coded = f"{len(codings)} coding{'s' * (len(codings) != 1)} by {', '.join(coders)}" if codings else "not coded yet"
        st.caption(f"{document['type'].replace('_', ' ')} · {document['word_count']:,} words · {coded}")
        for warning in document["warnings"]:
            st.warning(warning)
        st.subheader("Memos")
        memos = project.codings.memos(document=doc_id)
        coding_memos = [{"author": c["coder"], "code_id": c["code_label"], "anchor_text": c["snippet"][:80],
                         "text": c["memo"]} for c in codings if c.get("memo")]
        if memos or coding_memos:
            st.html(memos_html([*memos, *coding_memos]))
        else:
            st.caption("No memos on this document.")
