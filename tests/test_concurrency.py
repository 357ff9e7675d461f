"""Four processes coding and accepting suggestions on one project at once: every write is there, none twice."""

import json
import multiprocessing
import os
import random
import sqlite3
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.processes import end_processes

pytestmark = pytest.mark.slow
SECONDS = float(os.environ.get("WORKBENCH_STRESS_SECONDS", "60"))
WORKERS = 4


def worker(db_path: str, name: str, seed: int, seconds: float, log_path: str) -> None:
    from workbench.project import Project

    rng = random.Random(seed)
    made: list[dict] = []
    with Project(db_path, create=False) as project:
        segments = [r["id"] for r in project.db.query("SELECT id FROM segments WHERE speaker = 'R'")]
        codes = [c["id"] for c in project.codebook.codes() if c["parent_id"]]
        pending = [s["id"] for s in project.suggestions.list(limit=None)]
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if rng.random() < 0.5:
                segment = rng.choice(segments)
                code = rng.choice(codes)
                coding_id = project.codings.code_segment(segment, code, name)
                made.append({"kind": "code", "coding": coding_id, "segment": segment, "code": code})
            else:
                batch = rng.sample(pending, k=min(3, len(pending)))
                for coding_id in project.suggestions.accept(batch, name):
                    made.append({"kind": "accept", "coding": coding_id})
    with open(log_path, "w") as out:
        json.dump(made, out)


def test_four_coders_at_once_lose_nothing_and_duplicate_nothing(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    import synthetic

    db = tmp_path / "team.db"
    synthetic.build_project(db, documents=30, seed=2, words=(600, 900))
    from workbench.project import Project

    with Project(db) as project:
        project.suggestions.run(method="rules")
        for i in range(WORKERS):
            project.codings.add_coder(f"coder{i}")
        assert len(project.suggestions.list(limit=None)) > 100
    context = multiprocessing.get_context("spawn")
    logs = [tmp_path / f"log{i}.json" for i in range(WORKERS)]
    processes = [context.Process(target=worker, args=(str(db), f"coder{i}", i, SECONDS, str(logs[i])))
                 for i in range(WORKERS)]
    try:
        for p in processes:
            p.start()
        for p in processes:
            p.join(SECONDS + 120)
    finally:
        end_processes(processes)
    assert [p.exitcode for p in processes] == [0] * WORKERS, "a worker failed (locked database?)"

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    codings = {row[0]: row for row in conn.execute("SELECT id, coder, code_id, document_id, start, \"end\" FROM codings")}
    total = 0
    for i, log in enumerate(logs):
        for entry in json.loads(log.read_text()):
            total += 1
            assert entry["coding"] in codings, f"coding {entry['coding']} reported to coder{i} is missing"
            assert codings[entry["coding"]][1] == f"coder{i}"
    assert total > 50
    places = [row[1:] for row in codings.values()]
    assert len(places) == len(set(places)), "the same coding was written twice"
    accepted = conn.execute("SELECT coding_id FROM suggestions WHERE status = 'accepted'").fetchall()
    assert all(c in codings for (c,) in accepted)
    assert len({c for (c,) in accepted}) == len(accepted), "one coding linked to two suggestions"
