"""Who is signed in, in the sidebar, and the Accounts section of the Project page: everyone changes their own password; admins add coders, reset
passwords and name admins; a project without accounts offers to create the first (admin) account."""

from __future__ import annotations

import streamlit as st

from workbench.render import md_escape
from workbench.ui.session import coder, guarded, project_path, remember_coder
from workbench.ui.signin import accounts_required, change_password_form, sign_in, sign_out, signed_in_name


def sidebar_identity() -> None:
    """In the sidebar: "Signed in as ..." with a Sign out button, or the coder name box without accounts."""
    name = signed_in_name(project_path())
    if name:
        st.markdown(f"Signed in as **{md_escape(name)}**")
        st.button("Sign out", on_click=sign_out)
        return
    if accounts_required(project_path()):
        return
    if st.session_state.get("coder"):  # keep the box filled when pages switch
        st.session_state["_coder_input"] = st.session_state["coder"]
    st.text_input("Your coder name", key="_coder_input",
                  on_change=lambda: remember_coder(st.session_state["_coder_input"]),
                  help="Asked once; every coding, acceptance and rejection is saved under this name.")


def show_accounts(project) -> None:
    """The section for the signed-in coder (or the offer to turn accounts on)."""
    st.subheader("Accounts")
    me = signed_in_name(project_path())
    if not project.accounts.enabled():
        _first_account(project)
        return
    if me is None:
        return
    with st.expander("Change your password"):
        change_password_form(project_path(), me)
    if not project.accounts.is_admin(me):
        st.caption("An admin of the project adds coders and resets passwords.")
        return
    table = st.empty()  # filled after the forms, so a coder added now is listed
    left, right = st.columns(2)
    with left.form("add_account", clear_on_submit=True):
        st.markdown("**Add a coder**")
        name = st.text_input("Name", help="Their codings under this name, if any, stay theirs.")
        password = st.text_input("First password", type="password",
                                 help="At least 8 characters; they choose their own at first sign-in.")
        admin = st.checkbox("Admin")
        if st.form_submit_button("Add coder"):
            with guarded():
                added = project.accounts.add(name, password, admin=admin, by=me)
                st.success(f"Added {md_escape(added['name'])}.")
    accounts = project.accounts.list()
    table.dataframe([{"name": a["name"], "admin": a["is_admin"], "must change password": a["must_change"],
                      "updated": a["updated_at"]} for a in accounts], hide_index=True)
    names = [a["name"] for a in accounts]
    with right.form("reset_password", clear_on_submit=True):
        st.markdown("**Reset a password**")
        who = st.selectbox("Coder", names, key="reset_who")
        password = st.text_input("New password", type="password", help="They choose their own at next sign-in.")
        if st.form_submit_button("Reset password"):
            with guarded():
                project.accounts.reset_password(who, password, by=me)
                st.success(f"Reset the password of {md_escape(who)}.")
    with st.form("admins"):
        who = st.selectbox("Coder", names, key="admin_who")
        make, unmake, remove = st.columns(3)
        actions = {"make": make.form_submit_button("Make admin"),
                   "unmake": unmake.form_submit_button("No longer admin"),
                   "remove": remove.form_submit_button("Remove account (codings stay)")}
    if any(actions.values()):
        with guarded():
            if actions["remove"]:
                project.accounts.remove(who, by=me)
            else:
                project.accounts.set_admin(who, actions["make"], by=me)
            st.rerun()


def _first_account(project) -> None:
    st.caption("No accounts: everyone passes the team password (if any) and types a name. Create the first "
               "account, an admin, to have each coder sign in with their own password.")
    with st.expander("Turn on accounts"), st.form("first_account", clear_on_submit=True):
        name = st.text_input("Your name", value=coder() or "")
        password = st.text_input("Password", type="password", help="At least 8 characters.")
        again = st.text_input("Password again", type="password")
        if st.form_submit_button("Create admin account"):
            if password != again:
                st.error("The two passwords differ.")
                return
            with guarded():
                sign_in(project_path(), project.accounts.add(name, password, admin=True)["name"])
                st.rerun()
