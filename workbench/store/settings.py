"""Project settings: named text values kept in the project file (the default coder...)."""

from __future__ import annotations

import datetime as dt

from workbench.store.database import writing

DEFAULT_CODER = "default_coder"


def get_setting(db, name: str, default: str | None = None) -> str | None:
    """The value of a setting, or `default` when it is not set."""
    row = db.execute("SELECT value FROM settings WHERE name = ?", [name]).fetchone()
    return row[0] if row else default


def set_setting(db, name: str, value: str) -> None:
    """Set (or replace) a setting's value."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with writing(db):
        db.execute("INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?) "
                   "ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                   [name, value, now])


def delete_setting(db, name: str) -> bool:
    """Remove a setting; True when it was set."""
    with writing(db):
        return db.execute("DELETE FROM settings WHERE name = ?", [name]).rowcount > 0
