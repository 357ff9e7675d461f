"""The accounts table: one row per coder who signs in to the app, with an argon2 hash of their password.

Reads hand out rows without the hash (`list_accounts`, `get_account`); only `password_hash` returns it, for
checking a password. Writers run inside the caller's transaction (`store.database.writing`): this module imports
no other store module, as the schema's migration m011 reads its table from here.
"""

from __future__ import annotations

import datetime as dt

# m011: one row per coder who signs in: an argon2 hash of their password, whether they are an admin (adds
# coders, resets passwords) and whether they must choose a new password at their next sign-in.
ACCOUNTS_TABLE = """
CREATE TABLE accounts (
    name TEXT PRIMARY KEY REFERENCES coders(name),
    password_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    must_change INTEGER NOT NULL DEFAULT 0
);
"""
PUBLIC = "name, is_admin, must_change, created_at, updated_at"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _public(row: dict) -> dict:
    return {**row, "is_admin": bool(row["is_admin"]), "must_change": bool(row["must_change"])}


def account_count(db) -> int:
    """How many accounts the project holds (none: the app keeps the shared password and typed names)."""
    return db.execute("SELECT count(*) FROM accounts").fetchone()[0]


def admin_names(db) -> list[str]:
    """The names of the admin accounts."""
    return [r[0] for r in db.execute("SELECT name FROM accounts WHERE is_admin = 1 ORDER BY name").fetchall()]


def list_accounts(db) -> list[dict]:
    """Every account by name, without its hash."""
    return [_public(r) for r in db.query(f"SELECT {PUBLIC} FROM accounts ORDER BY name")]


def get_account(db, name: str) -> dict | None:
    """One account without its hash, or None."""
    row = next(db.query(f"SELECT {PUBLIC} FROM accounts WHERE name = ?", [name]), None)
    return _public(row) if row else None


def password_hash(db, name: str) -> str | None:
    """The stored hash of an account's password (None for no such account); only for checking a password."""
    row = db.execute("SELECT password_hash FROM accounts WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def insert_account(db, name: str, hashed: str, admin: bool, must_change: bool) -> None:
    """Add an account for an already registered coder (call inside a transaction that registers them)."""
    now = _now()
    db.execute("INSERT INTO accounts (name, password_hash, is_admin, created_at, updated_at, must_change) "
               "VALUES (?, ?, ?, ?, ?, ?)", [name, hashed, int(admin), now, now, int(must_change)])


def set_password_hash(db, name: str, hashed: str, must_change: bool | None = None) -> None:
    """Store a new hash (a new password, or the same one rehashed); must_change None leaves that flag."""
    db.execute("UPDATE accounts SET password_hash = ?, updated_at = ?, "
               "must_change = coalesce(?, must_change) WHERE name = ?",
               [hashed, _now(), None if must_change is None else int(must_change), name])


def set_admin_flag(db, name: str, admin: bool) -> None:
    """Make an account an admin or not."""
    db.execute("UPDATE accounts SET is_admin = ?, updated_at = ? WHERE name = ?", [int(admin), _now(), name])


def delete_account(db, name: str) -> None:
    """Remove an account; the coder and their codings stay."""
    db.execute("DELETE FROM accounts WHERE name = ?", [name])
