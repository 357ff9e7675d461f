"""Streamlit entry point: the password gate or sign-in, the coder name and navigation; each page is a file in app_pages/.

(Not pages/: Streamlit would also serve a folder of that name on its own, and an address such as /reader
opened directly would then run the page without this file.)"""

from pathlib import Path

import streamlit as st

from workbench.ui.accounts import sidebar_identity
from workbench.ui.session import page_gate, project_path

PAGES = Path(__file__).parent / "app_pages"

st.set_page_config(page_title="Workbench", layout="wide")
page_gate()

with st.sidebar:
    st.caption(f"Project file: {project_path()}")
    sidebar_identity()  # "Signed in as" when the project has accounts, else the coder name box

pages = {
    "Project": [st.Page(PAGES / "project.py", title="Project", default=True),
                st.Page(PAGES / "import_files.py", title="Import", url_path="import"),
                st.Page(PAGES / "documents.py", title="Documents"),
                st.Page(PAGES / "history.py", title="History")],
    "Coding": [st.Page(PAGES / "reader.py", title="Reader", url_path="reader"),
               st.Page(PAGES / "codebook.py", title="Codebook"),
               st.Page(PAGES / "search.py", title="Search"),
               st.Page(PAGES / "suggestions.py", title="Suggestions")],
    "Analysis": [st.Page(PAGES / "topics.py", title="Topics"),
                 st.Page(PAGES / "compare.py", title="Compare"),
                 st.Page(PAGES / "agreement.py", title="Agreement"),
                 st.Page(PAGES / "export.py", title="Export")],
}
navigation = st.navigation(pages)

navigation.run()
