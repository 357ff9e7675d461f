"""Merge another copy of a project into this one, and split off a copy for one coder's laptop.

A merge runs in one transaction (a kill part-way leaves the project as it was), is idempotent (the same merge
twice adds nothing) and drops nothing silently: its report counts what was added, matched and skipped, and lists
every item not placed with the reason. The other copy's change log is summarised as one `merge` change.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from workbench.errors import ProjectError
from workbench.store import merge as store
from workbench.store.codings import check_coder
from workbench.store.database import open_database
from workbench.store.maintenance import backup_project


def merge_project(db, other_path: str | os.PathLike, dry_run: bool = False, progress=None) -> dict[str, Any]:
    """Bring another copy's coders, new documents, new codes, codings, memos, attributes and suggestion decisions
    into this project (nothing written on a dry run); the report of what was added, matched and not placed.
    `progress(step)` is called after each step."""
    other = Path(other_path)
    if not other.is_file():
        raise ProjectError(f"no project at {other}", hint="give the path of another copy's project file")
    open_database(other, create=False).close()  # a workbench project, migrated to this schema
    store.attach(db, other)
    try:
        return store.merge_attached(db, other.name, dry_run, progress)
    finally:
        store.detach(db)


def split_project(db, coder: str, output: str | os.PathLike, all_codings: bool = False,
                  overwrite: bool = False) -> dict[str, Any]:
    """A copy of the project for one coder: documents, codebook, that coder's codings and memos (every coding
    with all_codings), ready to be merged back with `merge_project`."""
    check_coder(db, coder)
    written = backup_project(db, output, overwrite)
    copy = open_database(written["backup"], create=False)
    try:
        kept = store.keep_for_coder(copy, coder, all_codings, Path(output).name)
    finally:
        copy.close()
    return {"output": str(output), "coder": coder, "all_codings": all_codings, **kept}
