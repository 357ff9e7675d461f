"""`project.codebook`: load codebooks and training examples, read and edit the code tree, write it back to YAML."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from workbench.store import codes as stored
from workbench.store.database import ProjectPart


class ProjectCodebook(ProjectPart):
    """The code tree of one project (one or more codebooks)."""

    def load(self, path: str | os.PathLike, examples: str | os.PathLike | None = None) -> dict[str, Any]:
        """Validate a codebook file and add (or update) its codes in the project, with its training
        examples (`examples`, else `<name>.examples.yaml` beside the codebook when present); all or nothing."""
        from workbench.codebook.codebook_file import load_codebook_file
        from workbench.codebook.examples_file import companion_path, load_examples_file
        from workbench.store.database import writing
        from workbench.store.examples import replace_examples

        codebook = load_codebook_file(path)
        examples_path = Path(examples) if examples else companion_path(path)
        loaded = None
        if examples or examples_path.is_file():
            known = {c.id for c, _ in codebook.walk()} | stored.code_ids(self.db)
            loaded = load_examples_file(examples_path, known)
        with writing(self.db):
            result = stored.load_codebook(self.db, codebook, str(Path(path).resolve()))
            if loaded is not None:
                replace_examples(self.db, codebook.name, loaded, str(examples_path.resolve()))
        result["training_examples"] = len(loaded) if loaded is not None else 0
        result["examples_file"] = str(examples_path) if loaded is not None else None
        return result

    def load_training_examples(self, path: str | os.PathLike, codebook: str | None = None) -> int:
        """Replace a codebook's training examples with the passages of a file; returns how many."""
        from workbench.codebook.examples_file import load_examples_file
        from workbench.store.examples import replace_examples

        name = stored.resolve_codebook(self.db, codebook)["name"]
        examples = load_examples_file(path, stored.code_ids(self.db))
        return replace_examples(self.db, name, examples, str(Path(path).resolve()))

    def training_examples(self, codebook: str | None = None) -> list[dict[str, Any]]:
        """The labelled passages that train the semantic classifier besides the project's codings."""
        from workbench.store.examples import list_examples

        return list_examples(self.db, codebook)

    def codes(self) -> list[dict[str, Any]]:
        """Every code in tree order with depth, parent and coding count (under blind coding, a viewer who is not a
        lead counts only their own codings of the blinded codes)."""
        from workbench.store.blinding import counted_codes

        return stored.code_rows(self.db, counted_codes(self.db, self.viewer))

    def to_yaml(self, name: str | None = None) -> str:
        """The project's codebook as YAML text."""
        from workbench.codebook.codebook_file import codebook_to_yaml

        return codebook_to_yaml(stored.export_codebook(self.db, name))

    def add_code(self, code_id: str, label: str, parent: str | None = None, **fields) -> None:
        """Add a code under parent (or at the top); `by=` names who, for the change log."""
        stored.add_code(self.db, code_id, label, parent, **fields)

    def update_code(self, code_id: str, **fields) -> None:
        """Rename or redefine a code (label, description, include, exclude, examples, color)."""
        stored.update_code(self.db, code_id, **fields)

    def move_code(self, code_id: str, new_parent: str | None, by: str | None = None) -> None:
        """Move a code (with its sub-codes) under another parent, or to the top with None."""
        stored.move_code(self.db, code_id, new_parent, by)

    def merge_codes(self, source: str, target: str, by: str | None = None) -> int:
        """Move source's codings and sub-codes to target and remove source; returns codings moved."""
        return stored.merge_codes(self.db, source, target, by)

    def delete_code(self, code_id: str, codings: str = "refuse", by: str | None = None) -> int:
        """Delete a code; codings="refuse" (default), "delete" or "parent" says what happens to its codings."""
        return stored.delete_code(self.db, code_id, codings, by)
