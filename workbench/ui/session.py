"""What every page shares: the project path, the coder name, the password gate and error display.

Signing in to per-coder accounts is in `workbench.ui.signin`."""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.render import md_escape

DB_ENV = "WORKBENCH_DB"
CODER_ENV = "WORKBENCH_CODER"
PASSWORD_ENV = "WORKBENCH_PASSWORD_ENV"


def project_path() -> str:
    """The project file of this session: chosen on the Project page, else $WORKBENCH_DB, else workbench.db."""
    return st.session_state.get("db_path") or os.environ.get(DB_ENV) or "workbench.db"


def show_error(exc: WorkbenchError) -> None:
    """A user error as one st.error box: the message and the hint, no traceback."""
    text = md_escape(exc.message)
    if exc.hint:
        text += "  \nHint: " + md_escape(exc.hint)
    st.error(text)


@contextmanager
def guarded() -> Iterator[None]:
    """Run an action; a WorkbenchError becomes st.error and the page goes on."""
    try:
        yield
    except WorkbenchError as exc:
        show_error(exc)


@contextmanager
def open_project(create: bool = False):
    """The session's project for one run of a page; a missing or unreadable file stops the page with st.error."""
    from workbench.project import Project

    try:
        project = Project(project_path(), create=create, viewer=coder())  # blind coding: a coder sees their own
    except WorkbenchError as exc:
        show_error(exc)
        st.info("Choose or create a project on the Project page.")
        st.stop()
    try:
        yield project
    finally:
        project.close()


def coder() -> str | None:
    """The coder of this session: the signed-in name when the project has accounts, else the name typed once on
    the sidebar, else $WORKBENCH_CODER."""
    from workbench.ui.signin import accounts_required, signed_in_name

    name = signed_in_name(project_path())
    if name or accounts_required(project_path()):
        return name
    return st.session_state.get("coder") or os.environ.get(CODER_ENV) or None


def require_coder(project) -> str | None:
    """The session's coder, registered in the project; a warning and None when no name was given."""
    name = coder()
    if not name:
        st.warning("Enter your coder name in the sidebar first; every coding is saved under it.")
        return None
    key = (str(project.path), name)
    if st.session_state.get("_coder_registered") != key:
        name = project.codings.add_coder(name)
        st.session_state["_coder_registered"] = key
    return name


def configured_password() -> str | None:
    """The shared password: the variable named by $WORKBENCH_PASSWORD_ENV, else `password` in st.secrets."""
    variable = os.environ.get(PASSWORD_ENV)
    if variable and os.environ.get(variable):
        return os.environ[variable]
    try:
        value = st.secrets.get("password")
    except FileNotFoundError:  # no secrets.toml (StreamlitSecretNotFoundError is one)
        value = None
    return str(value) if value else None


def password_gate() -> bool:
    """True when this session may go on: signed in to an account when the project has accounts, else when no
    team password is set or the session has entered it; otherwise show the sign-in or password form."""
    from workbench.ui.signin import account_gate

    ruled = account_gate(project_path())
    if ruled is not None:
        return ruled
    password = configured_password()
    if not password or st.session_state.get("_authenticated"):
        return True
    st.title("Qualitative research workbench")
    with st.form("login"):
        given = st.text_input("Team password", type="password")
        if st.form_submit_button("Enter"):
            if hmac.compare_digest(given.encode(), password.encode()):
                st.session_state["_authenticated"] = True
                st.rerun()
            st.error("That is not the team password.")
    return False


def page_gate() -> None:
    """Stop a page before anything else when the session has not entered the team password."""
    if not password_gate():
        st.stop()


def remember_coder(name: str) -> None:
    """Keep the coder name for the rest of the session."""
    name = " ".join(name.split())
    if name:
        st.session_state["coder"] = name
    else:
        st.session_state.pop("coder", None)


def save_upload(upload, subfolder: str = ""):
    """Write an uploaded file into `<project>_uploads/` beside the project (kept for provenance); its path."""
    from pathlib import Path

    db = Path(project_path())
    folder = db.parent / f"{db.stem}_uploads" / subfolder
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / Path(upload.name).name
    path.write_bytes(upload.getvalue())
    return path


def progress_bar(noun: str = ""):
    """(bar, progress(done, total)): a Streamlit progress bar and the callback the Python API's long runs take."""
    bar = st.progress(0.0, text="Starting…")

    def progress(done, total):
        bar.progress(min(done / max(total, 1), 1.0), text=f"{done} of {total}" + (f" {noun}" if noun else ""))

    return bar, progress
