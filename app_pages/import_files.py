"""Import page: upload files or name a server folder, with type, attributes and a manifest."""

from pathlib import Path

import streamlit as st

from workbench.store.documents import DOCUMENT_TYPES
from workbench.ui.session import guarded, open_project, page_gate, save_upload
from workbench.ui.tables import outcome_rows, parse_attributes

FORMATS = ["txt", "md", "docx", "pdf", "odt", "rtf", "html", "htm", "vtt", "srt", "csv", "xlsx"]

page_gate()
st.title("Import")
st.caption("Bring in interviews, focus groups, notes, documents and survey answers: "
           + ", ".join(FORMATS) + ". Files already in the project are recognised and skipped.")

with st.form("import"):
    uploads = st.file_uploader("Files", type=FORMATS, accept_multiple_files=True)
    folder = st.text_input("…or a folder on the server", help="Read recursively; hidden files are skipped.")
    doc_type = st.selectbox("Document type", ["(infer)", *DOCUMENT_TYPES],
                            help="Inferred from the speakers when left as (infer); a manifest's type wins.")
    attributes = st.text_area("Attributes for every file of this import", placeholder="region=West Midlands\nsector=aerospace")
    manifest = st.file_uploader("Manifest of attributes (CSV or YAML with a `file` column)", type=["csv", "yaml", "yml"])
    password = st.text_input("PDF password (if any)", type="password")
    submitted = st.form_submit_button("Import")


if submitted:
    with open_project() as project, guarded():
        extra = parse_attributes(attributes)
        paths = [save_upload(upload) for upload in uploads or []]
        if folder.strip():
            source = Path(folder.strip()).expanduser()
            if not source.is_dir():
                from workbench.errors import NotFoundError

                raise NotFoundError(f"no folder {source} on the server", hint="give a folder path the server can read")
            paths.append(source)
        if not paths:
            st.warning("Choose files or give a folder to import.")
            st.stop()
        manifest_path = save_upload(manifest, "manifests") if manifest else None
        total = len(uploads or []) + sum(1 for p in paths[len(uploads or []):] for f in p.rglob("*") if f.is_file())
        bar = st.progress(0.0, text="Starting…")
        seen = []

        def progress(path: str) -> None:
            seen.append(path)
            bar.progress(min(len(seen) / max(total, 1), 1.0), text=f"Reading {Path(path).name}")

        outcomes = project.documents.ingest(paths, doc_type=None if doc_type == "(infer)" else doc_type,
                                  manifest=manifest_path, password=password or None, progress=progress)
        for outcome in outcomes:
            if outcome.status == "ingested" and outcome.document_id and extra:
                for name, value in extra.items():
                    project.documents.set_attribute(outcome.document_id, name, value)
        bar.progress(1.0, text="Done")
        rows = outcome_rows(outcomes)
        counts = {s: sum(r["status"] == s for r in rows) for s in ("ingested", "duplicate", "skipped", "failed")}
        st.session_state["last_import"] = rows
        (st.error if counts["failed"] else st.success)(", ".join(f"{n} {s}" for s, n in counts.items()))

if st.session_state.get("last_import"):
    st.subheader("Last import")
    st.dataframe(st.session_state["last_import"], hide_index=True)
