"""Merge benchmark: two synthetic projects of 300 interviews with 20,000 codings each, merged with
`project.merge`, against copying the same rows with plain SQL (ATTACH + INSERT ... SELECT) in the same process.

Run: .venv/bin/python bench/merge.py [--documents 300] [--codings 20000] [--rounds 3]
Two cases: the other copy holds the same documents (a coder's laptop copy: only its codings are new) and one
whose documents are all new (documents, segments and codings come in). Each round merges into a fresh copy of
the first project; the plain-SQL copy inserts the same rows with ids shifted and no checks.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def plain_copy(target: Path, other: Path, new_documents: bool) -> tuple[float, int]:
    """Copy the other's codings (and documents and segments when they are new) with INSERT ... SELECT."""
    conn = sqlite3.connect(str(target))
    conn.execute("PRAGMA foreign_keys = OFF")
    began = time.perf_counter()
    conn.execute("ATTACH DATABASE ? AS other", [str(other)])
    with conn:
        conn.execute("INSERT OR IGNORE INTO coders SELECT * FROM other.coders")
        doc_shift = seg_shift = 0
        if new_documents:
            doc_shift = conn.execute("SELECT max(id) FROM documents").fetchone()[0]
            seg_shift = conn.execute("SELECT max(id) FROM segments").fetchone()[0]
            cols = [r[1] for r in conn.execute("PRAGMA table_info(documents)")]
            conn.execute(f"INSERT INTO documents ({','.join(cols)}) SELECT id + {doc_shift}, "
                         f"{','.join(cols[1:])} FROM other.documents")
            cols = [r[1] for r in conn.execute("PRAGMA table_info(segments)")]
            rest = ",".join(f'"{c}"' for c in cols[2:])
            conn.execute(f"INSERT INTO segments (id, document_id, {rest}) SELECT id + {seg_shift}, "
                         f"document_id + {doc_shift}, {rest} FROM other.segments")
        shift = conn.execute("SELECT max(id) FROM codings").fetchone()[0]
        cols = [r[1] for r in conn.execute("PRAGMA table_info(codings)")]
        rest = ",".join(f'"{c}"' for c in cols[2:])
        n = conn.execute(f"INSERT INTO codings (id, document_id, {rest}) SELECT id + {shift}, "
                         f"document_id + {doc_shift}, {rest} FROM other.codings").rowcount
    seconds = time.perf_counter() - began
    conn.execute("DETACH DATABASE other")
    conn.close()
    return seconds, n


def main() -> None:
    from bench.synthetic import add_codings, build_project
    from workbench.project import Project

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--codings", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        began = time.perf_counter()
        base = build_project(tmp / "a.db", args.documents, seed=0, codings=args.codings, coder="ann")
        shutil.copy(tmp / "a.db", tmp / "same.db")
        with Project(tmp / "same.db") as p:  # the same documents, another coder's codings
            p.db.execute("DELETE FROM codings")
            p.db.conn.commit()
            made_same = add_codings(p, args.codings, seed=1, coder="bo")
        other = build_project(tmp / "new.db", args.documents, seed=7, codings=args.codings, coder="cy")
        print(f"built: {base} / same documents {made_same} codings / {other} in "
              f"{time.perf_counter() - began:.0f} s", flush=True)
        for case, path, new_docs in (("same documents", tmp / "same.db", False),
                                     ("new documents", tmp / "new.db", True)):
            merged, plain, again = [], [], []
            for _ in range(args.rounds):
                target = tmp / "target.db"
                shutil.copy(tmp / "a.db", target)
                with Project(target) as p:
                    t0 = time.perf_counter()
                    report = p.merge(path)
                    merged.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    repeat = p.merge(path)
                    again.append(time.perf_counter() - t0)
                    assert not any(repeat["added"].values())
                    assert report["added"]["codings"] == (other["codings"] if new_docs else made_same)
                target.unlink()
                shutil.copy(tmp / "a.db", target)
                seconds, n = plain_copy(target, path, new_docs)
                plain.append(seconds)
                target.unlink()
            m, s, r = statistics.median(merged), statistics.median(plain), statistics.median(again)
            print(f"{case}: merge {m:.2f} s (added {report['added']['codings']} codings, "
                  f"{report['added']['documents']} documents, {report['added']['segments']} segments), "
                  f"plain SQL {s:.2f} s ({n} codings), ratio {m / s:.1f}x; merging again {r:.2f} s", flush=True)


if __name__ == "__main__":
    main()
