"""Signing in to per-coder accounts: once the session's project has accounts, each person gives their name and
password, and that name is the session's coder (blind coding and the change log rely on it).

Session state holds only {"project", "name"} of the signed-in coder and a count of failed tries, never a
password or a hash; a project without accounts keeps the team password and the typed coder name.
"""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.render import md_escape

ACCOUNT = "_account"  # {"project": resolved path, "name": coder} of the signed-in coder
ACCOUNTS_FOR = "_accounts_for"  # the project the gate last found accounts in
FAILURES = "_login_failures"
FREE_TRIES = 3  # failed sign-ins before each further try waits
MAX_WAIT_S = 5.0


def project_key(path: str) -> str:
    """A project file, resolved, so a sign-in counts only for the project it was made in."""
    return str(Path(path).expanduser().resolve())


def signed_in_name(path: str) -> str | None:
    """The name signed in to this project in this session, else None."""
    account = st.session_state.get(ACCOUNT)
    return account["name"] if account and account.get("project") == project_key(path) else None


def accounts_required(path: str) -> bool:
    """Whether this project has accounts (as the gate last found), so a typed name does not count."""
    return st.session_state.get(ACCOUNTS_FOR) == project_key(path)


def sign_in(path: str, name: str) -> None:
    """Make this name the session's coder for this project."""
    st.session_state[ACCOUNT] = {"project": project_key(path), "name": name}
    st.session_state.pop(FAILURES, None)
    st.session_state.pop("_coder_registered", None)


def sign_out() -> None:
    """Forget the signed-in coder (a button's on_click; the app then asks again)."""
    st.session_state.pop(ACCOUNT, None)
    st.session_state.pop("_coder_registered", None)


def _project_accounts(path: str) -> tuple[bool, dict | None]:
    """(the project has accounts, the signed-in coder's account or None); (False, None) when no project opens."""
    from workbench.project import Project

    try:
        project = Project(path, create=False)
    except WorkbenchError:
        return False, None
    try:
        if not project.accounts.enabled():
            return False, None
        name = signed_in_name(path)
        return True, project.accounts.get(name) if name else None
    finally:
        project.close()


def account_gate(path: str) -> bool | None:
    """None when the project has no accounts (the team password rules); else True when the session is signed in
    with a password of its own, False after showing the sign-in or new-password form."""
    enabled, account = _project_accounts(path)
    if not enabled:
        st.session_state.pop(ACCOUNTS_FOR, None)
        return None
    st.session_state[ACCOUNTS_FOR] = project_key(path)
    if account is None:
        sign_out()  # never signed in here, or the account was removed since
        _sign_in_form(path)
        return False
    if account["must_change"]:
        _new_password_form(path, account["name"])
        return False
    return True


def _wait_after_failures() -> None:
    failures = st.session_state.get(FAILURES, 0)
    if failures >= FREE_TRIES:
        time.sleep(min(MAX_WAIT_S, 0.5 * 2 ** (failures - FREE_TRIES)))


def _check(path: str, name: str, password: str) -> str | None:
    """The account's name when name and password match one, else None."""
    from workbench.project import Project

    with Project(path, create=False) as project:
        if project.accounts.verify(name, password):
            return project.accounts.get(name)["name"]
    return None


def _sign_in_form(path: str) -> None:
    st.title("Qualitative research workbench")
    st.caption(f"Sign in to {md_escape(Path(path).name)}.")
    with st.form("sign_in", clear_on_submit=True):
        name = st.text_input("Your name")
        password = st.text_input("Password", type="password")
        if st.form_submit_button("Sign in"):
            _wait_after_failures()
            account = _check(path, name, password)
            if account:
                sign_in(path, account)
                st.rerun()
            st.session_state[FAILURES] = st.session_state.get(FAILURES, 0) + 1
            st.error("That name and password do not match an account of this project.")
    st.caption("Forgot your password? An admin of the project resets it.")
    if st.session_state.get("db_path") and st.button("Back to the server's project"):
        st.session_state.pop("db_path")
        st.rerun()


def _new_password_form(path: str, name: str) -> None:
    st.title("Choose your own password")
    st.info(f"Signed in as {md_escape(name)}. Your password was set by an admin: choose your own to go on.")
    if change_password_form(path, name, key="must_change"):
        st.rerun()
    st.button("Sign out", on_click=sign_out)


def change_password_form(path: str, name: str, key: str = "own_password") -> bool:
    """A form to change one's own password (current, new, new again); True once changed."""
    from workbench.project import Project

    with st.form(key, clear_on_submit=True):
        old = st.text_input("Current password", type="password")
        new = st.text_input("New password", type="password", help="At least 8 characters.")
        again = st.text_input("New password again", type="password")
        if not st.form_submit_button("Change password"):
            return False
    if new != again:
        st.error("The two new passwords differ.")
        return False
    try:
        with Project(path, create=False) as project:
            project.accounts.change_own_password(name, old, new)
    except WorkbenchError as exc:  # as session.show_error shows it (this module sits under session)
        st.error(md_escape(exc.message) + (f"  \nHint: {md_escape(exc.hint)}" if exc.hint else ""))
        return False
    st.success("Password changed.")
    return True
