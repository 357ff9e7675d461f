"""App benchmark: the reader on a long transcript, server side and in a real browser, against baselines run alongside.

Run: .venv/bin/python bench/app.py [--words 50000] [--codings 2000] [--suggestions 500] [--repeat 5] [--no-browser]

Server side (median of --repeat):
1. Opening the reader on one synthetic transcript with 2,000 codings and 500 suggestions: an AppTest run of
   app_pages/reader.py. Baseline: an AppTest run of a page that only prints a title.
2. One coding action as the reader's fragment run does it: apply_action (check the selection against the text,
   write the coding) then reader_data and its JSON for the browser. Baseline: the same run without an action.
3. The Compare page on a project of 300 synthetic interviews (code x type matrix). Baseline: the empty page.
In the browser (Debian chromium through Playwright, streamlit started here and ended):
4. Navigation to /reader?doc=1 until the text is selectable (the reader has drawn). Baseline: navigation to
   the Project page until its heading shows.
5. From Enter in the code picker to the new stripe drawn. Baseline: a click on "Next suggestion (n)" until its
   card shows (a step that does not go to the server).
6. Scrolling the whole transcript, one step per frame: the longest frame.
Goals: under 300 ms server-side per action, under 1.5 s to a usable reader.
"""

from __future__ import annotations

import argparse
import json
import os
import random
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

    return AppTest.from_file(str(ROOT / "app_pages" / page), default_timeout=120)


def add_suggestions(db_path: Path, count: int, seed: int = 3) -> int:
    """`count` pending suggestions on random whole turns of document 1 (as rules would make them)."""
    from workbench.project import Project
    from workbench.store.suggestions import save_suggestions

    rng = random.Random(seed)
    with Project(db_path) as project:
        segments = project.documents.segments(1)
        codes = [c["id"] for c in project.codebook.codes()]
        rows = []
        for segment in rng.sample(segments, min(count, len(segments))):
            rows.append({"document_id": 1, "segment_id": segment["id"], "start": segment["start"], "end": segment["end"],
                         "code_id": rng.choice(codes), "method": "rules", "source": "rules",
                         "score": round(rng.uniform(0.4, 1.0), 2), "reason": "phrase 'apprentices' (bench)"})
        return save_suggestions(project.db, rows)


def server_side(db: Path, repeat: int) -> list[tuple]:
    from streamlit.testing.v1 import AppTest

    from workbench.project import Project
    from workbench.ui.reader.model import apply_action, reader_data

    empty = db.parent / "empty_page.py"
    empty.write_text("import streamlit as st\nst.title('Empty')\n")
    AppTest.from_file(str(empty)).run()  # warm: streamlit's first AppTest run in a process costs extra
    baseline_page = median_time(lambda: AppTest.from_file(str(empty)).run(), repeat)
    os.environ["WORKBENCH_DB"] = str(db)
    page = app("reader.py")
    page.run()
    opening = median_time(lambda: app("reader.py").run(), repeat)
    assert not page.exception, page.exception

    with Project(db) as project:
        text = project.documents.get(1)["text"]
        segments = project.documents.segments(1)
        turns = iter(segments[1::3])
        code = project.codebook.codes()[0]["id"]

        def plain_run():
            json.dumps(reader_data(project, 1, "bench"))

        def coding_run():
            seg = next(turns)
            end = seg["start"] + min(40, seg["end"] - seg["start"])
            action = {"type": "code", "code": code, "start": seg["start"], "end": end,
                      "parts": [{"segment": seg["id"], "start": seg["start"], "end": end, "text": text[seg["start"]:end]}]}
            apply_action(project, 1, "bench", action)
            plain_run()

        rerun = median_time(plain_run, repeat)
        action = median_time(coding_run, repeat)
    return [("Reader opened: 50,000-word transcript, 2,000 codings, 500 suggestions (AppTest run)", opening,
             "AppTest of an empty page", baseline_page),
            ("One coding action (check, write, data for the browser)", action, "the same run without an action", rerun)]


def compare_page(folder: Path, documents: int, repeat: int, baseline_page: float) -> tuple:
    import synthetic

    from workbench.project import Project

    many = folder / "many.db"
    synthetic.build_project(many, documents, seed=2, codings=20 * documents, words=(600, 1500))
    os.environ["WORKBENCH_DB"] = str(many)
    with Project(many) as project:
        n_codings = len(project.codings.list())
    seconds = median_time(lambda: app("compare.py").run(), repeat)
    return (f"Compare page, {documents} documents, {n_codings:,} codings", seconds, "AppTest of an empty page",
            baseline_page)


def in_browser(db: Path, repeat: int) -> list[tuple]:
    from playwright.sync_api import sync_playwright

    from tests.browser import drag, launch, streamlit_server

    rows = []
    with streamlit_server(db, db.parent, coder="bench") as url, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)  # warm: the first visit starts the session and loads the app's scripts
        page.get_by_role("heading", name="Project", exact=True).first.wait_for(timeout=60000)

        def open_project_page():
            page.goto(url)
            page.get_by_role("heading", name="Project", exact=True).first.wait_for(timeout=60000)

        def open_reader():
            page.goto(f"{url}/reader?doc=1")
            page.locator(".wbr-root[data-ready='1'] .wbr-seg").first.wait_for(timeout=60000)

        home = median_time(open_project_page, repeat)
        reader = median_time(open_reader, repeat)
        rows.append(("Navigation to a usable reader (text selectable)", reader, "navigation to the Project page", home))

        def code_one():
            words = page.evaluate("""() => {
              const box = document.querySelector('.wbr-scroll');
              const free = () => [...document.querySelectorAll('.wbr-seg')].find((s) => {
                const r = s.getBoundingClientRect(), text = s.querySelector('.wbr-text');
                return r.top > 300 && r.bottom < 900 && text.childNodes.length === 1
                  && text.firstChild.nodeType === 3 && text.firstChild.length > 20;
              });
              let seg = free();
              for (let i = 0; !seg && i < 50; i++) { box.scrollTop += 400; seg = free(); }
              const t = seg.querySelector('.wbr-text').firstChild, r = document.createRange();
              r.setStart(t, 0); r.setEnd(t, 1); const a = r.getBoundingClientRect();
              r.setStart(t, 12); r.setEnd(t, 13); const b = r.getBoundingClientRect();
              return [a.left + 1, a.top + a.height / 2, b.right - 1, b.top + b.height / 2];
            }""")
            page.wait_for_timeout(100)
            before = page.locator(".wbr-stripe[data-kind='coding']").count()
            drag(page, words)
            page.locator(".wbr-picker").wait_for(state="visible")
            page.keyboard.type("skills")
            started = time.perf_counter()
            page.keyboard.press("Enter")
            page.wait_for_function(f"document.querySelectorAll(\".wbr-stripe[data-kind='coding']\").length > {before}",
                                   polling="raf", timeout=30000)
            return time.perf_counter() - started

        def next_suggestion():
            page.locator(".wbr-card .wbr-close").click() if page.locator(".wbr-card").is_visible() else None
            started = time.perf_counter()
            page.get_by_role("button", name="Next suggestion (n)").click()
            page.locator(".wbr-card").wait_for(state="visible")
            return time.perf_counter() - started

        stripe = statistics.median(code_one() for _ in range(repeat))
        local = statistics.median(next_suggestion() for _ in range(repeat))
        rows.append(("Enter in the code picker to the stripe drawn", stripe, "Next suggestion to its card (no server)",
                     local))
        longest = page.evaluate("""() => new Promise((done) => {
          const box = document.querySelector('.wbr-scroll'); box.scrollTop = 0;
          let last = performance.now(), worst = 0, frames = 0;
          const step = () => {
            const now = performance.now(); worst = Math.max(worst, now - last); last = now; frames++;
            if (box.scrollTop + box.clientHeight >= box.scrollHeight - 2) { done([worst, frames]); return; }
            box.scrollTop += 600; requestAnimationFrame(step);
          };
          requestAnimationFrame(step);
        })""")
        rows.append((f"Scrolling the whole transcript ({longest[1]} frames of 600 px): longest frame",
                     longest[0] / 1000, "one frame at 60 Hz", 1 / 60))
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50000)
    parser.add_argument("--codings", type=int, default=2000)
    parser.add_argument("--suggestions", type=int, default=500)
    parser.add_argument("--documents", type=int, default=300, help="documents in the Compare project")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (the median is reported)")
    parser.add_argument("--no-browser", action="store_true", help="server-side figures only")
    parser.add_argument("--no-compare", action="store_true", help="leave out the Compare page")
    args = parser.parse_args()
    import synthetic

    from workbench.project import Project

    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["WORKBENCH_CODER"] = "bench"
    folder = Path(tempfile.mkdtemp(prefix="bench_app_"))
    long_db = folder / "long.db"
    synthetic.build_project(long_db, 1, seed=1, codings=args.codings, words=(args.words, args.words))
    suggested = add_suggestions(long_db, args.suggestions)
    with Project(long_db) as project:
        project.codings.add_coder("bench")
        doc = project.documents.list()[0]
        n_codings, n_segments = len(project.codings.list()), len(project.documents.segments(doc["id"]))
    print(f"transcript: {doc['word_count']:,} words, {n_segments:,} turns, {n_codings:,} codings, {suggested} suggestions")

    rows = server_side(long_db, args.repeat)
    if not args.no_compare:
        rows.append(compare_page(folder, args.documents, args.repeat, rows[0][3]))
    if not args.no_browser:
        rows.extend(in_browser(long_db, args.repeat))
    print(f"\n{os.cpu_count()} CPUs; median of {args.repeat}\n")
    print("| measure | time | baseline | baseline time | ratio |\n|---|---:|---|---:|---:|")
    for name, seconds, base_name, base in rows:
        print(f"| {name} | {seconds * 1000:.0f} ms | {base_name} | {base * 1000:.0f} ms | {seconds / base:.1f}x |")


if __name__ == "__main__":
    main()
