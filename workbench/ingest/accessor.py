"""`project.documents`: ingest sources, read documents, segments and speakers, edit types and attributes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from workbench.errors import InvalidValueError
from workbench.ingest._base import ReadOptions
from workbench.store import documents as docs
from workbench.store.attributes import attributes_of, delete_attribute, set_attributes
from workbench.store.codings import list_memos
from workbench.store.database import ProjectPart
from workbench.store.search import search_segments


class Documents(ProjectPart):
    """The documents of one project."""

    def id_of(self, ref: int | str | None) -> int | None:
        """The id of a document given by id, title or file name (None stays None)."""
        return None if ref is None else docs.resolve_document(self.db, ref)["id"]

    def ingest(self, paths, doc_type: str | None = None, manifest: str | os.PathLike | None = None,
               password: str | None = None, time_limit: float = 120.0, survey_mode: str = "row",
               text_column: str | None = None, progress=None, pseudonymiser=None, workers: int = 0,
               max_file_mb: float | None = None, on_outcome=None):
        """Ingest files and folders; returns a list of IngestOutcome.

        pseudonymiser (see `Project.pseudonymiser`): names are replaced before anything is stored.
        workers: processes that read and segment files (0 = every core for large batches);
        on_outcome: called with each outcome instead of collecting them (flat memory for huge batches).
        """
        from workbench.ingest.manifest import load_manifest
        from workbench.ingest.pipeline import MAX_FILE_BYTES, ingest_paths

        if doc_type and doc_type not in docs.DOCUMENT_TYPES:
            raise InvalidValueError(f"unknown document type {doc_type!r}", hint="types: " + ", ".join(docs.DOCUMENT_TYPES))
        options = ReadOptions(password=password, time_limit=time_limit, survey_mode=survey_mode, text_column=text_column)
        loaded = load_manifest(manifest) if manifest else None
        max_bytes = int(max_file_mb * 1024 * 1024) if max_file_mb else MAX_FILE_BYTES
        return ingest_paths(self.db, paths, doc_type, loaded, options, progress, max_bytes,
                            pseudonymiser=pseudonymiser, workers=workers, on_outcome=on_outcome)

    def list(self, doc_type: str | None = None) -> list[dict[str, Any]]:
        """Every document (optionally of one type) with counts and attributes."""
        return docs.list_documents(self.db, doc_type)

    def get(self, ref: int | str) -> dict[str, Any]:
        """A document with its text, attributes, warnings and memos."""
        row = dict(docs.resolve_document(self.db, ref))
        row["warnings"] = json.loads(row["warnings"])
        row["metadata"] = json.loads(row["metadata"])
        row["type_inferred"] = bool(row["type_inferred"])
        row["title_inferred"] = bool(row["title_inferred"])
        row["attributes"] = attributes_of(self.db, row["id"])
        row["memos"] = list_memos(self.db, row["id"])
        return row

    def resegment(self, refs: list | None = None) -> list[dict[str, Any]]:
        """Cut documents (all, or these ids/titles) into segments again with today's rules; the text and every
        coding stay, and codings whose snippet no longer matches the text are reported."""
        from dataclasses import asdict

        from workbench.ingest.resegment import resegment_document

        ids = [self.id_of(r) for r in refs] if refs else sorted(docs.document_ids(self.db))
        return [asdict(resegment_document(self.db, doc_id)) for doc_id in ids]

    def segments(self, ref: int | str) -> list[dict[str, Any]]:
        """The turns and paragraphs of a document, in order, with offsets."""
        return docs.document_segments(self.db, self.id_of(ref))

    def speakers(self, ref: int | str) -> list[dict[str, Any]]:
        """The speakers of a document with their turn counts."""
        return docs.document_speakers(self.db, self.id_of(ref))

    def rename_speaker(self, ref: int | str, old: str, new: str) -> int:
        """Rename or merge a speaker in one document; returns the number of turns changed."""
        return docs.rename_speaker(self.db, self.id_of(ref), old, new)

    def set_type(self, ref: int | str, doc_type: str) -> None:
        """Set a document's type (interview, focus_group, notes, document, survey)."""
        docs.set_document_type(self.db, self.id_of(ref), doc_type)

    def attributes(self, ref: int | str) -> dict[str, Any]:
        """A document's attributes as typed values."""
        return attributes_of(self.db, self.id_of(ref))

    def set_attribute(self, ref: int | str, name: str, value: Any, by: str | None = None) -> None:
        """Set one attribute of a document (`by`: who, for the change log)."""
        from workbench.store.database import writing

        doc_id = self.id_of(ref)
        with writing(self.db):
            set_attributes(self.db, doc_id, {name: value}, by)

    def delete_attribute(self, ref: int | str, name: str, by: str | None = None) -> bool:
        """Remove one attribute of a document; False when it had none of that name."""
        return delete_attribute(self.db, self.id_of(ref), name, by)

    def apply_manifest(self, manifest: str | os.PathLike) -> list[dict[str, Any]]:
        """Set titles, types and attributes of ingested documents from a manifest."""
        from workbench.ingest.manifest import load_manifest

        loaded = load_manifest(manifest)
        updates, applied = [], []
        for row in docs.source_paths(self.db):
            entry = loaded.lookup(Path(row["source_path"]))
            if entry is None:
                continue
            fields: dict[str, Any] = {"title": entry.title, "title_inferred": 0} if entry.title else {}
            if entry.type:
                fields.update(type=entry.type, type_inferred=0)
            updates.append((row["id"], fields, entry.attributes))
            applied.append({"document_id": row["id"], "file": entry.file})
        docs.apply_manifest_entries(self.db, updates)
        return applied

    def search(self, query: str, limit: int = 50, doc_type: str | None = None, speaker: str | None = None,
               document: int | str | None = None, attributes: dict[str, str] | None = None,
               order: str = "document") -> list[dict]:
        """Full-text search (FTS5 syntax); hits in document order, or best first with order="relevance"."""
        return search_segments(self.db, query, limit, doc_type, speaker, self.id_of(document), attributes, order)
