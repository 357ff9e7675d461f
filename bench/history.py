"""Change-log benchmark: the time of a single coding action with and without the log.

Run: .venv/bin/python bench/history.py [--actions 2000] [--rounds 5]
Each action is one `project.codings.code(...)` call (its own BEGIN IMMEDIATE transaction, offsets,
code and snippet checks) on a fresh span, in a WAL project on disk. The log is switched off in the
same process with `store.changes.unrecorded(db)`; the two modes alternate in blocks (ABAB...) so
drift in the machine's load falls on both, and the median block time of each mode is compared.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CODEBOOK = """version: 1
name: bench
codes:
  - id: skills
    label: Skills
  - id: demand
    label: Demand
"""


def main() -> None:
    from workbench.project import Project
    from workbench.store.changes import change_count, unrecorded

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=2000, help="coding actions per mode")
    parser.add_argument("--rounds", type=int, default=10, help="blocks per mode (alternating)")
    args = parser.parse_args()
    per_block = args.actions // args.rounds
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        words = " ".join(f"word{i}" for i in range(2 * args.actions + 50))
        (tmp / "doc.txt").write_text(f"R: {words}\n", encoding="utf-8")
        (tmp / "cb.yaml").write_text(CODEBOOK, encoding="utf-8")
        with Project(tmp / "bench.db") as project:
            project.documents.ingest([tmp / "doc.txt"])
            project.codebook.load(tmp / "cb.yaml")
            project.codings.add_coder("ann")
            text = project.documents.get(1)["text"]
            starts = [i + 1 for i, ch in enumerate(text) if ch == " "][: 2 * args.actions]
            times = {"with log": [], "without log": []}
            position = 0
            for _ in range(args.rounds):
                for mode in times:
                    block = starts[position:position + per_block]
                    position += per_block
                    with unrecorded(project.db) if mode == "without log" else nullcontext():
                        began = time.perf_counter()
                        for start in block:
                            project.codings.code(1, start, start + 4, "skills", "ann")
                        times[mode].append((time.perf_counter() - began) / len(block))
            logged = change_count(project.db)
    with_log, without = statistics.median(times["with log"]), statistics.median(times["without log"])
    print(f"{args.actions:,} coding actions per mode in {args.rounds} alternating blocks; changes logged: {logged:,}")
    print(f"without log: {without * 1000:.3f} ms per action (median block)")
    print(f"with log:    {with_log * 1000:.3f} ms per action (median block)")
    print(f"ratio: {with_log / without:.3f}x (goal at most 1.20x)")


if __name__ == "__main__":
    main()
