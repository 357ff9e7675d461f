"""Ingest with worker processes stores exactly what one process stores, in the same order, bad files included."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT
from workbench.ingest import pipeline

sys.path.insert(0, str(ROOT / "bench"))
import synthetic

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    manifest = synthetic.write_corpus(folder / "src", documents=40, seed=9, words=(150, 400))
    manifest.rename(folder / "manifest.csv")
    (folder / "src" / "broken.docx").write_bytes(b"PK\x03\x04 not really a docx")
    (folder / "src" / "empty.txt").write_bytes(b"")
    (folder / "src" / "notes.xyz").write_text("unsupported")
    return folder


def ingest(path, batch, workers):
    from workbench.project import Project

    seen = []
    with Project(path) as project:
        returned = project.documents.ingest([batch / "src"], manifest=batch / "manifest.csv", workers=workers,
                                  on_outcome=seen.append)
        rows = list(project.db.query("SELECT d.id, d.title, d.text_sha256, count(s.id) AS segments "
                                     "FROM documents d JOIN segments s ON s.document_id = d.id GROUP BY d.id ORDER BY d.id"))
        attributes = list(project.db.query("SELECT * FROM attributes ORDER BY document_id, name"))
    assert returned == []  # handed to on_outcome, not collected
    return [(o.path, o.status, o.document_id, o.error) for o in seen], rows, attributes


def test_workers_store_the_same_documents_in_the_same_order(tmp_path, batch):
    one = ingest(tmp_path / "one.db", batch, workers=1)
    two = ingest(tmp_path / "two.db", batch, workers=2)
    assert one == two
    outcomes, rows, _ = two
    statuses = {path.rsplit("/", 1)[-1]: status for path, status, _, _ in outcomes}
    assert statuses["broken.docx"] == "failed" and statuses["empty.txt"] == "failed"
    assert statuses["notes.xyz"] == "skipped"
    assert sum(s == "ingested" for s in statuses.values()) == 40 == len(rows)


def test_a_second_parallel_run_reports_duplicates_and_stores_nothing_new(tmp_path, batch):
    from workbench.project import Project

    ingest(tmp_path / "p.db", batch, workers=2)
    with Project(tmp_path / "p.db") as project:
        outcomes = project.documents.ingest([batch / "src"], workers=2)
        assert sum(o.status == "duplicate" for o in outcomes) == 40
        assert len(project.documents.list()) == 40


def test_automatic_workers_stay_in_one_process_for_small_batches(tmp_path, monkeypatch, batch):
    from workbench.ingest import parallel
    from workbench.project import Project

    def refuse(*args, **kwargs):
        raise AssertionError("a small batch should not start workers")

    monkeypatch.setattr(parallel, "map_in_workers", refuse)
    with Project(tmp_path / "small.db") as project:
        outcomes = project.documents.ingest([batch / "src"])  # 43 files: under the automatic threshold
    assert sum(o.status == "ingested" for o in outcomes) == 40


def test_a_killed_worker_fails_its_files_and_the_batch_goes_on(tmp_path, batch, monkeypatch):
    from workbench.ingest import parallel
    from workbench.project import Project

    monkeypatch.setattr(pipeline, "prepare_file", prepare_or_die)  # workers get it by name, through pickle
    with Project(tmp_path / "k.db") as project:
        outcomes = project.documents.ingest([batch / "src"], workers=2)
        stored = {d["file_name"] for d in project.documents.list()}
        assert project.check()["ok"]
    failed = {o.path.rsplit("/", 1)[-1] for o in outcomes if o.status == "failed"}
    assert VICTIM in failed and VICTIM not in stored
    assert failed & stored == set()
    in_flight = 2 * parallel.WINDOW_PER_WORKER + 1  # the window takes one more file before it waits
    assert len(stored) + len(failed) >= 40 and len(stored) >= 40 - in_flight
    message = next(o.error for o in outcomes if o.path.endswith(VICTIM))
    assert "worker process stopped" in message


VICTIM = "int000005.txt"
real_prepare_file = pipeline.prepare_file  # taken before the test patches pipeline.prepare_file


def prepare_or_die(path, *args):
    """prepare_file, except that a worker process reading VICTIM is killed (as by the OOM killer)."""
    import multiprocessing
    import os
    import signal

    if path.name == VICTIM and multiprocessing.parent_process() is not None:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_prepare_file(path, *args)


def test_workers_end_when_the_ingest_that_started_them_is_killed(tmp_path):
    """A killed `workbench ingest` (OOM killer, kill -9) leaves no worker processes behind."""
    import signal
    import time

    from tests import processes

    src = tmp_path / "src"
    src.mkdir()
    for i in range(3000):
        (src / f"f{i:04d}.txt").write_text("Interviewer: How is hiring?\n\nR: We cannot find welders. " * 50)
    workbench = [sys.executable, "-c", "from workbench.cli import main; main()", "--db", str(tmp_path / "p.db")]
    processes.run([*workbench, "init"], timeout=120, check=True)
    ingest = processes.start([*workbench, "ingest", str(src), "--workers", "2"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len([p for p in processes.ps(session=ingest.pid) if p[1] != "Z"]) < 3:  # workers are up
            assert time.monotonic() < deadline and ingest.poll() is None, "the workers never started"
            time.sleep(0.2)
        ingest.send_signal(signal.SIGKILL)
        ingest.wait(timeout=10)
        deadline = time.monotonic() + 15
        while (alive := [p for p in processes.ps(session=ingest.pid) if p[1] != "Z"]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert alive == [], f"left behind: {alive}"
    finally:
        processes.stop(ingest, signal.SIGKILL)
