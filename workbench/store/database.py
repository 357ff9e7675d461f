"""Open a project file: WAL mode, foreign keys, busy timeout, pending migrations."""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from workbench.errors import ProjectError

DEFAULT_DB = "workbench.db"
BUSY_TIMEOUT_MS = 30_000
ID_CHUNK = 900  # ids per IN (...) list, under SQLite's variable limit


def resolve_db_path(path: str | os.PathLike | None = None) -> Path:
    """The project path: the argument, else $WORKBENCH_DB, else ./workbench.db."""
    return Path(path or os.environ.get("WORKBENCH_DB") or DEFAULT_DB)


def open_database(path: str | os.PathLike | None = None, create: bool = True):
    """A sqlite_utils.Database for the project, migrated to the current schema."""
    import sqlite_utils

    from workbench.store.schema import migrations

    db_path = resolve_db_path(path)
    if not create and not db_path.exists():
        raise ProjectError(f"no project at {db_path}", hint="create one with `workbench init` or pass --db")
    if db_path.exists() and db_path.is_dir():
        raise ProjectError(f"{db_path} is a folder, not a project file")
    try:
        conn = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        db = sqlite_utils.Database(conn)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        if db.journal_mode != "wal":
            db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
        migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{db_path}: cannot open as a workbench project ({exc})") from exc
    return db


def id_chunks(ids: list, size: int = ID_CHUNK):
    """(chunk, "?,?,...") pairs over a list of ids, each short enough for one IN (...) list."""
    for start in range(0, len(ids), size):
        chunk = ids[start:start + size]
        yield chunk, ",".join("?" * len(chunk))


def database_file(db) -> str:
    """The path of the project's main database file ('' for an in-memory one)."""
    for _, schema, filename in db.execute("PRAGMA database_list").fetchall():
        if schema == "main":
            return filename or ""
    return ""


@contextmanager
def writing(db):
    """A write transaction that takes the write lock at its start (BEGIN IMMEDIATE).

    Another process holding the lock makes this wait (busy timeout) rather than
    fail half-way; nested use joins the outer transaction.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.execute("ROLLBACK")
            raise
        else:
            db.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        error = storage_error(exc)
        if error is None:
            raise
        raise error from exc


STORAGE_FAULTS = {
    "readonly": ("the project file is read-only", "make the file and its folder writable, or work on a copy"),
    "disk is full": ("the disk holding the project is full; nothing of this change was written",
                     "free some space and run the command again"),
    "disk i/o error": ("the disk reported an input/output error; nothing of this change was written",
                       "check the disk, then run `workbench check`"),
    "unable to open": ("the project file cannot be opened for writing", "check the file and folder permissions"),
}


def storage_error(exc: sqlite3.Error) -> ProjectError | None:
    """A user-facing error for a full disk, read-only file or I/O fault; None for anything else."""
    text = str(exc).lower()
    for marker, (message, hint) in STORAGE_FAULTS.items():
        if marker in text:
            return ProjectError(message, hint=hint)
    return None


class ProjectPart:
    """What every domain accessor of a project holds: the open database, the project file's path and who reads
    (the viewer, None for scripts: blind coding hides other coders' codings from a viewer who is not a lead)."""

    viewer: str | None = None

    def __init__(self, db, path: Path | None = None):
        self.db = db
        self.path = path
