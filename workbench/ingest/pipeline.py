"""The ingest batch: walk paths, read each file, build segments, store atomically.

One file's failure never stops the batch: it becomes an outcome with a
one-line reason. Each document is written in one transaction.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
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
from workbench.ingest.titles import choose_title, is_inferred
from workbench.store.database import database_file
from workbench.store.documents import find_by_source, insert_document, sha256

MAX_FILE_BYTES = 512 * 1024 * 1024
PARALLEL_FROM = 64  # files; smaller batches are quicker in one process than starting workers


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
    """Files under the given paths in sorted order; missing paths and unreadable folders become outcomes."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, exclude)
        elif not path.exists():
            what = "is a broken link" if path.is_symlink() else "does not exist"
            yield IngestOutcome(str(path), "failed", error=f"{path}: {what}",
                                hint="check the path for typos, and the folder you run the command from")
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
    pseudonymiser=None,
    workers: int = 0,
    on_outcome: Callable[[IngestOutcome], None] | None = None,
) -> list[IngestOutcome]:
    """Ingest files and folders (recursively); returns one outcome per file or survey row.

    Files are walked lazily. With workers > 1 (0: every core when the batch has PARALLEL_FROM files or more), files are read and segmented in worker processes
    while this process stores them in order. With `on_outcome`, outcomes are handed over one by
    one and not collected, so memory stays flat however large the batch.
    """
    options = options or ReadOptions()
    exclude = _project_files(db) | ({manifest.path.resolve()} if manifest else set())
    outcomes: list[IngestOutcome] = []
    emit = on_outcome or outcomes.append

    def tasks() -> Iterator[tuple[SourceFile, ManifestEntry | None] | IngestOutcome]:
        for item in iter_sources(paths, exclude):
            if isinstance(item, IngestOutcome):
                yield item
            elif not item.explicit and not is_supported(item.path):
                yield IngestOutcome(str(item.path), "skipped", error=f"{item.path.name}: unsupported file type, skipped")
            else:
                yield item, manifest.lookup(item.path, item.root) if manifest else None

    queued = tasks()
    if workers == 0:  # automatic: every core, once the batch is large enough to repay starting workers
        head = list(islice(queued, PARALLEL_FROM))
        workers = (os.cpu_count() or 1) if len(head) == PARALLEL_FROM else 1
        queued = chain(head, queued)

    def finish(task, prepared=None, error=None) -> None:
        """Store one task's result (read here when no worker prepared it) and hand its outcomes on."""
        if isinstance(task, IngestOutcome):
            emit(task)
            return
        source, entry = task
        if progress:
            progress(str(source.path))
        if error is not None:
            outcomes = [failed_outcome(source.path, _worker_error(source.path, error))]
        elif prepared is None:
            outcomes = ingest_file(db, source.path, doc_type, entry, options, max_bytes, pseudonymiser)
        else:
            outcomes = store_prepared(db, prepared, doc_type, entry) if isinstance(prepared, PreparedFile) else prepared
        for outcome in outcomes:
            emit(outcome)

    if workers > 1 and pseudonymiser is None:
        from workbench.ingest.parallel import map_in_workers

        work = ((task, None) if isinstance(task, IngestOutcome) else
                (task, (task[0].path, doc_type, task[1], options, max_bytes)) for task in queued)
        map_in_workers(work, prepare_file, finish, workers)
    else:
        for task in queued:
            finish(task)
    return outcomes


def _worker_error(path: Path, error: Exception) -> Exception:
    """What a file's outcome says when the worker reading it failed or died."""
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(error, BrokenProcessPool):
        return IngestError(f"{path.name}: a worker process stopped while this file was being read "
                           "(killed, or out of memory)", hint="ingest it again; alone, or with --workers 1")
    return error


def printable_name(name: str) -> str:
    """A file name as storable, printable text: undecodable bytes become U+FFFD, control characters spaces."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(" " if ch.isspace() or not ch.isprintable() else ch for ch in text)


def _project_files(db) -> set[Path]:
    """The project file and its WAL companions, never ingested as sources."""
    filename = database_file(db)
    return {Path(filename + suffix).resolve() for suffix in ("", "-wal", "-shm", "-journal")} if filename else set()


def ingest_file(db, path: Path, doc_type: str | None = None, entry: ManifestEntry | None = None,
                options: ReadOptions | None = None, max_bytes: int = MAX_FILE_BYTES,
                pseudonymiser=None) -> list[IngestOutcome]:
    """Ingest one file; never raises for bad input, returns outcomes instead.

    With a pseudonymiser, names are replaced before anything is stored.
    """
    options = options or ReadOptions()
    prepared = prepare_file(Path(path), doc_type, entry, options, max_bytes)
    if isinstance(prepared, PreparedFile):
        return store_prepared(db, prepared, doc_type, entry, pseudonymiser)
    return prepared


def failed_outcome(path: Path, exc: Exception) -> IngestOutcome:
    """The outcome for a file whose reading or storing raised: its message, or an internal-error report."""
    if isinstance(exc, WorkbenchError):
        return IngestOutcome(str(path), "failed", error=exc.message, hint=exc.hint or None)
    return IngestOutcome(str(path), "failed",
                         error=f"{Path(path).name}: internal error {exc.__class__.__name__}: {exc} "
                               "(please report it; run with --debug for the traceback)",
                         detail="".join(traceback.format_exception(exc)))


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


@dataclass
class PreparedFile:
    """A file read and segmented, ready to store (made in a worker process when ingest runs in parallel)."""

    path: Path
    fmt: str
    source_sha: str
    items: list[tuple[ReadResult, object]]  # (what the reader found, its built document)


def prepare_file(path: Path, doc_type: str | None, entry: ManifestEntry | None, options: ReadOptions,
                 max_bytes: int) -> PreparedFile | list[IngestOutcome]:
    """Read and segment one file without touching the store; bad input becomes a failed outcome."""
    try:
        data, results = read_source(path, options, max_bytes)
        if not results:
            raise NoTextError(f"{path.name}: no text found")
        fmt = format_of(path)
        items = [(result, build_result(result, fmt, doc_type, entry)) for result in results]
        return PreparedFile(path, fmt, sha256(data), items)
    except Exception as exc:  # noqa: BLE001 -- a bug in a reader must not stop the batch either
        return [failed_outcome(path, exc)]


def build_result(result: ReadResult, fmt: str, doc_type: str | None, entry: ManifestEntry | None):
    """The segmented document for one reader result."""
    given_type = doc_type or (entry.type if entry else None) or result.doc_type
    expect_turns = {"interview": True, "focus_group": True, "document": False, "survey": False}.get(given_type or "")
    return build_document(result.blocks, join_lines=(fmt == "pdf"), expect_turns=expect_turns)


def store_prepared(db, prepared: PreparedFile, doc_type: str | None, entry: ManifestEntry | None,
                   pseudonymiser=None) -> list[IngestOutcome]:
    """Store a prepared file's documents (each in its own transaction); duplicates are reported, not stored."""
    path, source_sha = prepared.path, prepared.source_sha
    try:
        first_part = prepared.items[0][0].part
        existing = find_by_source(db, source_sha, first_part)
        if existing:
            return [IngestOutcome(str(path), "duplicate", existing["id"], existing["title"],
                                  error=f"{path.name}: already ingested as document {existing['id']} "
                                        f"({existing['title']})")]
        outcomes = []
        for result, built in prepared.items:
            if find_by_source(db, source_sha, result.part):
                continue
            outcomes.append(_store_result(db, path, prepared.fmt, source_sha, result, doc_type, entry,
                                          pseudonymiser, built))
        return outcomes
    except Exception as exc:  # noqa: BLE001 -- one file's failure never stops the batch
        return [failed_outcome(path, exc)]


def _store_result(db, path: Path, fmt: str, source_sha: str, result: ReadResult,
                  doc_type: str | None, entry: ManifestEntry | None, pseudonymiser, built) -> IngestOutcome:
    given_type = doc_type or (entry.type if entry else None) or result.doc_type
    if not built.text.strip():
        raise NoTextError(f"{path.name}{' ' + result.part if result.part else ''}: no text found"
                          + (" (" + "; ".join(result.warnings) + ")" if result.warnings else ""))
    if result.part:  # a survey row: the file's title plus the respondent
        title = f"{entry.title if entry and entry.title else path.stem} – {result.title or result.part}"
        title_source = "manifest" if entry and entry.title else "metadata"
    else:
        title, title_source = choose_title(entry.title if entry else None, result.title, built, path.stem)
    warnings = list(result.warnings)
    attributes = {**(entry.attributes if entry else {}), **result.attributes}
    if pseudonymiser is not None:
        from workbench.privacy.on_ingest import pseudonymise_read

        result, title, attributes = pseudonymise_read(pseudonymiser, result, title, attributes, built.speakers)
        built = build_result(result, fmt, doc_type, entry)
    record = {
        "title": " ".join(printable_name(title).split())[:300],
        "type": given_type or built.inferred_type,
        "type_inferred": int(given_type is None),
        "title_inferred": int(is_inferred(title_source)),
        "format": fmt,
        "source_path": printable_name(str(path.resolve())),
        "file_name": printable_name(path.name),
        "source_part": result.part,
        "source_sha256": source_sha,
        "text": built.text,
        "warnings": warnings,
        "metadata": {**result.metadata, "speakers": built.speakers, "title_source": title_source},
    }
    doc_id = insert_document(db, record, built.segments, attributes, result.memos)
    if pseudonymiser is not None:
        from workbench.privacy.on_ingest import store_pseudonyms

        store_pseudonyms(db, pseudonymiser)
    return IngestOutcome(str(path), "ingested", doc_id, record["title"], record["type"],
                         len(built.segments), warnings=warnings, part=result.part)
