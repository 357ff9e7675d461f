"""The Python API of a project: one entry point that opens the store and hands out domain accessors.

    with Project("study.db") as project:
        project.documents.ingest(["interviews/"])
        project.codebook.load("codebooks/manufacturing_regions.yaml")
        project.suggestions.run("rules")
        project.exports.excerpts("skills.csv", code="skills")

Each accessor lives in its domain package: documents (`workbench.ingest`), codebook
(`workbench.codebook`), codings (`workbench.coding`), suggestions (`workbench.autocode`),
topics (`workbench.topics`), exports (`workbench.export`) and the change log (`workbench.history`).
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

from workbench.store.database import ProjectPart, open_database, resolve_db_path

if TYPE_CHECKING:
    from workbench.accounts.accessor import Accounts
    from workbench.autocode.accessor import Suggestions
    from workbench.codebook.accessor import ProjectCodebook
    from workbench.coding.accessor import Codings
    from workbench.export.accessor import Exports
    from workbench.history.accessor import Changes
    from workbench.ingest.accessor import Documents
    from workbench.topics.accessor import Topics
    from workbench.validation.accessor import Validation


class DomainAccessor:
    """A domain accessor of a project ("module:Class"), imported and built on first use, then kept on the project."""

    def __init__(self, target: str):
        self.module, _, self.cls = target.partition(":")
        self.__doc__ = f"The project's {self.cls} (see {self.module})."

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, project, owner=None):
        if project is None:
            return self
        part = getattr(importlib.import_module(self.module), self.cls)(project.db, project.path)
        part.viewer = project.viewer  # who reads: under blind coding a non-lead sees only their own codings
        project.__dict__[self.name] = part  # later reads find the attribute without calling here
        return part


class Project:
    """One workbench project: a SQLite file holding documents, codes, codings, suggestions and topic runs."""

    def __init__(self, path: str | os.PathLike | None = None, create: bool = True, viewer: str | None = None):
        self.path = resolve_db_path(path)
        self.viewer = viewer.strip() if viewer and viewer.strip() else None
        self.db = open_database(self.path, create=create)

    def view_as(self, viewer: str | None) -> Project:
        """Read as this viewer from now on, in the accessors already handed out too (blind coding)."""
        self.viewer = viewer.strip() if viewer and viewer.strip() else None
        for part in self.__dict__.values():
            if isinstance(part, ProjectPart):
                part.viewer = self.viewer
        return self

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    documents: Documents = DomainAccessor("workbench.ingest.accessor:Documents")
    codebook: ProjectCodebook = DomainAccessor("workbench.codebook.accessor:ProjectCodebook")
    codings: Codings = DomainAccessor("workbench.coding.accessor:Codings")
    suggestions: Suggestions = DomainAccessor("workbench.autocode.accessor:Suggestions")
    topics: Topics = DomainAccessor("workbench.topics.accessor:Topics")
    exports: Exports = DomainAccessor("workbench.export.accessor:Exports")
    changes: Changes = DomainAccessor("workbench.history.accessor:Changes")
    validation: Validation = DomainAccessor("workbench.validation.accessor:Validation")
    accounts: Accounts = DomainAccessor("workbench.accounts.accessor:Accounts")

    def history(self, coder: str | None = None, since: str | None = None, limit: int | None = 50) -> list[dict]:
        """The change log, newest first (see `project.changes.history`); under blind coding a non-lead viewer
        sees only their own changes."""
        from workbench.coding.blind import visible_coder

        return self.changes.history(visible_coder(self.db, self.viewer, coder), since, limit)

    def undo(self, change_id: int | None = None, last: int | None = None, coder: str | None = None) -> list[dict]:
        """Reverse a change or the last N (see `project.changes.undo`); under blind coding a non-lead viewer
        undoes only their own changes."""
        from workbench.coding.blind import hides_others
        from workbench.errors import BlindError

        if hides_others(self.db, self.viewer):
            if change_id is not None and self.changes.get(change_id)["coder"] != self.viewer:
                raise BlindError(f"change {change_id} is not yours to undo while coding is blind",
                                 hint="undo your own changes, or ask a lead to reveal the codings")
            coder = self.viewer
        return self.changes.undo(change_id, last, coder)

    def merge(self, other_path: str | os.PathLike, dry_run: bool = False, progress=None) -> dict[str, Any]:
        """Bring another copy of this project (e.g. from `split`) in, in one transaction; a report of what was
        added, matched and not placed, with reasons (see `workbench.merge.copies.merge_project`)."""
        from workbench.merge.copies import merge_project

        return merge_project(self.db, other_path, dry_run, progress)

    def split(self, coder: str, output: str | os.PathLike, all_codings: bool = False,
              overwrite: bool = False) -> dict[str, Any]:
        """A copy of the project for one coder's laptop (their codings and memos, or all), to merge back later."""
        from workbench.merge.copies import split_project

        return split_project(self.db, coder, output, all_codings, overwrite)

    def pseudonymiser(self, mapping: str | os.PathLike | None = None, terms: str | os.PathLike | None = None,
                      use_model: bool = True, categories=("person", "org", "place")):
        """A Pseudonymiser primed with a mapping CSV (always wins), a terms list and the project's
        speaker names and name-like attributes (e.g. interviewer), for ingest and exports."""
        from workbench.privacy.project_names import project_pseudonymiser

        return project_pseudonymiser(self.db, mapping, terms, use_model, categories)

    def summary(self) -> dict[str, Any]:
        """Counts of documents by type, segments, speakers, words and attributes."""
        from workbench.store.overview import summary_counts

        return {"project": str(self.path), **summary_counts(self.db)}

    def check(self, repair: bool = False) -> dict[str, Any]:
        """Integrity, foreign keys, search index, offsets and snippets, orphans; repair rebuilds the index."""
        from workbench.store.maintenance import check_project, repair_search_index

        if repair:
            repair_search_index(self.db)
        return check_project(self.db)

    def backup(self, destination: str | os.PathLike, overwrite: bool = False) -> dict[str, Any]:
        """A consistent copy of the project file, taken while others may be writing."""
        from workbench.store.maintenance import backup_project

        return backup_project(self.db, destination, overwrite)


def open_project(path: str | os.PathLike | None = None, create: bool = True) -> Project:
    """Open (and create or migrate) a project file."""
    return Project(path, create=create)
