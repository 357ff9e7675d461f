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

    # codebook
    def load_codebook(self, path: str | os.PathLike) -> dict[str, Any]:
        """Validate a codebook file and add (or update) its codes in the project."""
        from workbench.codebook import load_codebook_file
        from workbench.store.codes import load_codebook

        return load_codebook(self.db, load_codebook_file(path), str(Path(path).resolve()))

    def codes(self) -> list[dict[str, Any]]:
        """Every code in tree order with depth, parent and coding count."""
        from workbench.store.codes import code_rows

        return code_rows(self.db)

    def export_codebook(self, name: str | None = None) -> str:
        """The project's codebook as YAML text."""
        from workbench.codebook import codebook_to_yaml
        from workbench.store.codes import export_codebook

        return codebook_to_yaml(export_codebook(self.db, name))

    def add_code(self, code_id: str, label: str, parent: str | None = None, **fields) -> None:
        from workbench.store.codes import add_code

        add_code(self.db, code_id, label, parent, **fields)

    def update_code(self, code_id: str, **fields) -> None:
        from workbench.store.codes import update_code

        update_code(self.db, code_id, **fields)

    def move_code(self, code_id: str, new_parent: str | None) -> None:
        from workbench.store.codes import move_code

        move_code(self.db, code_id, new_parent)

    def merge_codes(self, source: str, target: str) -> int:
        from workbench.store.codes import merge_codes

        return merge_codes(self.db, source, target)

    def delete_code(self, code_id: str, codings: str = "refuse") -> int:
        from workbench.store.codes import delete_code

        return delete_code(self.db, code_id, codings)

    # coding
    def add_coder(self, name: str) -> str:
        from workbench.store.codings import add_coder

        return add_coder(self.db, name)

    def coders(self) -> list[dict[str, Any]]:
        from workbench.store.codings import list_coders

        return list_coders(self.db)

    def code(self, document: int | str, start: int, end: int, code_id: str, coder: str,
             memo: str | None = None, source: str = "manual") -> int:
        """Code a span of a document; returns the coding id."""
        from workbench.store.codings import code_span

        return code_span(self.db, document, start, end, code_id, coder, memo, source)

    def code_segment(self, segment_id: int, code_id: str, coder: str, memo: str | None = None) -> int:
        """Code a whole segment (turn or paragraph)."""
        from workbench.store.codings import code_span, segment_span

        seg = segment_span(self.db, segment_id)
        return code_span(self.db, seg["document_id"], seg["start"], seg["end"], code_id, coder, memo)

    def uncode(self, coding_id: int) -> dict[str, Any]:
        from workbench.store.codings import uncode

        return uncode(self.db, coding_id)

    def find_codings(self, **where) -> list[int]:
        from workbench.store.codings import find_codings

        return find_codings(self.db, **where)

    def codings(self, code: str | None = None, coder: str | None = None, document: int | str | None = None,
                with_subcodes: bool = False, source: str | None = None) -> list[dict[str, Any]]:
        """Codings filtered by code (optionally with its sub-codes), coder, document and source."""
        from workbench.store.codes import descendants, get_code
        from workbench.store.codings import list_codings

        code_ids = None
        if code:
            get_code(self.db, code)
            code_ids = descendants(self.db, code) if with_subcodes else [code]
        doc_id = docs.resolve_document(self.db, document)["id"] if document is not None else None
        return list_codings(self.db, code_ids, coder, doc_id, source)

    def add_memo(self, text: str, document: int | str | None = None, code: str | None = None,
                 coding: int | None = None, author: str | None = None) -> int:
        from workbench.store.codings import add_memo

        return add_memo(self.db, text, document, code, coding, author)

    def memos(self, document: int | str | None = None, code: str | None = None) -> list[dict[str, Any]]:
        from workbench.store.codings import list_memos

        doc_id = docs.resolve_document(self.db, document)["id"] if document is not None else None
        return list_memos(self.db, doc_id, code)

    # automatic suggestions
    def autocode(self, method: str = "rules", codes: list[str] | None = None, documents: list | None = None,
                 threshold: float | None = None, progress=None, include_interviewer: bool = False) -> dict[str, Any]:
        """Compute suggestions with rules, semantic similarity or both; nothing is coded until accepted.

        Interviewer and moderator turns are left out unless include_interviewer is set.
        """
        from workbench.errors import InvalidValueError

        if method not in ("rules", "semantic", "both"):
            raise InvalidValueError(f"unknown method {method!r}", hint="rules, semantic or both")
        doc_ids = [docs.resolve_document(self.db, d)["id"] for d in documents] if documents else None
        result: dict[str, Any] = {}
        if method in ("rules", "both"):
            from workbench.autocode.rules import suggest_rules

            result["rules"] = suggest_rules(self.db, codes, doc_ids, progress, include_interviewer)
        if method in ("semantic", "both"):
            from workbench.autocode.semantic import suggest_semantic

            result["semantic"] = suggest_semantic(self.db, codes, doc_ids, threshold, progress,
                                                  include_interviewer=include_interviewer)
        return result

    def suggestions(self, status: str | None = "pending", code: str | None = None, min_score: float | None = None,
                    document: int | str | None = None, method: str | None = None,
                    limit: int | None = None) -> list[dict[str, Any]]:
        from workbench.autocode.suggestions import list_suggestions

        doc_id = docs.resolve_document(self.db, document)["id"] if document is not None else None
        return list_suggestions(self.db, status, code, min_score, doc_id, method, limit)

    def accept(self, ids: list[int], coder: str) -> list[int]:
        """Turn suggestions into codings by this coder; returns the coding ids."""
        from workbench.autocode.suggestions import accept

        return accept(self.db, ids, coder)

    def accept_where(self, coder: str, code: str | None = None, min_score: float | None = None,
                     method: str | None = None) -> list[int]:
        from workbench.autocode.suggestions import accept_where

        return accept_where(self.db, coder, code, min_score, method)

    def reject(self, ids: list[int], coder: str) -> int:
        from workbench.autocode.suggestions import reject

        return reject(self.db, ids, coder)

    def reject_where(self, coder: str, code: str | None = None, max_score: float | None = None,
                     method: str | None = None) -> int:
        """Reject every pending suggestion of a code (optionally only those scoring below max_score)."""
        from workbench.autocode.suggestions import list_suggestions, reject

        ids = [r["id"] for r in list_suggestions(self.db, "pending", code, None, None, method)
               if max_score is None or r["score"] < max_score]
        return reject(self.db, ids, coder) if ids else 0

    # queries
    def excerpts(self, code: str | None = None, with_subcodes: bool = True, coder: str | None = None,
                 doc_type: str | None = None, attributes: dict[str, str] | None = None, speaker: str | None = None):
        """Coded excerpts as a pandas DataFrame (one row per coding, attributes as columns)."""
        from workbench.queries import excerpts

        return excerpts(self.db, code, with_subcodes, coder, doc_type, attributes, speaker)

    def matrix(self, cols: str = "document", count: str = "segments", coder: str | None = None, rollup: bool = True):
        """Codes x documents / document types / attribute values (`attribute:NAME`), as a DataFrame."""
        from workbench.queries import matrix

        return matrix(self.db, cols, count, coder, rollup)

    def cooccurrence(self, unit: str = "segment", coder: str | None = None, rollup: bool = False):
        """Codes x codes: segments (or documents) carrying both."""
        from workbench.queries import cooccurrence

        return cooccurrence(self.db, unit, coder, rollup)

    def agreement(self, coder_a: str, coder_b: str, unit: str = "segment", codes: list[str] | None = None,
                  skip_uncoded: bool = False, with_subcodes: bool = False) -> dict[str, Any]:
        """Percent agreement, Cohen's kappa and Krippendorff's alpha between two coders, with disagreements."""
        from workbench.agreement import agreement

        return agreement(self.db, coder_a, coder_b, unit, codes, skip_uncoded, with_subcodes)

    def evaluate(self, gold_path=None, gold_coder: str | None = None, coder: str | None = None,
                 method: str | None = None, split: str | None = None) -> dict[str, Any]:
        """Precision/recall/F1 of suggestions (or a coder) against a gold file or coder, per code and theme."""
        from workbench.autocode.evaluate import evaluate

        return evaluate(self.db, gold_path, gold_coder, coder, method, split)

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

    # topics (workbench.topics) -- methods for topic runs go below this line

    # exports and REFI-QDA (workbench.export) -- methods for exports and imports go below this line

    # app and serving -- methods the app needs go below this line


def open_project(path: str | os.PathLike | None = None, create: bool = True) -> Project:
    """Open (and create or migrate) a project file."""
    return Project(path, create=create)
