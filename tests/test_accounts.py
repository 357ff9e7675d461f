"""Per-coder accounts: argon2 hashing and rehashing, the first account an admin, password rules, admin checks,
and `workbench accounts` (lists never hold hashes)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from workbench.accounts import AccountError
from workbench.cli import cli
from workbench.project import Project
from workbench.store import accounts as store


@pytest.fixture
def project(tmp_path):
    with Project(tmp_path / "p.db") as opened:
        yield opened


def test_hash_round_trip_in_the_project_and_no_hash_in_lists(project):
    assert not project.accounts.enabled()
    added = project.accounts.add("  ann  lee ", "correct horse", admin=True)
    assert added["name"] == "ann lee" and added["is_admin"] and not added["must_change"]
    assert project.accounts.enabled()
    assert "ann lee" in [c["name"] for c in project.codings.coders()]  # the coder is registered
    stored = store.password_hash(project.db, "ann lee")
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert project.accounts.verify("ann lee", "correct horse")
    assert project.accounts.verify(" ann lee", "correct horse")
    assert not project.accounts.verify("ann lee", "correct horsE")
    listed = project.accounts.list()
    assert set(listed[0]) == {"name", "is_admin", "must_change", "created_at", "updated_at"}
    assert "argon2" not in json.dumps(listed) and "argon2" not in json.dumps(project.accounts.get("ann lee"))


def test_an_old_style_hash_is_renewed_at_sign_in(project):
    from argon2 import PasswordHasher

    project.accounts.add("ann", "first password", admin=True)
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("first password")
    store.set_password_hash(project.db, "ann", weak)
    assert not project.accounts.verify("ann", "wrong password")
    assert store.password_hash(project.db, "ann") == weak  # a wrong password changes nothing
    assert project.accounts.verify("ann", "first password")
    renewed = store.password_hash(project.db, "ann")
    assert renewed != weak and "m=1024" not in renewed
    assert project.accounts.verify("ann", "first password")


def test_unknown_name_is_false_and_still_checks_a_hash(project, monkeypatch):
    from workbench.accounts import passwords

    project.accounts.add("ann", "first password", admin=True)
    checked = []
    real = passwords.hasher().verify
    monkeypatch.setattr(type(passwords.hasher()), "verify", lambda self, h, p: checked.append(h) or real(h, p))
    assert project.accounts.verify("nobody", "first password") is False
    assert project.accounts.verify("", "") is False
    assert len(checked) == 2  # the same work as a known name: no timing oracle


def test_first_account_must_be_an_admin_and_passwords_have_eight_characters(project):
    with pytest.raises(AccountError, match="first account must be an admin") as caught:
        project.accounts.add("ann", "long enough")
    assert "--admin" in caught.value.hint
    with pytest.raises(AccountError, match="at least 8 characters") as caught:
        project.accounts.add("ann", "short", admin=True)
    assert caught.value.hint
    assert not project.accounts.enabled()
    project.accounts.add("ann", "long enough", admin=True)
    bob = project.accounts.add("bob", "long enough")
    assert not bob["is_admin"] and bob["must_change"]  # someone else chose it
    with pytest.raises(AccountError, match="already has an account"):
        project.accounts.add("bob", "another one")


def test_admin_rights_when_by_is_given(project):
    project.accounts.add("ann", "ann password", admin=True)
    project.accounts.add("bob", "bob password", by="ann")
    with pytest.raises(AccountError, match="only an admin"):
        project.accounts.add("cy", "cy password", by="bob")
    with pytest.raises(AccountError, match="only an admin"):
        project.accounts.reset_password("ann", "taken over", by="bob")
    project.accounts.reset_password("bob", "new bob password", by="ann")
    assert project.accounts.verify("bob", "new bob password") and project.accounts.get("bob")["must_change"]
    with pytest.raises(AccountError, match="current password is not right"):
        project.accounts.change_own_password("bob", "wrong", "bobs own password")
    assert not project.accounts.change_own_password("bob", "new bob password", "bobs own password")["must_change"]
    assert project.accounts.verify("bob", "bobs own password")
    with pytest.raises(AccountError, match="only admin"):
        project.accounts.set_admin("ann", False)
    project.accounts.set_admin("bob", True, by="ann")
    project.accounts.set_admin("ann", False, by="bob")
    assert project.accounts.is_admin("bob") and not project.accounts.is_admin("ann")


def test_remove_keeps_the_coder(project):
    project.accounts.add("ann", "ann password", admin=True)
    project.accounts.add("bob", "bob password")
    with pytest.raises(AccountError, match="only admin"):
        project.accounts.remove("ann")
    project.accounts.remove("bob", by="ann")
    assert [a["name"] for a in project.accounts.list()] == ["ann"]
    assert "bob" in [c["name"] for c in project.codings.coders()]
    assert not project.accounts.verify("bob", "bob password")
    project.accounts.remove("ann")  # the last account may go: back to the shared password
    assert not project.accounts.enabled()


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "cli.db"))
    Project(tmp_path / "cli.db").close()

    def invoke(*args, input=None, env=None):
        return CliRunner().invoke(cli, list(args), input=input, env=env)
    return invoke


def test_cli_add_reset_list_admin_remove(run, tmp_path):
    result = run("accounts", "add", "ann", input="short\nshort\n")
    assert result.exit_code == 1 and "Error: a password needs at least 8 characters" in result.output
    result = run("accounts", "add", "ann", input="ann password\nann password\n")
    assert result.exit_code == 1 and "Error: the first account must be an admin" in result.output
    result = run("accounts", "add", "ann", "--admin", input="ann password\nann password\n")
    assert result.exit_code == 0, result.output
    assert "ann (admin)" in result.output and "ann password" not in result.output
    result = run("accounts", "add", "bob", "--password-env", "BOB_PW", "--json", env={"BOB_PW": "bob password"})
    assert json.loads(result.stdout)["must_change"] is True
    assert run("accounts", "add", "cy", "--password-env", "CY_PW", env={"CY_PW": "short"}).exit_code == 1
    assert "Error: $NOPE_PW is not set" in run("accounts", "add", "cy", "--password-env", "NOPE_PW").output
    result = run("accounts", "reset", "bob", "--no-must-change", input="bob's new one\nbob's new one\n")
    assert result.exit_code == 0 and "must choose" not in result.output
    result = run("accounts", "reset", "nobody")
    assert result.exit_code == 1 and "nobody has no account" in result.output and "Hint:" in result.output
    assert run("accounts", "admin", "bob").exit_code == 0
    assert run("accounts", "admin", "ann", "--off").exit_code == 0
    listed = json.loads(run("accounts", "list", "--json").stdout)
    assert [(a["name"], a["is_admin"], a["must_change"]) for a in listed] == [("ann", False, False),
                                                                             ("bob", True, False)]
    assert "argon2" not in run("accounts", "list", "--json").stdout + run("accounts", "list").stdout
    assert "only admin" in run("accounts", "remove", "bob").output
    assert run("accounts", "remove", "ann").exit_code == 0
    with Project(tmp_path / "cli.db") as project:
        assert project.accounts.verify("bob", "bob's new one") and not project.accounts.verify("ann", "ann password")
        assert {"ann", "bob"} <= {c["name"] for c in project.codings.coders()}


def test_account_changes_are_logged_without_secrets_and_undo_leaves_them_alone(project):
    from workbench.store.undo import UndoError

    project.accounts.add("ann", "first-password", admin=True)
    project.accounts.add("bo", "second-password", by="ann")
    project.accounts.reset_password("bo", "third-password", by="ann")
    project.accounts.set_admin("bo", True, by="ann")
    kinds = [c["kind"] for c in project.changes.history()]
    assert kinds[:4] == ["account.admin", "account.reset", "account.add", "account.add"]
    logged = " ".join(str(c["before"]) + str(c["after"]) for c in project.changes.history())
    assert "password" not in logged.replace("account", "") and "$argon2" not in logged
    with pytest.raises(UndoError, match="changed an account"):
        project.undo(project.changes.history()[0]["id"])
    with pytest.raises(UndoError, match="no change to undo"):
        project.undo(last=1)
