"""Streamlit entry point. For now a single page with the project's contents; the full app comes later."""

import streamlit as st

from workbench import WorkbenchError
from workbench.project import Project

st.set_page_config(page_title="Workbench", layout="wide")
st.title("Qualitative research workbench")
db_path = st.sidebar.text_input("Project file", value="workbench.db")
try:
    with Project(db_path, create=False) as project:
        summary = project.summary()
        columns = st.columns(3)
        columns[0].metric("Documents", summary["documents"])
        columns[1].metric("Segments", summary["segments"])
        columns[2].metric("Words", f"{summary['words']:,}")
        st.caption(" · ".join(f"{t.replace('_', ' ')}: {n}" for t, n in summary["documents_by_type"].items()))
        st.dataframe([{k: d[k] for k in ("id", "title", "type", "segment_count", "word_count")}
                      for d in project.documents()])
except WorkbenchError as exc:
    st.error(f"{exc.message}. {exc.hint}")
