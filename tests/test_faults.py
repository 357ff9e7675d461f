"""Kill -9 at random points of ingest, autocode and accept: the store stays whole and a re-run finishes the work."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests import processes
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import synthetic

pytestmark = pytest.mark.slow
DOCUMENTS = 400
WORKBENCH = [sys.executable, "-c", "from workbench.cli import main; main()"]
COMMAND_SECONDS = 900  # far above any one command here; only bounds a hang


def run(db, *args, check=True):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return processes.run([*WORKBENCH, "--db", str(db), *args], timeout=COMMAND_SECONDS, check=check, env=env)


def start(db, *args) -> subprocess.Popen:
    """A command in its own process group: killing the group kills its ingest workers with it."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return processes.start([*WORKBENCH, "--db", str(db), *args], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env=env)


def killed_at(db, delay, *args):
    """Start a command, SIGKILL it (and its workers) after `delay` seconds; True when it was still running."""
    proc = start(db, *args)
    try:
        time.sleep(delay)
        alive = proc.poll() is None
    finally:
        processes.stop(proc, signal.SIGKILL)
    return alive


def killed_when(db, documents: int, *args) -> bool:
    """Start a command, SIGKILL it (and its workers) as soon as the project holds `documents` documents; True when
    it was running."""
    proc = start(db, *args)
    deadline = time.monotonic() + COMMAND_SECONDS
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if db.exists():
                try:
                    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
                    count = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
                    conn.close()
                except sqlite3.Error:
                    count = 0  # not created or migrated yet
                if count >= documents:
                    break
            time.sleep(0.005)
        alive = proc.poll() is None
    finally:
        processes.stop(proc, signal.SIGKILL)
    return alive


def assert_whole(db):
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM documents WHERE id NOT IN "
                            "(SELECT document_id FROM segments)").fetchone()[0] == 0
        by_doc = conn.execute("SELECT d.id, d.text, s.start, s.\"end\", s.text FROM documents d "
                              "JOIN segments s ON s.document_id = d.id").fetchall()
        assert all(text[a:b] == seg for _, text, a, b, seg in by_doc)
    finally:
        conn.close()
    from workbench.project import Project

    with Project(db, create=False) as project:
        report = project.check()
        assert report["ok"], report


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    manifest = synthetic.write_corpus(folder / "sources", documents=DOCUMENTS, seed=3, words=(1500, 2500))
    manifest.rename(folder / "manifest.csv")
    return folder


@pytest.fixture(scope="module")
def projects(corpus, tmp_path_factory):
    """The corpus ingested with its attributes, the codebook loaded and coder ana added, then the same with rule
    suggestions: made once by the CLI for the tests below, which change only their own copies."""
    folder = tmp_path_factory.mktemp("projects")
    coded, suggested = folder / "coded.db", folder / "suggested.db"
    run(coded, "init")
    run(coded, "ingest", str(corpus / "sources"), "--attributes", str(corpus / "manifest.csv"))
    run(coded, "codebook", "load", str(ROOT / "codebooks" / "manufacturing_regions.yaml"))
    run(coded, "coders", "add", "ana")
    run(coded, "backup", "-o", str(suggested))
    run(suggested, "autocode", "--method", "rules")
    return coded, suggested


def test_ingest_killed_at_random_points_then_rerun_completes(corpus, tmp_path):
    db = tmp_path / "p.db"
    run(db, "init")  # ingest no longer creates a project
    rng = random.Random(11)
    stored = 0
    for _ in range(4):
        target = rng.randint(stored + 1, stored + DOCUMENTS // 5)  # a random moment while documents land
        assert killed_when(db, target, "ingest", str(corpus / "sources"), "--attributes", str(corpus / "manifest.csv"))
        assert_whole(db)
        stored = sqlite3.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0]
        assert target <= stored < DOCUMENTS
    run(db, "ingest", str(corpus / "sources"), "--attributes", str(corpus / "manifest.csv"))
    assert_whole(db)
    conn = sqlite3.connect(db)
    titles = [r[0] for r in conn.execute("SELECT file_name FROM documents")]
    assert len(titles) == DOCUMENTS and len(set(titles)) == DOCUMENTS
    assert conn.execute("SELECT count(DISTINCT document_id) FROM attributes").fetchone()[0] == DOCUMENTS


def test_autocode_and_accept_killed_then_rerun_give_the_uninterrupted_result(projects, tmp_path):
    coded, reference = projects  # reference: read only
    victim = tmp_path / "victim.db"
    run(coded, "backup", "-o", str(victim))
    expected = sqlite3.connect(reference).execute(
        "SELECT document_id, start, \"end\", code_id, source FROM suggestions ORDER BY 1, 2, 3, 4, 5").fetchall()
    assert len(expected) > 500

    rng = random.Random(5)
    for _ in range(3):
        killed_at(victim, rng.uniform(1.0, 3.0), "autocode", "--method", "rules")
        assert_whole(victim)
    run(victim, "autocode", "--method", "rules")
    conn = sqlite3.connect(victim)
    got = conn.execute("SELECT document_id, start, \"end\", code_id, source FROM suggestions ORDER BY 1, 2, 3, 4, 5")
    assert got.fetchall() == expected

    for _ in range(3):
        killed_at(victim, rng.uniform(1.0, 2.5), "accept", "--all", "--coder", "ana")
        assert_whole(victim)
    run(victim, "accept", "--all", "--coder", "ana")
    assert_whole(victim)
    accepted = conn.execute("SELECT count(*) FROM suggestions WHERE status = 'accepted'").fetchone()[0]
    codings = conn.execute("SELECT count(*) FROM codings").fetchone()[0]
    linked = conn.execute("SELECT count(*) FROM suggestions WHERE status = 'accepted' AND coding_id IS NOT NULL")
    assert accepted == len(expected) and linked.fetchone()[0] == accepted
    assert codings == conn.execute("SELECT count(DISTINCT document_id || ':' || start || ':' || \"end\" || ':' || code_id) "
                                   "FROM suggestions").fetchone()[0]


def test_exports_and_topic_fits_killed_leave_no_partial_file_or_run(projects, tmp_path):
    import zipfile

    db = tmp_path / "p.db"
    run(projects[1], "backup", "-o", str(db))
    run(db, "accept", "--all", "--coder", "ana")
    rng = random.Random(8)
    for fmt, args in (("qdpx", ["export", "qdpx"]), ("xlsx", ["export", "excerpts", "--format", "xlsx"])):
        target = tmp_path / f"out.{fmt}"
        for _ in range(3):
            killed_at(db, rng.uniform(1.0, 3.0), *args, "-o", str(target))
            if target.exists():  # only ever the whole file, renamed into place when complete
                with zipfile.ZipFile(target) as zf:
                    assert zf.testzip() is None
            assert_whole(db)
        run(db, *args, "-o", str(target))
        with zipfile.ZipFile(target) as zf:
            assert zf.testzip() is None

    models = tmp_path / "p.topics"
    for _ in range(3):
        killed_at(db, rng.uniform(1.5, 4.0), "topics", "fit", "--name", "k", "--embedder", "tfidf")
        assert_whole(db)
        runs = sqlite3.connect(db).execute("SELECT name FROM topic_runs").fetchall()
        assert runs in ([], [("k",)])
        if runs:
            break
        assert not (models / "k").exists()
    run(db, "topics", "fit", "--name", "k", "--embedder", "tfidf", "--replace")
    conn = sqlite3.connect(db)
    [(run_id,)] = conn.execute("SELECT id FROM topic_runs WHERE name = 'k'").fetchall()
    assigned = conn.execute("SELECT count(*) FROM segment_topics WHERE run_id = ?", [run_id]).fetchone()[0]
    assert assigned > 1000 and (models / "k").is_dir()
