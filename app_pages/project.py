"""Project page: choose or create the project file and see what it holds."""

from pathlib import Path

import streamlit as st

from workbench.render import md_escape
from workbench.ui.accounts import show_accounts
from workbench.ui.blind import show_blind
from workbench.ui.session import coder, guarded, open_project, page_gate, project_path

page_gate()
st.title("Project")

with st.form("choose_project"):
    path = st.text_input("Project file", value=project_path(),
                         help="A .db file on the server; every page works on this file.")
    opened, created = st.columns(2)
    open_clicked = opened.form_submit_button("Open project")
    create_clicked = created.form_submit_button("Create project")
if open_clicked or create_clicked:
    from workbench.project import Project

    with guarded():
        target = Path(path.strip() or "workbench.db").expanduser()
        Project(target, create=bool(create_clicked)).close()
        st.session_state["db_path"] = str(target)
        st.success(("Created " if create_clicked else "Opened ") + str(target))

with open_project() as project:
    summary = project.summary()
    codes = project.codebook.codes()
    coders = project.codings.coders()
    columns = st.columns(5)
    columns[0].metric("Documents", summary["documents"])
    columns[1].metric("Segments", summary["segments"])
    columns[2].metric("Words", f"{summary['words']:,}")
    columns[3].metric("Codes", len(codes))
    columns[4].metric("Suggestions waiting", project.suggestions.pending_count())
    left, right = st.columns(2)
    left.subheader("Documents by type")
    left.dataframe([{"type": t.replace("_", " "), "documents": n} for t, n in summary["documents_by_type"].items()],
                   hide_index=True)
    right.subheader("Codings by coder")
    right.dataframe([{"coder": c["name"], "codings": c["codings"]} for c in coders], hide_index=True)
    if summary["documents_with_warnings"]:
        st.caption(f"{summary['documents_with_warnings']} documents have ingest warnings (see Documents).")
    show_blind(project)
    st.caption(f"You are coding as **{md_escape(coder())}**." if coder() else "Enter your coder name in the sidebar to code.")
    show_accounts(project)
