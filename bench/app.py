"""App benchmark: server-side time of three views under streamlit's AppTest, against baselines in the same process.

Run: .venv/bin/python bench/app.py [--documents 300] [--repeat 5]

1. Documents view of one synthetic 15,000-word transcript with 500 codings (pages/documents.py opens the
   first document). Baselines: an AppTest run of a page that only prints a title, and render.plain_html
   (the same turns escaped, no highlights) beside render.document_html (highlights).
2. Code page: one coding action (choose a code, click "Apply codes") on that transcript. Baseline: a plain
   rerun of the same page with no action.
3. Compare page (code x type matrix, bars, co-occurrence) on a project of 300 synthetic interviews.
Goal: under 1 s each on 2 cores. Figures are medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def median_time(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def app(page: str):
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(ROOT / "pages" / page), default_timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=300, help="documents in the Compare project")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (the median is reported)")
    args = parser.parse_args()
    import synthetic

    from workbench import render
    from workbench.project import Project

    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["WORKBENCH_CODER"] = "bench"
    folder = Path(tempfile.mkdtemp(prefix="bench_app_"))
    long_db, many_db = folder / "long.db", folder / "many.db"
    built = synthetic.build_project(long_db, 1, seed=1, codings=500, words=(15000, 15000))
    with Project(long_db) as project:
        doc = project.documents.list()[0]
        segments, codings, codes = project.documents.segments(doc["id"]), project.codings.list(), project.codebook.codes()
        project.codings.add_coder("bench")
    print(f"transcript: {doc['word_count']:,} words, {len(segments)} turns, {len(codings)} codings "
          f"(built in {built.get('seconds', 0):.1f} s)")

    empty = folder / "empty_page.py"
    empty.write_text("import streamlit as st\nst.title('Empty')\n")
    from streamlit.testing.v1 import AppTest

    baseline_page = median_time(lambda: AppTest.from_file(str(empty)).run(), args.repeat)
    plain = median_time(lambda: render.plain_html(segments), args.repeat)
    highlighted = median_time(lambda: render.document_html(segments, codings, codes), args.repeat)

    os.environ["WORKBENCH_DB"] = str(long_db)
    documents_view = median_time(lambda: app("documents.py").run(), args.repeat)

    code_page = app("code.py")
    code_page.session_state["turn_1"] = 1
    code_page.run()
    rerun = median_time(code_page.run, args.repeat)
    chosen = [c["id"] for c in codes][:2]

    def coding_action():
        code_page.multiselect(key="chosen_codes").set_value(chosen)
        next(b for b in code_page.button if b.label == "Apply codes").click().run()
        assert not code_page.exception, code_page.exception
        code_page.session_state["turn_1"] = code_page.session_state["turn_1"] + 1  # a fresh turn each time

    action = median_time(coding_action, args.repeat)
    with Project(long_db) as project:
        made = len(project.codings.list(coder="bench"))
    assert made == 2 * args.repeat, made

    built = synthetic.build_project(many_db, args.documents, seed=2, codings=20 * args.documents, words=(600, 1500))
    os.environ["WORKBENCH_DB"] = str(many_db)
    with Project(many_db) as project:
        summary = project.summary()
        n_codings = len(project.codings.list())
    compare = median_time(lambda: app("compare.py").run(), args.repeat)

    rows = [
        ("Documents view, 15,000-word transcript, 500 codings", documents_view, "empty page", baseline_page),
        ("  of which render.document_html (highlights)", highlighted, "render.plain_html (escaped only)", plain),
        ("Code page, one coding action (2 codes on a turn)", action, "plain rerun of the Code page", rerun),
        (f"Compare page, {summary['documents']} documents, {n_codings:,} codings", compare, "empty page", baseline_page),
    ]
    print(f"\ncompare project: {summary['documents']} documents, {summary['words']:,} words, {n_codings:,} codings; "
          f"{os.cpu_count()} CPUs; median of {args.repeat}\n")
    print("| view | time | baseline | baseline time | ratio |\n|---|---:|---|---:|---:|")
    for name, seconds, base_name, base in rows:
        print(f"| {name} | {seconds:.3f} s | {base_name} | {base:.3f} s | {seconds / base:.1f}x |")


if __name__ == "__main__":
    main()
