"""The project store: one SQLite file per project, read with any SQLite tool."""

from workbench.store.database import DEFAULT_DB, open_database, resolve_db_path

__all__ = ["DEFAULT_DB", "open_database", "resolve_db_path"]
