"""Parallel ingest: worker processes read and segment files; this process stores them, in order.

SQLite has one writer, so storing stays here; reading, decoding and segmenting (most of the
work) spread over the workers. A bounded window of files in flight keeps memory flat.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

from workbench.ingest._base import ReadOptions
from workbench.ingest.pipeline import (
    IngestOutcome,
    PreparedFile,
    prepare_file,
    store_prepared,
)

WINDOW_PER_WORKER = 8


def ingest_in_workers(db, tasks: Iterator, doc_type: str | None, options: ReadOptions, max_bytes: int,
                      workers: int, progress: Callable[[str], None] | None,
                      emit: Callable[[IngestOutcome], None]) -> None:
    """Ingest (SourceFile, entry) tasks with `workers` processes; outcomes go to `emit` in input order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: children never inherit this process's open SQLite connection or threads
    context = multiprocessing.get_context("spawn")
    window: deque = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        try:
            for task in tasks:
                window.append(task if isinstance(task, IngestOutcome) else
                              (task, _submit(pool, task, doc_type, options, max_bytes)))
                while len(window) > workers * WINDOW_PER_WORKER:
                    _store_next(db, window.popleft(), doc_type, progress, emit)
            while window:
                _store_next(db, window.popleft(), doc_type, progress, emit)
        except BaseException:
            for item in window:
                if not isinstance(item, IngestOutcome):
                    item[1].cancel()
            raise


def _submit(pool, task, doc_type, options, max_bytes):
    """Hand a file to a worker; once the pool is broken (a worker was killed), prepare it here instead."""
    source, entry = task
    try:
        return pool.submit(prepare_file, source.path, doc_type, entry, options, max_bytes)
    except BrokenProcessPool:
        done: Future = Future()
        done.set_result(prepare_file(source.path, doc_type, entry, options, max_bytes))
        return done


def _store_next(db, item, doc_type, progress, emit) -> None:
    if isinstance(item, IngestOutcome):
        emit(item)
        return
    (source, entry), future = item
    if progress:
        progress(str(source.path))
    try:
        prepared = future.result()
    except Exception as exc:  # noqa: BLE001 -- a worker that died (out of memory, killed) fails its file, not the batch
        from workbench.errors import IngestError
        from workbench.ingest.pipeline import failed_outcome

        if isinstance(exc, BrokenProcessPool):
            exc = IngestError(f"{source.path.name}: a worker process stopped while this file was being read "
                              "(killed, or out of memory)", hint="ingest it again; alone, or with --workers 1")
        prepared = [failed_outcome(source.path, exc)]
    outcomes = store_prepared(db, prepared, doc_type, entry) if isinstance(prepared, PreparedFile) else prepared
    for outcome in outcomes:
        emit(outcome)
