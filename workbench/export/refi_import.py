"""Import a REFI-QDA project or codebook into a workbench project, in one transaction."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from workbench.errors import RefiError, WorkbenchError
from workbench.export.refi_common import slug
from workbench.export.refi_export import DATETIME_RE, TYPE_VARIABLE
from workbench.export.refi_read import RefiCode, RefiProject, read_qdc, read_qdpx
from workbench.store.changes import record_change, unrecorded
from workbench.store.codes import add_codebook, child_codes_by_label, code_ids, insert_code, next_position
from workbench.store.codings import add_coder, code_spans, coding_count, import_memo, set_created_at

MAX_UNMAPPED_LISTED = 200
UNKNOWN_CODER = "imported"


def read_refi(path: str | Path, kind: str) -> tuple[RefiProject, bytes]:
    """Read and parse a .qdpx or .qdc file; any damage is one RefiError."""
    from workbench.files.archive import describe

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RefiError(f"{path}: cannot read ({exc.strerror or exc})", hint="check the path") from exc
    if not data:
        raise RefiError(f"{path.name}: empty file")
    try:
        return (read_qdpx(data, path.name) if kind == "qdpx" else read_qdc(data, path.name)), data
    except (WorkbenchError, MemoryError):
        raise
    except Exception as exc:  # lxml, zipfile and structure failures in a damaged file
        raise RefiError(f"{path.name}: damaged REFI-QDA file ({describe(exc)})") from exc


class _Importer:
    """Writes a parsed REFI project into the store; the caller holds the transaction."""

    def __init__(self, db, refi: RefiProject, source_path: str):
        self.db = db
        self.refi = refi
        self.source_path = source_path
        self.code_ids: dict[str, str] = {}
        self.taken = code_ids(db)
        self.report = {"codes_added": 0, "codes_reused": 0, "documents_added": 0, "documents_reused": 0,
                       "codings": 0, "codings_adapted": 0, "unmapped": [], "memos": 0,
                       "warnings": list(refi.warnings)}

    def codebook(self, name: str) -> str:
        book = slug(name, "refi")
        add_codebook(self.db, book, name, self.source_path)
        return book

    def codes(self, codes: list[RefiCode], book: str, parent: str | None = None) -> None:
        from workbench.store.code_records import COLOR_RE, Code

        existing = child_codes_by_label(self.db, parent)
        position = next_position(self.db, parent)
        for code in codes:
            if code.name in existing:
                code_id = existing[code.name]
                self.report["codes_reused"] += 1
            else:
                code_id = base = slug(code.name)
                n = 2
                while code_id in self.taken:
                    code_id, n = f"{base}_{n}", n + 1
                self.taken.add(code_id)
                color = code.color if code.color and COLOR_RE.match(code.color) else None
                if code.color and not color:
                    self.report["warnings"].append(f"code {code.name!r}: colour {code.color!r} is not #RRGGBB; dropped")
                insert_code(self.db, Code(code_id, code.name, code.description, color=color), parent, book, position)
                position += 1
                self.report["codes_added"] += 1
            self.code_ids[code.guid] = code_id
            for note in code.notes:
                self.memo(note, code_id=code_id)
            self.codes(code.children, book, code_id)

    def coder(self, user_guid: str | None) -> str:
        name = self.refi.users.get(user_guid) if user_guid else None
        return add_coder(self.db, name or UNKNOWN_CODER)

    def memo(self, note_guid: str, document_id: int | None = None, code_id: str | None = None) -> None:
        note = self.refi.notes.get(note_guid)
        if note is None:
            return
        author = self.refi.users.get(note["user"]) if note["user"] else None
        if import_memo(self.db, note["text"], author, note["created"], document_id, code_id):
            self.report["memos"] += 1  # not when the same memo was imported (or written) before

    def sources(self) -> None:
        for source in self.refi.sources:
            doc_id, raw, stored = self.document(source)
            self.codings(source, doc_id, raw, stored)
            for note in source.notes:
                self.memo(note, document_id=doc_id)
            if source.unmappable:
                self.report["unmapped"].append({"source": source.name, "codings": source.unmappable,
                                                "why": "PDF area selections have no text positions"})

    def document(self, source):
        from workbench.ingest._base import Block
        from workbench.ingest.normalise import normalise_text
        from workbench.ingest.segment import build_document
        from workbench.store.documents import (
            DOCUMENT_TYPES,
            find_by_source,
            find_by_text,
            insert_document,
            sha256,
        )

        raw = source.text
        if "\r" in raw:
            self.report["warnings"].append(f"source {source.name!r}: CRLF (or CR) line endings; positions were "
                                           "mapped onto the text with \\n line endings")
        variables = dict(source.variables)
        doc_type = variables.pop(TYPE_VARIABLE, None)
        doc_type = doc_type if doc_type in DOCUMENT_TYPES else None
        expect = {"interview": True, "focus_group": True, "document": False, "survey": False}.get(doc_type or "")
        paragraphs = [p for p in normalise_text(raw).split("\n\n") if p.strip()]
        built = build_document([Block(p) for p in paragraphs], join_lines=False, expect_turns=expect)
        if not built.text.strip():
            self.report["warnings"].append(f"source {source.name!r} skipped: no text")
            return None, raw, ""
        part = f"refi:{source.guid}"
        existing = find_by_source(self.db, sha256(built.text), part) or find_by_text(
            self.db, sha256(built.text), source.name)
        if existing:  # imported before, or the same text already in the project (a round trip through another tool)
            self.report["documents_reused"] += 1
            return existing["id"], raw, built.text
        record = {"title": " ".join(source.name.split())[:300], "type": doc_type or built.inferred_type,
                  "type_inferred": int(doc_type is None), "format": f"refi-{source.kind}",
                  "source_path": self.source_path, "file_name": source.name, "source_part": part,
                  "source_sha256": sha256(built.text), "text": built.text, "warnings": [],
                  "metadata": {"refi_guid": source.guid, "speakers": built.speakers}}
        self.report["documents_added"] += 1
        return insert_document(self.db, record, built.segments, variables, []), raw, built.text

    def codings(self, source, doc_id, raw: str, stored: str) -> None:
        from workbench.export.refi_offsets import alignment, map_selection

        if doc_id is None:
            return
        aligned = None if raw == stored else alignment(raw, stored)
        by_coder: dict[str, list] = defaultdict(list)
        for coding in source.codings:
            code_id = self.code_ids.get(coding.code)
            if code_id is None:
                self._unmapped(source, coding, "its code is not in the codebook")
                continue
            span, how = map_selection(raw, stored, aligned, coding.start, coding.end, coding.expected)
            if span is None:
                self._unmapped(source, coding, how)
                continue
            if how:
                self.report["codings_adapted"] += 1
            memo = "\n\n".join(self.refi.notes[n]["text"] for n in coding.notes if n in self.refi.notes) or None
            by_coder[self.coder(coding.user)].append(
                ((doc_id, span[0], span[1], code_id, memo, "import", stored[span[0]:span[1]]), coding.created))
        for coder, items in by_coder.items():
            ids = code_spans(self.db, [item for item, _ in items], coder)
            for coding_id, (_, created) in zip(ids, items):
                if created and DATETIME_RE.match(created):
                    set_created_at(self.db, coding_id, created)
            self.report["codings"] += len(set(ids))

    def _unmapped(self, source, coding, why: str) -> None:
        if len(self.report["unmapped"]) < MAX_UNMAPPED_LISTED:
            self.report["unmapped"].append({"source": source.name, "start": coding.start, "end": coding.end,
                                            "text": (coding.expected or source.text[coding.start:coding.end])[:80],
                                            "why": why})


def import_refi(db, path: str | Path, kind: str = "qdpx", codebook_name: str | None = None) -> dict:
    """Import a .qdpx project or .qdc codebook; all or nothing. Returns a report of what was done and adapted."""
    from workbench.store.database import writing

    if kind not in ("qdpx", "qdc"):
        raise RefiError(f"unknown REFI-QDA kind {kind!r}", hint="qdpx (project) or qdc (codebook)")
    refi, _ = read_refi(path, kind)
    importer = _Importer(db, refi, str(Path(path).resolve()))
    before = coding_count(db)
    with writing(db):
        with unrecorded(db):  # one "import" change for the whole file, not one per row
            if refi.codes:
                importer.codes(refi.codes, importer.codebook(codebook_name or refi.name))
            if kind == "qdpx":
                importer.sources()
                for note in refi.project_notes:
                    importer.memo(note)
        summary = {k: importer.report[k] for k in ("codes_added", "documents_added", "codings", "memos")}
        record_change(db, "import", "refi", Path(path).name, None, {"summary": summary})
    report = importer.report
    unmapped = sum(u.get("codings", 1) for u in report["unmapped"])
    report.update(file=str(path), kind=kind, project=refi.name, unmapped_count=unmapped,
                  sources=len(refi.sources),
                  codings_new=coding_count(db) - before)
    report["warnings"] = list(dict.fromkeys(report["warnings"]))
    return json.loads(json.dumps(report))
