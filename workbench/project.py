"""The Python API of a project: what the CLI and the app call."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from workbench.ingest._base import ReadOptions
from workbench.store import documents as docs
from workbench.store.attributes import attributes_of, set_attributes
from workbench.store.database import open_database, resolve_db_path
from workbench.store.search import search_segments


class Project:
    """One workbench project: a SQLite file holding documents, segments and attributes."""

    def __init__(self, path: str | os.PathLike | None = None, create: bool = True):
        self.path = resolve_db_path(path)
        self.db = open_database(self.path, create=create)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ingest
    def ingest(self, paths, doc_type: str | None = None, manifest: str | os.PathLike | None = None,
               password: str | None = None, time_limit: float = 120.0, survey_mode: str = "row",
               text_column: str | None = None, progress=None):
        """Ingest files and folders; returns a list of IngestOutcome."""
        from workbench.ingest.manifest import load_manifest
        from workbench.ingest.pipeline import ingest_paths

        if doc_type:
            if doc_type not in docs.DOCUMENT_TYPES:
                from workbench.errors import InvalidValueError

                raise InvalidValueError(f"unknown document type {doc_type!r}",
                                     hint="types: " + ", ".join(docs.DOCUMENT_TYPES))
        options = ReadOptions(password=password, time_limit=time_limit,
                              survey_mode=survey_mode, text_column=text_column)
        loaded = load_manifest(manifest) if manifest else None
        return ingest_paths(self.db, paths, doc_type, loaded, options, progress)

    # documents
    def documents(self, doc_type: str | None = None) -> list[dict[str, Any]]:
        return docs.list_documents(self.db, doc_type)

    def document(self, ref: int | str) -> dict[str, Any]:
        """A document with its text, attributes, warnings and memos."""
        import json

        row = dict(docs.resolve_document(self.db, ref))
        row["warnings"] = json.loads(row["warnings"])
        row["metadata"] = json.loads(row["metadata"])
        row["type_inferred"] = bool(row["type_inferred"])
        row["attributes"] = attributes_of(self.db, row["id"])
        row["memos"] = list(self.db.query("SELECT * FROM memos WHERE document_id = ? ORDER BY id", [row["id"]]))
        return row

    def segments(self, ref: int | str) -> list[dict[str, Any]]:
        return docs.document_segments(self.db, docs.resolve_document(self.db, ref)["id"])

    def speakers(self, ref: int | str) -> list[dict[str, Any]]:
        return docs.document_speakers(self.db, docs.resolve_document(self.db, ref)["id"])

    def rename_speaker(self, ref: int | str, old: str, new: str) -> int:
        """Rename or merge a speaker in one document; returns the number of turns changed."""
        return docs.rename_speaker(self.db, docs.resolve_document(self.db, ref)["id"], old, new)

    def set_type(self, ref: int | str, doc_type: str) -> None:
        docs.set_document_type(self.db, docs.resolve_document(self.db, ref)["id"], doc_type)

    # attributes
    def attributes(self, ref: int | str) -> dict[str, Any]:
        return attributes_of(self.db, docs.resolve_document(self.db, ref)["id"])

    def set_attribute(self, ref: int | str, name: str, value: Any) -> None:
        doc_id = docs.resolve_document(self.db, ref)["id"]
        with self.db.atomic():
            set_attributes(self.db, doc_id, {name: value})

    def delete_attribute(self, ref: int | str, name: str) -> bool:
        doc_id = docs.resolve_document(self.db, ref)["id"]
        with self.db.atomic():
            return self.db.execute("DELETE FROM attributes WHERE document_id = ? AND name = ?",
                                   [doc_id, name]).rowcount > 0

    def apply_manifest(self, manifest: str | os.PathLike) -> list[dict[str, Any]]:
        """Set titles, types and attributes of ingested documents from a manifest."""
        from workbench.ingest.manifest import load_manifest

        loaded = load_manifest(manifest)
        applied = []
        rows = list(self.db.query("SELECT id, source_path FROM documents WHERE source_path IS NOT NULL"))
        with self.db.atomic():
            for row in rows:
                entry = loaded.lookup(Path(row["source_path"]))
                if entry is None:
                    continue
                update = {}
                if entry.title:
                    update["title"] = entry.title
                if entry.type:
                    update.update(type=entry.type, type_inferred=0)
                if update:
                    self.db["documents"].update(row["id"], update)
                set_attributes(self.db, row["id"], entry.attributes)
                applied.append({"document_id": row["id"], "file": entry.file})
        return applied

    # search and summary
    def search(self, query: str, limit: int = 50, doc_type: str | None = None, speaker: str | None = None,
               document: int | str | None = None, attributes: dict[str, str] | None = None) -> list[dict]:
        doc_id = docs.resolve_document(self.db, document)["id"] if document is not None else None
        return search_segments(self.db, query, limit, doc_type, speaker, doc_id, attributes)

    def summary(self) -> dict[str, Any]:
        """Counts of documents by type, segments, speakers, words and attributes."""
        q = self.db.query
        by_type = {r["type"]: r["n"] for r in q("SELECT type, count(*) AS n FROM documents GROUP BY type ORDER BY type")}
        totals = next(q("SELECT count(*) AS documents, coalesce(sum(word_count), 0) AS words FROM documents"))
        segments = next(q("SELECT count(*) AS n FROM segments"))["n"]
        attrs = {r["name"]: r["n"] for r in q("SELECT name, count(DISTINCT value) AS n FROM attributes GROUP BY name ORDER BY name")}
        with_warnings = next(q("SELECT count(*) AS n FROM documents WHERE warnings != '[]'"))["n"]
        return {"project": str(self.path), **totals, "segments": segments, "documents_by_type": by_type,
                "attributes": attrs, "documents_with_warnings": with_warnings}


def open_project(path: str | os.PathLike | None = None, create: bool = True) -> Project:
    """Open (and create or migrate) a project file."""
    return Project(path, create=create)
