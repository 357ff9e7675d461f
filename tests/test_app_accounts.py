"""AppTest of per-coder accounts: the sign-in form in place of the team password and the name box, the signed-in
name as the coder that writes, the Accounts section of the Project page (admins only), and the old mode kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_app import button, run, small_project_fixture, store  # noqa: F401  (the fixture)


@pytest.fixture
def accounts(small_project):
    """ann (admin) and bob (coder) with passwords of their own."""
    with store(small_project) as project:
        project.accounts.add("ann", "ann password", admin=True)
        project.accounts.add("bob", "bob password", must_change=False)
    return small_project


def signed_in(db, name: str) -> dict:
    return {"_account": {"project": str(Path(db).resolve()), "name": name}}


def sign_in(app, name: str, password: str):
    app.text_input[0].set_value(name)
    app.text_input[1].set_value(password)
    return button(app, "Sign in").click().run()


def test_sign_in_comes_before_everything_and_replaces_the_name_box(accounts, monkeypatch):
    monkeypatch.setenv("WORKBENCH_PASSWORD_ENV", "TEAM_PW")
    monkeypatch.setenv("TEAM_PW", "s3cret")  # accounts take the team password's place
    app = run("app")
    assert not app.exception and not app.metric
    assert [t.label for t in app.text_input] == ["Your name", "Password"]
    sign_in(app, "ann", "bob password")
    assert not app.metric and app.error[0].value.startswith("That name and password do not match")
    assert "_account" not in app.session_state and app.session_state["_login_failures"] == 1
    sign_in(app, "nobody", "ann password")
    assert not app.metric and app.error[0].value.startswith("That name and password do not match")
    sign_in(app, " ann ", "ann password")
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["Documents"] == "2"
    assert app.session_state["_account"]["name"] == "ann" and "_login_failures" not in app.session_state
    assert any("Signed in as **ann**" in m.value for m in app.sidebar.markdown)
    assert not [t for t in app.text_input if t.key == "_coder_input"]  # no name box
    state = str(app.session_state._state.filtered_state)
    assert "ann password" not in state and "bob password" not in state and "argon2" not in state
    button(app, "Sign out").click().run()
    assert not app.metric and [t.label for t in app.text_input] == ["Your name", "Password"]


def test_the_signed_in_name_is_who_codes(accounts):
    # $WORKBENCH_CODER is ann (the fixture) and a name was typed earlier: neither counts once signed in
    app = run("search.py", coder="mallory", **signed_in(accounts, "bob"))
    app.text_input[0].set_value("apprentices")
    button(app, "Search").click().run()
    app.selectbox(key="search_code").set_value("skills").run()
    button(app, "Code all 2 results").click().run()
    assert not app.exception
    with store(accounts) as project:
        assert {c["coder"] for c in project.codings.list(code="skills")} == {"bob"}


def test_a_removed_account_is_signed_out(accounts):
    with store(accounts) as project:
        project.accounts.remove("bob")
    app = run("project.py", **signed_in(accounts, "bob"))
    assert not app.metric and "_account" not in app.session_state


def test_admins_see_the_accounts_section(accounts):
    app = run("project.py", **signed_in(accounts, "bob"))
    assert not app.exception and app.metric
    assert not [b for b in app.button if b.label == "Add coder"]
    assert [b for b in app.button if b.label == "Change password"]  # everyone changes their own
    app = run("project.py", **signed_in(accounts, "ann"))
    form = [t for t in app.text_input if t.label in ("Name", "First password")]
    form[0].set_value("cy")
    form[1].set_value("cy first password")
    button(app, "Add coder").click().run()
    assert not app.exception and any("Added cy" in s.value for s in app.success)
    with store(accounts) as project:
        assert project.accounts.get("cy")["must_change"] and not project.accounts.is_admin("cy")
    app.selectbox(key="admin_who").set_value("cy")
    button(app, "Make admin").click().run()
    with store(accounts) as project:
        assert project.accounts.is_admin("cy")


def test_a_password_set_by_an_admin_is_changed_at_first_sign_in(accounts):
    with store(accounts) as project:
        project.accounts.add("cy", "cy first password")
    app = run("app")
    sign_in(app, "cy", "cy first password")
    assert not app.metric and app.title[0].value == "Choose your own password"
    labels = {t.label: t for t in app.text_input}
    labels["Current password"].set_value("cy first password")
    labels["New password"].set_value("cy own password")
    labels["New password again"].set_value("cy own password")
    button(app, "Change password").click().run()
    assert not app.exception and {m.label: m.value for m in app.metric}["Documents"] == "2"
    with store(accounts) as project:
        assert project.accounts.verify("cy", "cy own password") and not project.accounts.get("cy")["must_change"]


def test_without_accounts_the_name_box_stays_and_the_first_admin_can_be_made(small_project, monkeypatch):
    monkeypatch.delenv("WORKBENCH_CODER", raising=False)
    app = run("app")
    assert app.text_input(key="_coder_input").label == "Your coder name"
    assert not any("Signed in as" in m.value for m in app.sidebar.markdown)
    app = run("project.py", coder="ann")
    fields = {t.label: t for t in app.text_input}
    assert fields["Your name"].value == "ann"
    fields["Password"].set_value("ann password")
    fields["Password again"].set_value("ann password")
    button(app, "Create admin account").click().run()
    assert not app.exception and app.session_state["_account"]["name"] == "ann"
    with store(small_project) as project:
        assert project.accounts.is_admin("ann")
