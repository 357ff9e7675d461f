"""The ingest batch: walk paths, read each file, build segments, store atomically.

One file's failure never stops the batch: it becomes an outcome with a
one-line reason. Each document is written in one transaction.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import (
    EmptyFileError,
    FileTooLargeError,
    IngestError,
    NoTextError,
    WorkbenchError,
)
from workbench.ingest._base import ReadOptions, ReadResult
from workbench.ingest.manifest import Manifest, ManifestEntry
from workbench.ingest.readers import format_of, is_supported, reader_for
from workbench.ingest.segment import build_document
from workbench.store.documents import find_by_source, insert_document, sha256

MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass
class IngestOutcome:
    """What happened to one source file (or one survey row)."""

    path: str
    status: str  # ingested | duplicate | failed | skipped
    document_id: int | None = None
    title: str | None = None
    type: str | None = None
    segments: int = 0
    error: str | None = None
    hint: str | None = None
    warnings: list[str] = field(default_factory=list)
    part: str = ""
    detail: str | None = None  # traceback of an unexpected error


@dataclass
class SourceFile:
    path: Path
    root: Path | None  # the folder given on the command line, if any
    explicit: bool  # named on the command line (unsupported types fail, not skip)


def iter_sources(paths: Iterable[str | os.PathLike], exclude: set[Path] = frozenset()) -> Iterator[SourceFile | IngestOutcome]:
    """Files under the given paths in sorted order; unreadable folders become outcomes."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, exclude)
        elif path.resolve() not in exclude:
            yield SourceFile(path, None, True)


def _walk(root: Path, exclude: set[Path]) -> Iterator[SourceFile | IngestOutcome]:
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if name.startswith((".", "~$")) or path.resolve() in exclude:
                continue
            yield SourceFile(path, root, False)
    for err in errors:
        yield IngestOutcome(str(err.filename), "failed", error=f"{err.filename}: cannot open folder ({err.strerror})")


def ingest_paths(
    db,
    paths: Iterable[str | os.PathLike],
    doc_type: str | None = None,
    manifest: Manifest | None = None,
    options: ReadOptions | None = None,
    progress: Callable[[str], None] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> list[IngestOutcome]:
    """Ingest files and folders (recursively); returns one outcome per file or survey row."""
    options = options or ReadOptions()
    exclude = _project_files(db) | ({manifest.path.resolve()} if manifest else set())
    outcomes: list[IngestOutcome] = []
    for item in list(iter_sources(paths, exclude)):
        if isinstance(item, IngestOutcome):
            outcomes.append(item)
            continue
        if progress:
            progress(str(item.path))
        if not item.explicit and not is_supported(item.path):
            outcomes.append(IngestOutcome(str(item.path), "skipped",
                                          error=f"{item.path.name}: unsupported file type, skipped"))
            continue
        entry = manifest.lookup(item.path, item.root) if manifest else None
        outcomes.extend(ingest_file(db, item.path, doc_type, entry, options, max_bytes))
    return outcomes


def _project_files(db) -> set[Path]:
    """The project file and its WAL companions, never ingested as sources."""
    files = set()
    for _, schema, filename in db.execute("PRAGMA database_list").fetchall():
        if schema == "main" and filename:
            files |= {Path(filename + suffix).resolve() for suffix in ("", "-wal", "-shm", "-journal")}
    return files


def ingest_file(db, path: Path, doc_type: str | None = None, entry: ManifestEntry | None = None,
                options: ReadOptions | None = None, max_bytes: int = MAX_FILE_BYTES) -> list[IngestOutcome]:
    """Ingest one file; never raises for bad input, returns outcomes instead."""
    options = options or ReadOptions()
    try:
        return _ingest_file(db, Path(path), doc_type, entry, options, max_bytes)
    except WorkbenchError as exc:
        return [IngestOutcome(str(path), "failed", error=exc.message, hint=exc.hint or None)]
    except Exception as exc:  # a bug in a reader must not stop the batch
        return [IngestOutcome(str(path), "failed",
                              error=f"{Path(path).name}: internal error {exc.__class__.__name__}: {exc} "
                                    "(please report it; run with --debug for the traceback)",
                              detail=traceback.format_exc())]


def read_source(path: Path, options: ReadOptions, max_bytes: int) -> tuple[bytes, list[ReadResult]]:
    """The file's bytes and what its reader makes of them."""
    name = path.name
    fmt = format_of(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FileTooLargeError(f"{name}: {size / 1e6:.0f} MB is over the {max_bytes / 1e6:.0f} MB limit")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise IngestError(f"{name}: file not found (moved or deleted before it was read)",
                          hint="check the path and run the ingest again") from exc
    except IsADirectoryError as exc:
        raise IngestError(f"{name}: is a folder") from exc
    except OSError as exc:
        raise IngestError(f"{name}: cannot read ({exc.strerror})", hint="check the file's permissions") from exc
    if not data:
        raise EmptyFileError(f"{name}: empty file (0 bytes){', no cues' if fmt in ('vtt', 'srt') else ''}")
    results = reader_for(path).read(data, name, options)
    return data, results if isinstance(results, list) else [results]


def _ingest_file(db, path, doc_type, entry, options, max_bytes) -> list[IngestOutcome]:
    data, results = read_source(path, options, max_bytes)
    source_sha = sha256(data)
    fmt = format_of(path)
    existing = find_by_source(db, source_sha, results[0].part if results else "")
    if existing:
        return [IngestOutcome(str(path), "duplicate", existing["id"], existing["title"],
                              error=f"{path.name}: already ingested as document {existing['id']} ({existing['title']})")]
    if not results:
        raise NoTextError(f"{path.name}: no text found")
    outcomes = []
    for result in results:
        if find_by_source(db, source_sha, result.part):
            continue
        outcomes.append(_store_result(db, path, fmt, source_sha, result, doc_type, entry))
    return outcomes


def _store_result(db, path: Path, fmt: str, source_sha: str, result: ReadResult,
                  doc_type: str | None, entry: ManifestEntry | None) -> IngestOutcome:
    given_type = doc_type or (entry.type if entry else None) or result.doc_type
    expect_turns = {"interview": True, "focus_group": True, "document": False, "survey": False}.get(given_type or "")
    built = build_document(result.blocks, join_lines=(fmt == "pdf"), expect_turns=expect_turns)
    if not built.text.strip():
        raise NoTextError(f"{path.name}{' ' + result.part if result.part else ''}: no text found"
                          + (" (" + "; ".join(result.warnings) + ")" if result.warnings else ""))
    if result.part:  # a survey row: the file's title plus the respondent
        title = f"{entry.title if entry and entry.title else path.stem} – {result.title or result.part}"
    else:
        title = (entry.title if entry and entry.title else None) or result.title or path.stem
    warnings = list(result.warnings)
    record = {
        "title": " ".join(title.split())[:300],
        "type": given_type or built.inferred_type,
        "type_inferred": int(given_type is None),
        "format": fmt,
        "source_path": str(path.resolve()),
        "file_name": path.name,
        "source_part": result.part,
        "source_sha256": source_sha,
        "text": built.text,
        "warnings": warnings,
        "metadata": {**result.metadata, "speakers": built.speakers},
    }
    attributes = {**(entry.attributes if entry else {}), **result.attributes}
    doc_id = insert_document(db, record, built.segments, attributes, result.memos)
    return IngestOutcome(str(path), "ingested", doc_id, record["title"], record["type"],
                         len(built.segments), warnings=warnings, part=result.part)
