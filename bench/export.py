"""Export benchmark: qdpx export and import, excerpt and briefing exports on a 300-document project with
20,000 codings, against plain baselines in the same process; and the pseudonymisation measure on the
sample corpus.

Run: .venv/bin/python bench/export.py [--documents 300] [--codings 20000] [--db /tmp/bench_export.db] [--repeat 3]
     .venv/bin/python bench/export.py --pseudonyms          # names surviving pseudonymisation (sample corpus)

Timings (best of --repeat) are taken without tracing; peak memory is tracemalloc's peak of one more
traced run of each step (Python allocations) plus the process's maximum resident size at the end.
Baselines, in this process over the same data:
  qdpx export  - a plain zipfile write of the same document texts (no XML, no codings);
  qdpx import  - unzip, lxml parse and executemany of the texts and (start, end, code) rows into a bare
                 SQLite table (no offset checks, no segmentation, no codebook);
  excerpts     - pandas to_csv of the same excerpt rows;
  briefing     - pandas to_csv of the same excerpt rows (the briefing builds on them).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import sqlite3
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def best(func, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return min(times), result


def traced_peak(func) -> float:
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def baseline_zip(project) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for row in project.db.query("SELECT id, text FROM documents ORDER BY id"):
            zf.writestr(f"Sources/{row['id']}.txt", row["text"].encode("utf-8"))
    return buffer.getvalue()


def baseline_import(path: Path) -> int:
    from lxml import etree

    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("project.qde"))
        texts = {name: zf.read(name).decode("utf-8") for name in zf.namelist() if name.startswith("Sources/")}
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE docs (name TEXT, text TEXT)")
    conn.execute("CREATE TABLE codings (source TEXT, start INT, end INT, code TEXT)")
    conn.executemany("INSERT INTO docs VALUES (?, ?)", texts.items())
    ns = "{urn:QDA-XML:project:1.0}"
    rows = [(s.get("guid"), int(sel.get("startPosition")), int(sel.get("endPosition")),
             c.find(f"{ns}CodeRef").get("targetGUID"))
            for s in root.iter(f"{ns}TextSource") for sel in s.iter(f"{ns}PlainTextSelection")
            for c in sel.iter(f"{ns}Coding")]
    conn.executemany("INSERT INTO codings VALUES (?, ?, ?, ?)", rows)
    conn.commit()
    return len(rows)


def run_timings(args) -> None:
    from bench.synthetic import build_project
    from workbench.project import Project

    db = Path(args.db)
    if not db.exists():
        print("building", build_project(db, args.documents, codings=args.codings), flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench_export_"))
    project = Project(db)
    summary = project.summary()
    codings = next(project.db.query("SELECT count(*) AS n FROM codings"))["n"]
    print(f"project: {summary['documents']} documents, {summary['words']} words, {codings} codings")
    themes = [r["id"] for r in project.codebook.codes() if r["parent_id"] is None][:3]
    rows = []

    def record(step, seconds, base_seconds, peak, note=""):
        rows.append((step, seconds, base_seconds, peak, note))
        print(f"{step:28s} {seconds:7.2f} s   baseline {base_seconds:7.3f} s   ratio {seconds / base_seconds:6.1f}x"
              f"   peak {peak:6.0f} MB {note}", flush=True)

    qdpx = tmp / "p.qdpx"
    seconds, _ = best(lambda: project.exports.qdpx(qdpx), args.repeat)
    base, _ = best(lambda: baseline_zip(project), args.repeat)
    record("export qdpx", seconds, base, traced_peak(lambda: project.exports.qdpx(qdpx)),
           f"({qdpx.stat().st_size / 1e6:.1f} MB)")

    def import_once():
        target = tmp / f"import_{time.perf_counter_ns()}.db"
        with Project(target) as fresh:
            return fresh.exports.import_refi(qdpx)
    seconds, report = best(import_once, args.repeat)
    base, _ = best(lambda: baseline_import(qdpx), args.repeat)
    record("import qdpx (new project)", seconds, base, traced_peak(import_once),
           f"({report['codings']} codings, {report['unmapped_count']} unmapped)")

    frame = project.exports.excerpt_table()
    base, _ = best(lambda: frame.to_csv(tmp / "base.csv", index=False), args.repeat)
    seconds, _ = best(lambda: project.exports.excerpts(tmp / "x.csv", "csv"), args.repeat)
    record("export excerpts csv", seconds, base, traced_peak(lambda: project.exports.excerpts(tmp / "x.csv", "csv")))
    seconds, _ = best(lambda: project.exports.excerpts(tmp / "x.xlsx", "xlsx"), args.repeat)
    record("export excerpts xlsx", seconds, base,
           traced_peak(lambda: project.exports.excerpts(tmp / "x.xlsx", "xlsx")))
    for fmt in ("md", "docx", "html"):
        def brief(fmt=fmt):
            return project.exports.briefing(tmp / f"b.{fmt}", fmt, codes=themes)
        seconds, _ = best(brief, args.repeat)
        record(f"briefing of 3 themes ({fmt})", seconds, base, traced_peak(brief))
    print(f"max resident size of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    project.close()


def run_pseudonyms(args) -> None:
    """Share of manifest and speaker names that survive, and recall of hand-listed names in running text."""
    import re

    from workbench.project import Project

    names_file = ROOT / "bench" / "pseudonym_names.csv"
    reference = list(csv.DictReader(names_file.open(encoding="utf-8")))
    tmp = Path(tempfile.mkdtemp(prefix="bench_pseudonyms_"))
    with Project(tmp / "corpus.db") as project:
        project.documents.ingest([ROOT / "corpus" / "sources"], manifest=ROOT / "corpus" / "manifest.csv")
        manifest_names = sorted({r["interviewer"] for r in csv.DictReader((ROOT / "corpus" / "manifest.csv").open())
                                 if r["interviewer"]})
        speakers = sorted({r["speaker"] for r in project.db.query("SELECT DISTINCT speaker FROM segments "
                                                                  "WHERE speaker IS NOT NULL")})
        started = time.perf_counter()
        pseudonymiser = project.pseudonymiser()
        documents = list(project.db.query("SELECT id, title, text FROM documents ORDER BY id"))
        pseudonymiser.learn_texts([d["text"] for d in documents])
        outputs = [pseudonymiser.replace(d["text"], f"document {d['id']}") for d in documents]
        seconds = time.perf_counter() - started
    joined = "\n".join(outputs)

    def survives(name: str) -> bool:
        return re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", joined) is not None

    from workbench.privacy.pseudonymise import GENERIC_SPEAKER

    name_speakers = [s for s in speakers if not GENERIC_SPEAKER.match(s) and not any(w.islower() for w in s.split())]
    listed = manifest_names + name_speakers
    survived_listed = [n for n in listed if survives(n)]
    by_category: dict[str, list] = {}
    for row in reference:
        by_category.setdefault(row["category"], []).append(row["name"])
    print(f"pseudonymised {len(documents)} documents in {seconds:.1f} s; "
          f"{len(pseudonymiser.report())} distinct replacements")
    print(f"manifest and speaker names: {len(listed)}, surviving: {len(survived_listed)} {survived_listed}")
    result = {"listed": len(listed), "listed_surviving": survived_listed}
    for category, names in sorted(by_category.items()):
        present = [n for n in names if any(re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", d["text"])
                                           for d in documents)]
        left = [n for n in present if survives(n)]
        recall = 1 - len(left) / len(present) if present else float("nan")
        print(f"running text, {category}: {len(present)} names in the texts, {len(left)} survive, "
              f"recall {recall:.2f}; surviving: {left}")
        result[category] = {"names": len(present), "surviving": left, "recall": round(recall, 3)}
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--codings", type=int, default=20000)
    parser.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "bench_export.db"),
                        help="project to use; built with bench/synthetic.py when missing")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pseudonyms", action="store_true", help="measure pseudonymisation on the sample corpus")
    args = parser.parse_args()
    if args.pseudonyms:
        run_pseudonyms(args)
    else:
        run_timings(args)


if __name__ == "__main__":
    main()
