"""Scale benchmark: ingest, search, excerpts, matrices and rule suggestions on synthetic projects.

Run: .venv/bin/python bench/scale.py --sizes 1000 10000 100000 [--workers 2]
Each size runs in its own process so its memory peak is its own. Figures per size:
ingest time and documents/s, database size, full-text search latency (median and 95th
percentile over 100 queries, some with filters), excerpt and matrix query latency,
rule-suggestion throughput, peak memory. Baselines in the same process: reading the same
files and inserting each whole text into a bare FTS5 table (the least any tool must do), and
the bare FTS5 MATCH of the same queries without our joins, filters and snippets (in document order,
our default, and ranked by BM25, `order="relevance"`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

WORDS = (200, 2000)  # a mix of survey answers, notes and interviews; mean about 1,100 words
QUERIES = ["welders", "apprentices", "grid connection", "\"serviced land\"", "catapult", "procurement",
           "robot", "OEM forecast", "levy", "reshoring", "cluster", "heritage", "private equity",
           "digital twin", "retire", "college course", "rules of origin", "knowledge transfer",
           "energy prices", "supply chain"]
REGIONS = ["West Midlands", "North East", "Wales", "Scotland"]


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def baseline_ingest(folder: Path, db_path: Path) -> float:
    """Seconds to read every file and insert its whole text into a bare FTS5 table."""
    started = time.perf_counter()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(name, body, tokenize='porter unicode61')")
    batch = []
    for path in sorted(folder.glob("*.txt")):
        batch.append((path.name, path.read_text(encoding="utf-8")))
        if len(batch) == 500:
            with conn:
                conn.executemany("INSERT INTO t VALUES (?, ?)", batch)
            batch = []
    with conn:
        conn.executemany("INSERT INTO t VALUES (?, ?)", batch)
    conn.close()
    return time.perf_counter() - started


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run_size(documents: int, workers: int, rules_documents: int, keep: Path | None) -> dict:
    import synthetic

    from workbench.project import Project

    out: dict = {"documents": documents, "workers": workers}
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        tmp = Path(tmp)
        started = time.perf_counter()
        manifest = synthetic.write_corpus(tmp / "sources", documents, seed=1, words=WORDS)
        manifest = manifest.rename(tmp / "manifest.csv")
        out["generate_s"] = round(time.perf_counter() - started, 1)
        out["source_mb"] = round(sum(p.stat().st_size for p in (tmp / "sources").iterdir()) / 1e6, 1)

        db_path = keep or tmp / "scale.db"
        started = time.perf_counter()
        statuses: Counter = Counter()
        with Project(db_path) as project:
            project.documents.ingest([tmp / "sources"], manifest=manifest, workers=workers,
                           on_outcome=lambda o: statuses.update([o.status]))
        out["ingest_s"] = round(time.perf_counter() - started, 1)
        out["ingested"], out["failed"] = statuses["ingested"], statuses["failed"]
        out["ingest_peak_rss_mb"] = peak_rss_mb()
        out["docs_per_s"] = round(documents / out["ingest_s"], 1)
        out["db_mb"] = round(db_path.stat().st_size / 1e6, 1)
        out["baseline_ingest_s"] = round(baseline_ingest(tmp / "sources", tmp / "baseline.db"), 1)
        out["ingest_vs_baseline"] = round(out["ingest_s"] / out["baseline_ingest_s"], 2)

        with Project(db_path) as project:
            summary = project.summary()
            out["segments"], out["words"] = summary["segments"], summary["words"]
            rng = random.Random(5)
            ours, ranked, bare, bare_ranked = [], [], [], []
            for i in range(100):
                query = QUERIES[i % len(QUERIES)]
                filters = {}
                if i % 4 == 1:
                    filters["attributes"] = {"region": rng.choice(REGIONS)}
                elif i % 4 == 2:
                    filters["speaker"] = "R"
                elif i % 4 == 3:
                    filters["doc_type"] = "interview"
                ours.append(timed(lambda q=query, f=filters: project.documents.search(q, limit=50, **f)))
                ranked.append(timed(lambda q=query, f=filters: project.documents.search(q, limit=50, order="relevance", **f)))
                bare.append(timed(lambda q=query: project.db.execute(
                    "SELECT rowid FROM segments_fts WHERE segments_fts MATCH ? ORDER BY rowid LIMIT 50", [q]).fetchall()))
                bare_ranked.append(timed(lambda q=query: project.db.execute(
                    "SELECT rowid FROM segments_fts WHERE segments_fts MATCH ? ORDER BY rank LIMIT 50", [q]).fetchall()))
            out["search_p50_ms"] = round(statistics.median(ours) * 1000, 1)
            out["search_p95_ms"] = round(percentile(ours, 0.95) * 1000, 1)
            out["bare_fts_p95_ms"] = round(percentile(bare, 0.95) * 1000, 1)
            out["ranked_search_p50_ms"] = round(statistics.median(ranked) * 1000, 1)
            out["ranked_search_p95_ms"] = round(percentile(ranked, 0.95) * 1000, 1)
            out["bare_fts_ranked_p95_ms"] = round(percentile(bare_ranked, 0.95) * 1000, 1)

            project.codebook.load(ROOT / "codebooks" / "manufacturing_regions.yaml")
            codings = min(documents * 2, 50_000)
            started = time.perf_counter()
            out["codings"] = synthetic.add_codings(project, codings, seed=3)
            out["coding_s"] = round(time.perf_counter() - started, 1)
            out["excerpts_ms"] = round(timed(lambda: project.codings.excerpts(code="skills")) * 1000, 1)
            out["excerpts_region_ms"] = round(timed(
                lambda: project.codings.excerpts(code="demand_signals", attributes={"region": "Wales"})) * 1000, 1)
            out["matrix_region_ms"] = round(timed(lambda: project.codings.matrix(cols="attribute:region")) * 1000, 1)

            ids = [d["id"] for d in project.documents.list()][:rules_documents]
            words = project.db.execute(
                f"SELECT sum(word_count) FROM documents WHERE id IN ({','.join('?' * len(ids))})", ids).fetchone()[0]
            seconds = timed(lambda: project.suggestions.run(method="rules", documents=ids))
            out["rules_documents"] = len(ids)
            out["rules_words_per_s"] = round(words / seconds)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rules-documents", type=int, default=2000,
                        help="documents the rule-suggestion throughput is measured on")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="keep the project file of a single size here")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_size(args.one, args.workers, args.rules_documents, args.keep)))
        return
    for size in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(size), "--workers", str(args.workers),
               "--rules-documents", str(args.rules_documents)]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        if result.returncode:
            print(f"size {size} failed:\n{result.stderr[-3000:]}", file=sys.stderr)
            continue
        print(result.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
