"""`project.accounts`: per-coder accounts of the browser app (add, list, remove, passwords, admins).

Who may do what: the app passes the signed-in coder as `by`, and then only an admin adds coders, resets other
coders' passwords, names admins and removes accounts. Scripts and the CLI pass no `by`: whoever can write the
project file manages its accounts. Lists never hold password hashes.
"""

from __future__ import annotations

from typing import Any

from workbench.accounts import AccountError
from workbench.accounts.passwords import check_password, hash_password
from workbench.store import accounts as store
from workbench.store.codings import add_coder
from workbench.store.database import ProjectPart, writing


def _log(db, kind: str, name: str, by: str | None, **details) -> None:
    """One line in the change log for an account change: who, whose account, what; never a password or hash.
    Undo leaves these alone (`workbench accounts` changes them back)."""
    from workbench.store.changes import record_change

    record_change(db, kind, "accounts", name, None, {"summary": {"account": name, **details}}, coder=by)


def _name(name: str) -> str:
    return " ".join(str(name or "").split())


class Accounts(ProjectPart):
    """The accounts of one project."""

    def enabled(self) -> bool:
        """True when the project has any account: the app then asks each person for their name and password."""
        return store.account_count(self.db) > 0

    def list(self) -> list[dict[str, Any]]:
        """Every account: name, is_admin, must_change, created_at, updated_at (never the hash)."""
        return store.list_accounts(self.db)

    def get(self, name: str) -> dict[str, Any] | None:
        """One account without its hash, or None when there is none of that name."""
        return store.get_account(self.db, _name(name))

    def is_admin(self, name: str | None) -> bool:
        """Whether this name is an admin account."""
        account = self.get(name) if name else None
        return bool(account and account["is_admin"])

    def add(self, name: str, password: str, admin: bool = False, by: str | None = None,
            must_change: bool | None = None) -> dict[str, Any]:
        """Add an account (and register the coder; their earlier codings stay theirs). The first account must be
        an admin. must_change (default: when it is not the first account) asks for a new password at sign-in."""
        name = _name(name)
        self._check_admin(by, "add coders")
        hashed = hash_password(password)
        with writing(self.db):
            first = store.account_count(self.db) == 0
            if first and not admin:
                raise AccountError("the first account must be an admin, who then adds the others",
                                   hint=f"add it with `workbench accounts add {name or 'NAME'} --admin`")
            name = add_coder(self.db, name)
            if store.get_account(self.db, name):
                raise AccountError(f"{name} already has an account",
                                   hint=f"reset the password with `workbench accounts reset {name}`")
            store.insert_account(self.db, name, hashed, admin, not first if must_change is None else must_change)
            _log(self.db, "account.add", name, by, admin=admin)
        return store.get_account(self.db, name)

    def verify(self, name: str, password: str) -> bool:
        """Whether the password is this account's (as long for unknown names); an old-style hash is renewed."""
        name = _name(name)
        right, renewed = check_password(store.password_hash(self.db, name), password)
        if right and renewed:
            with writing(self.db):
                store.set_password_hash(self.db, name, renewed)
        return right

    def reset_password(self, name: str, new: str, by: str | None = None,
                       must_change: bool = True) -> dict[str, Any]:
        """Give an account a new password (an admin's job when `by` is given); by default its owner must choose
        their own at the next sign-in."""
        account = self._existing(name)
        self._check_admin(by, "reset passwords")
        hashed = hash_password(new)
        with writing(self.db):
            store.set_password_hash(self.db, account["name"], hashed, must_change)
            _log(self.db, "account.reset", account["name"], by)
        return store.get_account(self.db, account["name"])

    def change_own_password(self, name: str, old: str, new: str) -> dict[str, Any]:
        """Change one's own password, given the current one."""
        account = self._existing(name)
        if not self.verify(account["name"], old):
            raise AccountError("the current password is not right", hint="type your current password again")
        hashed = hash_password(new)
        with writing(self.db):
            store.set_password_hash(self.db, account["name"], hashed, must_change=False)
            _log(self.db, "account.password", account["name"], account["name"])
        return store.get_account(self.db, account["name"])

    def set_admin(self, name: str, admin: bool = True, by: str | None = None) -> dict[str, Any]:
        """Make an account an admin or take that away (one admin always stays)."""
        account = self._existing(name)
        self._check_admin(by, "name admins")
        with writing(self.db):
            if not admin:
                self._keep_an_admin(account["name"])
            store.set_admin_flag(self.db, account["name"], admin)
            _log(self.db, "account.admin", account["name"], by, admin=admin)
        return store.get_account(self.db, account["name"])

    def remove(self, name: str, by: str | None = None) -> dict[str, Any]:
        """Remove an account; the coder and their codings stay. The last account may go (the app then falls back
        to the shared password), the last admin may not while others remain."""
        account = self._existing(name)
        self._check_admin(by, "remove accounts")
        with writing(self.db):
            if store.account_count(self.db) > 1:
                self._keep_an_admin(account["name"])
            store.delete_account(self.db, account["name"])
            _log(self.db, "account.remove", account["name"], by)
        return account

    def _existing(self, name: str) -> dict[str, Any]:
        account = self.get(name)
        if account is None:
            raise AccountError(f"{_name(name) or 'that name'} has no account")
        return account

    def _check_admin(self, by: str | None, what: str) -> None:
        if by is not None and self.enabled() and not self.is_admin(by):
            raise AccountError(f"only an admin may {what}: {by} is not one", hint="ask an admin of the project")

    def _keep_an_admin(self, name: str) -> None:
        if store.admin_names(self.db) == [name]:
            raise AccountError(f"{name} is the only admin", hint="make another account an admin first")
