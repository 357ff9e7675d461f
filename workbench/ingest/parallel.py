"""Work spread over worker processes, results handled here in input order.

Ingest uses it so that reading, decoding and segmenting (most of the work) run in workers while
this process, SQLite's one writer, stores the results in order. A bounded window of items in
flight keeps memory flat. The work and what happens to each result are passed in, so this module
knows nothing of files or the store.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any

WINDOW_PER_WORKER = 8


def map_in_workers(items: Iterable[tuple[Any, tuple | None]], work: Callable, finish: Callable, workers: int) -> None:
    """For each (item, args): run work(*args) in one of `workers` spawned processes, then call
    finish(item, result, error) here, in input order. Items with args None need no work and go to
    finish(item, None, None) in their place. work must be picklable (a module-level function)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: children never inherit this process's open SQLite connection or threads
    context = multiprocessing.get_context("spawn")
    window: deque = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=end_with_parent) as pool:
        try:
            for item, args in items:
                window.append((item, None if args is None else _submit(pool, work, args)))
                while len(window) > workers * WINDOW_PER_WORKER:
                    _finish_next(window.popleft(), finish)
            while window:
                _finish_next(window.popleft(), finish)
        except BaseException:
            for _, future in window:
                if future is not None:
                    future.cancel()
            raise


def end_with_parent() -> None:
    """In a worker: have the kernel end this process when the one that started it dies (Linux), so a killed
    ingest leaves no workers behind."""
    import sys

    if sys.platform.startswith("linux"):
        import ctypes
        import multiprocessing
        import os
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        parent = multiprocessing.parent_process()
        if parent is not None and os.getppid() != parent.pid:  # it died before the request took effect
            os._exit(1)


def _submit(pool, work, args) -> Future:
    """Hand work to a process; once the pool is broken (a worker was killed), do it here instead."""
    try:
        return pool.submit(work, *args)
    except BrokenProcessPool:
        done: Future = Future()
        done.set_result(work(*args))
        return done


def _finish_next(entry, finish) -> None:
    item, future = entry
    if future is None:
        finish(item, None, None)
        return
    try:
        result = future.result()
    except Exception as exc:  # noqa: BLE001 -- a worker that died (out of memory, killed) fails its item, not the batch
        finish(item, None, exc)
        return
    finish(item, result, None)
