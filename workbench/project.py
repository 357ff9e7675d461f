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
               text_column: str | None = None, progress=None, pseudonymiser=None, workers: int = 0,
               max_file_mb: float | None = None, on_outcome=None):
        """Ingest files and folders; returns a list of IngestOutcome.

        pseudonymiser (see `Project.pseudonymiser`): names are replaced before anything is stored.
        workers: processes that read and segment files (0 = every core for large batches);
        on_outcome: called with each outcome instead of collecting them (flat memory for huge batches).
        """
        from workbench.ingest.manifest import load_manifest
        from workbench.ingest.pipeline import MAX_FILE_BYTES, ingest_paths

        if doc_type:
            if doc_type not in docs.DOCUMENT_TYPES:
                from workbench.errors import InvalidValueError

                raise InvalidValueError(f"unknown document type {doc_type!r}",
                                     hint="types: " + ", ".join(docs.DOCUMENT_TYPES))
        options = ReadOptions(password=password, time_limit=time_limit,
                              survey_mode=survey_mode, text_column=text_column)
        loaded = load_manifest(manifest) if manifest else None
        max_bytes = int(max_file_mb * 1024 * 1024) if max_file_mb else MAX_FILE_BYTES
        return ingest_paths(self.db, paths, doc_type, loaded, options, progress, max_bytes,
                            pseudonymiser=pseudonymiser, workers=workers, on_outcome=on_outcome)

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
    def load_codebook(self, path: str | os.PathLike, examples: str | os.PathLike | None = None) -> dict[str, Any]:
        """Validate a codebook file and add (or update) its codes in the project, with its training
        examples (`examples`, else `<name>.examples.yaml` beside the codebook when present); all or nothing."""
        from workbench.codebook.codebook_file import load_codebook_file
        from workbench.codebook.examples_file import companion_path, load_examples_file
        from workbench.store.codes import load_codebook
        from workbench.store.database import writing
        from workbench.store.examples import replace_examples

        codebook = load_codebook_file(path)
        examples_path = Path(examples) if examples else companion_path(path)
        loaded = None
        if examples or examples_path.is_file():
            known = {c.id for c, _ in codebook.walk()} | {r[0] for r in self.db.execute("SELECT id FROM codes")}
            loaded = load_examples_file(examples_path, known)
        with writing(self.db):
            result = load_codebook(self.db, codebook, str(Path(path).resolve()))
            if loaded is not None:
                replace_examples(self.db, codebook.name, loaded, str(examples_path.resolve()))
        result["training_examples"] = len(loaded) if loaded is not None else 0
        result["examples_file"] = str(examples_path) if loaded is not None else None
        return result

    def load_training_examples(self, path: str | os.PathLike, codebook: str | None = None) -> int:
        """Replace a codebook's training examples with the passages of a file; returns how many."""
        from workbench.codebook.examples_file import load_examples_file
        from workbench.store.codes import resolve_codebook
        from workbench.store.examples import replace_examples

        name = resolve_codebook(self.db, codebook)["name"]
        known = {r[0] for r in self.db.execute("SELECT id FROM codes")}
        return replace_examples(self.db, name, load_examples_file(path, known), str(Path(path).resolve()))

    def training_examples(self, codebook: str | None = None) -> list[dict[str, Any]]:
        """The labelled passages that train the semantic classifier besides the project's codings."""
        from workbench.store.examples import list_examples

        return list_examples(self.db, codebook)

    def codes(self) -> list[dict[str, Any]]:
        """Every code in tree order with depth, parent and coding count."""
        from workbench.store.codes import code_rows

        return code_rows(self.db)

    def export_codebook(self, name: str | None = None) -> str:
        """The project's codebook as YAML text."""
        from workbench.codebook.codebook_file import codebook_to_yaml
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

        With both, a suggestion stands where rules and the classifier agree on its theme (see
        `workbench.autocode.combine`); the pending ones that fall short are withdrawn.

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
                                                  include_interviewer=include_interviewer,
                                                  keep_theme_scores=method == "both")
        if method == "both":
            from workbench.autocode.combine import withdraw_unsupported

            result["withdrawn"] = withdraw_unsupported(self.db, result["semantic"].pop("theme_scores", {}), doc_ids)
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
        from workbench.coding.queries import excerpts

        return excerpts(self.db, code, with_subcodes, coder, doc_type, attributes, speaker)

    def matrix(self, cols: str = "document", count: str = "segments", coder: str | None = None, rollup: bool = True):
        """Codes x documents / document types / attribute values (`attribute:NAME`), as a DataFrame."""
        from workbench.coding.queries import matrix

        return matrix(self.db, cols, count, coder, rollup)

    def cooccurrence(self, unit: str = "segment", coder: str | None = None, rollup: bool = False):
        """Codes x codes: segments (or documents) carrying both."""
        from workbench.coding.queries import cooccurrence

        return cooccurrence(self.db, unit, coder, rollup)

    def agreement(self, coder_a: str, coder_b: str, unit: str = "segment", codes: list[str] | None = None,
                  skip_uncoded: bool = False, with_subcodes: bool = False) -> dict[str, Any]:
        """Percent agreement, Cohen's kappa and Krippendorff's alpha between two coders, with disagreements."""
        from workbench.coding.agreement import agreement

        return agreement(self.db, coder_a, coder_b, unit, codes, skip_uncoded, with_subcodes)

    def evaluate(self, gold_path=None, gold_coder: str | None = None, coder: str | None = None,
                 method: str | None = None, split: str | None = None) -> dict[str, Any]:
        """Precision/recall/F1 of suggestions (or a coder) against a gold file or coder, per code and theme."""
        from workbench.autocode.evaluate import evaluate

        return evaluate(self.db, gold_path, gold_coder, coder, method, split)

    # search and summary
    def search(self, query: str, limit: int = 50, doc_type: str | None = None, speaker: str | None = None,
               document: int | str | None = None, attributes: dict[str, str] | None = None,
               order: str = "document") -> list[dict]:
        """Full-text search (FTS5 syntax); hits in document order, or best first with order="relevance"."""
        doc_id = docs.resolve_document(self.db, document)["id"] if document is not None else None
        return search_segments(self.db, query, limit, doc_type, speaker, doc_id, attributes, order)

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

    # maintenance
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

    # topics (workbench.topics) -- methods for topic runs go below this line
    def fit_topics(self, name: str | None = None, embedder: str = "minilm", min_topic_size: int = 10,
                   n_topics: int | None = None, clusterer: str = "auto", filters=None,
                   include_interviewer: bool = False, reduce_outliers: bool = False, min_words: int = 3,
                   seed: int = 42, stop_words: list[str] | None = None, replace: bool = False,
                   progress=None) -> dict[str, Any]:
        """Fit a topic model over segments and store it as a named run (filters: ["KEY=VALUE", ...] or a dict)."""
        from workbench.topics._base import FitParams
        from workbench.topics.fit import fit_topics

        params = FitParams(embedder=embedder, clusterer=clusterer, min_topic_size=min_topic_size, n_topics=n_topics,
                           reduce_outliers=reduce_outliers, min_words=min_words, seed=seed,
                           extra_stop_words=list(stop_words or []))
        return fit_topics(self.db, self.path, name, params, filters, include_interviewer, replace, progress)

    def topic_runs(self) -> list[dict[str, Any]]:
        """Every stored topic run with its parameters and counts."""
        from workbench.topics.runs import list_runs

        return list_runs(self.db)

    def topic_run(self, run: str | int) -> dict[str, Any]:
        """A topic run by name or id, with its topics (words, keywords, size, representative segments)."""
        from workbench.topics.runs import get_run, run_topics

        found = get_run(self.db, run)
        return {**found, "topics": run_topics(self.db, found["id"])}

    def topic_assignments(self, run: str | int) -> list[dict[str, Any]]:
        """The topic (and score) of every segment of a run."""
        from workbench.topics.runs import assignments, get_run

        return assignments(self.db, get_run(self.db, run)["id"])

    def delete_topic_run(self, run: str | int) -> dict[str, Any]:
        from workbench.topics.runs import delete_run

        return delete_run(self.db, self.path, run)

    def topics_by_codes(self, run: str | int, coder: str | None = None, min_coverage: float = 0.2) -> dict[str, Any]:
        """How each topic's segments are coded; topics below min_coverage are themes the codebook misses."""
        from workbench.topics.compare import topics_by_codes
        from workbench.topics.runs import get_run

        return topics_by_codes(self.db, get_run(self.db, run), coder, min_coverage)

    def topics_by_attribute(self, run: str | int, name: str) -> dict[str, Any]:
        """Topics x values of a document attribute, or of the document type with name='type'."""
        from workbench.topics.compare import topics_by_attribute
        from workbench.topics.runs import get_run

        return topics_by_attribute(self.db, get_run(self.db, run), name)

    def topics_over_time(self, run: str | int, attribute: str | None = None, freq: str = "year") -> dict[str, Any]:
        """Topics x periods (year, quarter, month) of a date attribute of the documents."""
        from workbench.topics.compare import topics_over_time
        from workbench.topics.runs import get_run

        return topics_over_time(self.db, get_run(self.db, run), attribute, freq)

    def promote_topic(self, run: str | int, topic: int, parent: str | None = None, code_id: str | None = None,
                      label: str | None = None, examples: int = 3) -> dict[str, Any]:
        """Turn a topic into a draft code under parent; its segments become suggestions (source topic:RUN:TOPIC)."""
        from workbench.topics.promote import promote_topic
        from workbench.topics.runs import get_run

        return promote_topic(self.db, get_run(self.db, run), topic, parent, code_id, label, examples)

    def apply_topics(self, run: str | int, progress=None) -> dict[str, Any]:
        """Give segments ingested since the run was fitted the topic of the saved model."""
        from workbench.topics.apply import apply_topics
        from workbench.topics.runs import get_run

        return apply_topics(self.db, self.path, get_run(self.db, run), progress)

    def topic_figure(self, run: str | int, kind: str = "barchart", by: str = "type", top_n: int = 8):
        """A plotly figure of a run: barchart, heatmap (by an attribute), time, distance or hierarchy."""
        from workbench.topics.figures import topic_figure
        from workbench.topics.runs import get_run

        return topic_figure(self.db, self.path, get_run(self.db, run), kind, by, top_n)

    def topic_coherence(self, run: str | int) -> dict[str, Any]:
        """NPMI coherence of a run's topic words over the segments it was fitted on."""
        from workbench.topics.coherence import npmi
        from workbench.topics.runs import get_run, run_topics

        found = get_run(self.db, run)
        texts = [r["text"] for r in self.db.query(
            "SELECT s.text FROM segment_topics t JOIN segments s ON s.id = t.segment_id WHERE t.run_id = ?",
            [found["id"]])]
        words = [[w for w, _ in t["words"]] for t in run_topics(self.db, found["id"], with_text=False)
                 if t["topic"] != -1]
        return npmi(texts, words)

    # exports and REFI-QDA (workbench.export) -- methods for exports and imports go below this line
    def pseudonymiser(self, mapping: str | os.PathLike | None = None, terms: str | os.PathLike | None = None,
                      use_model: bool = True, categories=("person", "org", "place")):
        """A Pseudonymiser primed with a mapping CSV (always wins), a terms list and the project's
        speaker names and name-like attributes (e.g. interviewer)."""
        from workbench.privacy.pseudonymise import (
            Pseudonymiser,
            read_mapping,
            read_terms,
        )

        pseudonymiser = Pseudonymiser(read_mapping(mapping) if mapping else None,
                                      read_terms(terms) if terms else None, use_model, categories)
        for row in self.db.query("SELECT name_sha256, replacement, category FROM pseudonyms ORDER BY rowid"):
            pseudonymiser.add_known(row["name_sha256"], row["replacement"], row["category"])
        pseudonymiser.learn_speakers(r["speaker"] for r in self.db.query(
            "SELECT DISTINCT speaker FROM segments WHERE speaker IS NOT NULL ORDER BY speaker"))
        for row in self.db.query("SELECT name, value FROM attributes ORDER BY document_id, name"):
            pseudonymiser.learn_attributes({row["name"]: row["value"]})
        return pseudonymiser

    def excerpt_table(self, code: str | None = None, with_subcodes: bool = True, coder: str | None = None,
                      doc_type: str | None = None, attributes: dict[str, str] | None = None,
                      speaker: str | None = None, pseudonymiser=None):
        """The excerpt export table (one row per coding, fixed columns, attributes sorted) as a DataFrame."""
        from workbench.export.excerpts import excerpt_table

        return excerpt_table(self.db, code, with_subcodes, coder, doc_type, attributes, speaker, pseudonymiser)

    def export_excerpts(self, output: str | os.PathLike, fmt: str = "csv", code: str | None = None,
                        with_subcodes: bool = True, coder: str | None = None, doc_type: str | None = None,
                        attributes: dict[str, str] | None = None, speaker: str | None = None,
                        pseudonymiser=None) -> dict[str, Any]:
        """Write coded excerpts to CSV or XLSX (a summary sheet and one sheet per top-level code)."""
        from workbench.errors import ExportError
        from workbench.export.excerpts import to_csv, to_xlsx
        from workbench.export.refi_common import write_file

        if fmt not in ("csv", "xlsx"):
            raise ExportError(f"unknown excerpt format {fmt!r}", hint="csv or xlsx")
        frame = self.excerpt_table(code, with_subcodes, coder, doc_type, attributes, speaker, pseudonymiser)
        write_file(output, to_csv(frame) if fmt == "csv" else to_xlsx(self.db, frame))
        return {"path": str(output), "format": fmt, "rows": len(frame),
                "replacements": pseudonymiser.report() if pseudonymiser is not None else None}

    def briefing(self, codes: list[str] | None = None, max_quotes: int | None = 5, select: str = "longest",
                 picked: list[int] | None = None, coder: str | None = None, doc_type: str | None = None,
                 attributes: dict[str, str] | None = None, speaker: str | None = None,
                 by=("region", "role"), max_quote_chars: int | None = 700, title: str | None = None,
                 pseudonymiser=None):
        """The content of a briefing per theme: definition, counts by region/firm type, chosen quotations."""
        from workbench.export.briefing import build_briefing

        return build_briefing(self.db, codes, max_quotes, select, picked, coder, doc_type, attributes, speaker,
                              by, max_quote_chars, title or f"Briefing: {self.path.stem}", pseudonymiser)

    def export_briefing(self, output: str | os.PathLike, fmt: str = "md", **options) -> dict[str, Any]:
        """Write a briefing as Markdown, DOCX or HTML; options are those of `briefing`."""
        from workbench.errors import ExportError
        from workbench.export.refi_common import project_time, write_file

        if fmt not in ("md", "docx", "html"):
            raise ExportError(f"unknown briefing format {fmt!r}", hint="md, docx or html")
        briefing = self.briefing(**options)
        if fmt == "md":
            from workbench.export.briefing_md import render_markdown

            data = render_markdown(briefing).encode("utf-8")
        elif fmt == "html":
            from workbench.export.briefing_html import render_html

            data = render_html(briefing).encode("utf-8")
        else:
            from workbench.export.briefing_docx import render_docx

            data = render_docx(briefing, project_time(self.db))
        write_file(output, data)
        return {"path": str(output), "format": fmt, "themes": [t.code_id for t in briefing.themes],
                "quotes": sum(len(t.quotes) for t in briefing.themes),
                "replacements": briefing.replacements if options.get("pseudonymiser") is not None else None}

    def export_qdpx(self, output: str | os.PathLike, name: str | None = None) -> dict[str, Any]:
        """Write the whole project as a REFI-QDA .qdpx (GUIDs stable across exports of this project)."""
        from workbench.export.refi_common import write_file
        from workbench.export.refi_export import export_qdpx

        data = export_qdpx(self.db, name or self.path.stem)
        write_file(output, data)
        counts = next(self.db.query("SELECT (SELECT count(*) FROM documents) AS sources, "
                                    "(SELECT count(*) FROM codes) AS codes, (SELECT count(*) FROM codings) AS codings"))
        return {"path": str(output), "bytes": len(data), **counts}

    def export_qdc(self, output: str | os.PathLike, name: str | None = None) -> dict[str, Any]:
        """Write the code tree as a REFI-QDA .qdc codebook."""
        from workbench.export.refi_common import write_file
        from workbench.export.refi_export import export_qdc

        data = export_qdc(self.db, name or self.path.stem)
        write_file(output, data)
        return {"path": str(output), "bytes": len(data), "codes": len(self.codes())}

    def import_refi(self, path: str | os.PathLike, kind: str = "qdpx") -> dict[str, Any]:
        """Import a .qdpx project or .qdc codebook from another QDA tool in one transaction; returns a report
        of what was imported, what was adapted and which codings could not be mapped."""
        from workbench.export.refi_import import import_refi

        return import_refi(self.db, path, kind)

    # app and serving -- methods the app needs go below this line
    def pending_count(self) -> int:
        """How many suggestions wait for a decision (the Project page's counter)."""
        return next(self.db.query("SELECT count(*) AS n FROM suggestions WHERE status = 'pending'"))["n"]

    def code_segments(self, segment_ids: list[int], code_id: str, coder: str, memo: str | None = None) -> list[int]:
        """Code whole segments with one code in one transaction (all or nothing); returns the coding ids."""
        from workbench.store.codings import code_spans, segment_span

        spans = [segment_span(self.db, i) for i in segment_ids]
        items = [(s["document_id"], s["start"], s["end"], code_id, memo, "manual", None) for s in spans]
        return code_spans(self.db, items, coder) if items else []


def open_project(path: str | os.PathLike | None = None, create: bool = True) -> Project:
    """Open (and create or migrate) a project file."""
    return Project(path, create=create)
