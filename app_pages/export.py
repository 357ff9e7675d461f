"""Export page: choose a code, filters and pseudonymisation; preview the excerpts; download CSV, XLSX,
a Markdown/DOCX/HTML briefing, or the project as REFI-QDA .qdpx/.qdc."""

from functools import partial

import streamlit as st

from workbench.export.registry import exporters
from workbench.store.documents import DOCUMENT_TYPES
from workbench.ui.downloads import export_bytes
from workbench.ui.links import open_selected_row
from workbench.ui.pickers import code_paths
from workbench.ui.session import guarded, open_project, page_gate, project_path
from workbench.ui.tables import parse_attributes

page_gate()
st.title("Export")

with open_project() as project:
    codes = project.codebook.codes()
    paths = code_paths(codes)
    coders = [c["name"] for c in project.codings.coders()]
    with st.form("export_filters"):
        row = st.columns(3)
        code = row[0].selectbox("Code (with its sub-codes)", ["(all)", *[c["id"] for c in codes]],
                                format_func=lambda i: "all codes" if i == "(all)" else paths[i], key="export_code")
        coder = row[1].selectbox("Coder", ["(all)", *coders], key="export_coder")
        doc_type = row[2].selectbox("Document type", ["(all)", *DOCUMENT_TYPES], key="export_type")
        row = st.columns(3)
        attributes = row[0].text_area("Only documents with (name=value a line)", height=68, key="export_attributes")
        speaker = row[1].text_input("Speaker", key="export_speaker")
        max_quotes = row[2].number_input("Quotations per theme (briefing)", 1, 50, 5, key="export_quotes")
        pseudonymise = st.checkbox("Pseudonymise people, firms and places (speakers, name-like attributes and names "
                                   "the language model finds)", key="export_pseudonymise")
        st.form_submit_button("Preview")
    options = None
    with guarded():
        options = {"code": None if code == "(all)" else code, "coder": None if coder == "(all)" else coder,
                   "doc_type": None if doc_type == "(all)" else doc_type,
                   "attributes": parse_attributes(attributes) or None, "speaker": speaker.strip() or None}
        frame = project.exports.excerpt_table(pseudonymiser=project.pseudonymiser() if pseudonymise else None,
                                              **options)
        st.caption(f"{len(frame)} excerpts" + (" (pseudonymised)" if pseudonymise else ""))
        preview = frame.head(200)
        st.caption("Select a row to open its excerpt in the reader.")
        picked = st.dataframe(preview, hide_index=True, key="export_preview", on_select="rerun",
                              selection_mode="single-row")
        open_selected_row(picked, preview[["document_id", "start", "end"]].to_dict("records"))
    if options is None:
        st.stop()
    st.subheader("Download")
    columns = st.columns(4)
    for i, found in enumerate(exporters()):
        name, whole_project = found.download_name, found.scope == "project"
        data = partial(export_bytes, project_path(), name, **({} if whole_project else
                                                               {**options, "pseudonymise": pseudonymise,
                                                                "max_quotes": int(max_quotes)}))
        columns[i % 4].download_button(f"Download {name}", data, file_name=name, mime=found.mime,
                                       key=f"download_{name}",
                                       help="The whole project, unfiltered" if whole_project else found.description)
