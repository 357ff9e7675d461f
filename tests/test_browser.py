"""End to end in a real browser: upload -> read -> code -> export, with a screenshot of every page.

Starts `streamlit run streamlit_app.py` on a free localhost port against a fresh project and drives
Debian's chromium through Playwright (Playwright never downloads a browser of its own here). Screenshots go to
test-artifacts/screenshots/.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tests.browser import SHOTS, drag, launch, need_browser, open_page, settle, shot, streamlit_server
from tests.conftest import ROOT

PAGES = ["Project", "Import", "Documents", "History", "Reader", "Codebook", "Search", "Suggestions", "Topics",
         "Compare", "Agreement", "Export"]

INTERVIEW = """Interviewer: How is recruitment going?

Respondent: Badly. Our welders are nearly all over fifty and three retire next year. Nobody applies from the college.

Interviewer: What about orders?

Respondent: Orders from the battery plant are strong, but only if we can staff the second shift.
"""

READY = {"Codebook": ("tab", "Edit a code"), "Search": ("text", "FTS5 syntax"), "Suggestions": ("heading", "Evaluation"),
         "Topics": ("text", "Fit a new run"), "Compare": ("heading", "Excerpts behind a cell"),
         "Agreement": ("heading", re.compile(r"Disagreements \(\d+\)")), "History": ("text", re.compile("newest changes"))}

FIND_WORDS = """(words) => {
  const walker = document.createTreeWalker(document.querySelector('.wbr-doc'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const t = walker.currentNode, i = t.data.indexOf(words);
    if (i < 0) continue;
    const r = document.createRange(), box = (k) => { r.setStart(t, k); r.setEnd(t, k + 1); return r.getBoundingClientRect(); };
    const a = box(i + 2), b = box(i + words.length - 2);  // inside the first and last words: the span snaps to them
    return [a.left + 1, a.top + a.height / 2, b.right - 1, b.top + b.height / 2];
  }
}"""
IN_CODED_TURN = """() => {
  const seg = document.querySelector('.wbr-stripe[data-kind="coding"]').closest('.wbr-seg');
  const walker = document.createTreeWalker(seg.querySelector('.wbr-text'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const t = walker.currentNode;
    if (t.length < 40) continue;
    const r = document.createRange(), box = (k) => { r.setStart(t, k); r.setEnd(t, k + 1); return r.getBoundingClientRect(); };
    const a = box(3), b = box(36);
    return [a.left + 1, a.top + a.height / 2, b.right - 1, b.top + b.height / 2];
  }
}"""

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path):
    """A streamlit server on a fresh project with the sample codebook; stopped (and reaped) afterwards."""
    need_browser()
    from workbench.project import Project

    db = tmp_path / "team.db"
    with Project(db) as project:  # the sample corpus, coded by bo from rule suggestions, half checked by ann
        project.documents.ingest([ROOT / "corpus" / "sources"], manifest=ROOT / "corpus" / "manifest.csv")
        project.codebook.load(ROOT / "codebooks" / "manufacturing_regions.yaml")
        project.suggestions.run("rules")
        project.codings.add_coder("ann")
        project.codings.add_coder("bo")
        project.suggestions.accept_where("bo", min_score=0.9)
        for coding in [c for c in project.codings.list(coder="bo") if c["document_id"] <= 12][::2]:
            project.codings.code(coding["document_id"], coding["start"], coding["end"], coding["code_id"], "ann")
    with streamlit_server(db, tmp_path) as url:
        yield url, db, tmp_path


def choose(page, label: str, option: str) -> None:
    """Pick the option containing `option` in the selectbox labelled `label`."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()
    settle(page)


def test_upload_read_code_export_in_a_browser(server):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect, sync_playwright

    url, db, tmp_path = server
    source = tmp_path / "firm_interview.txt"
    source.write_text(INTERVIEW)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.set_default_timeout(30000)
            page.goto(url)
            page.get_by_role("heading", name="Project", exact=True).first.wait_for()
            coder = page.get_by_role("textbox", name="Your coder name")
            coder.fill("ann")
            coder.press("Enter")
            settle(page)

            open_page(page, "Import")
            page.locator("[data-testid='stFileUploader'] input[type=file]").first.set_input_files(str(source))
            page.get_by_text("firm_interview.txt").first.wait_for()
            page.get_by_role("button", name="Import").click()
            expect(page.get_by_text("1 ingested")).to_be_visible()
            shot(page, "Import")

            open_page(page, "Documents")
            title_filter = page.get_by_role("textbox", name="Filter by title or file name")
            title_filter.fill("firm_interview")
            title_filter.press("Enter")
            settle(page)
            shot(page, "Documents")
            page.get_by_role("button", name="Open in the reader").click()  # the reader opens at that document
            page.get_by_role("heading", name="Reader", exact=True).first.wait_for()
            settle(page)
            page.locator(".wbr-root[data-ready='1']").wait_for()
            expect(page.locator(".wbr-doc")).to_contain_text("three retire next year")

            # select "three retire next year" with the mouse, find the code by typing, add a memo, Enter
            spot = page.evaluate(FIND_WORDS, "three retire next year")
            drag(page, spot)
            page.locator(".wbr-picker").wait_for(state="visible")
            page.keyboard.type("Ageing")
            page.keyboard.press("Tab")
            page.keyboard.type("retirements without replacements")
            page.keyboard.press("Enter")
            page.locator(".wbr-stripe[data-kind='coding']").first.wait_for()
            settle(page)

            choose(page, "Document", "Supply chains")  # coded by bo and ann, suggestions waiting: stripes and overlaps
            page.locator(".wbr-root[data-ready='1'] .wbr-seg").first.wait_for()
            for _ in range(80):  # scroll down to the first coded turn (stripes are drawn as turns come into view)
                if page.locator(".wbr-stripe[data-kind='coding']").count():
                    break
                page.locator(".wbr-scroll").evaluate("box => { box.scrollTop += 400; }")
                page.wait_for_timeout(60)
            page.locator(".wbr-stripe[data-kind='coding']").first.evaluate(
                "s => { const box = s.closest('.wbr-scroll'); box.scrollTop = s.closest('.wbr-seg').offsetTop - 80; }")
            page.wait_for_timeout(300)
            spot = page.evaluate(IN_CODED_TURN)
            drag(page, spot)
            page.locator(".wbr-picker").wait_for(state="visible")
            page.keyboard.type("skill")
            shot(page, "Reader", full_page=False)
            page.keyboard.press("Escape")
            page.locator(".wbr-stripe[data-kind='coding']").first.click()
            page.locator(".wbr-card").wait_for(state="visible")
            shot(page, "Reader_card", full_page=False)

            for name, ready in READY.items():
                open_page(page, name)
                role, text = ready
                (page.get_by_text(text) if role == "text" else page.get_by_role(role, name=text)).first.wait_for()
                settle(page)
                shot(page, name)

            open_page(page, "Export")
            choose(page, "Coder", "ann")
            page.get_by_role("button", name="Preview").click()
            settle(page)
            download = page.get_by_role("button", name="Download excerpts.csv")
            download.wait_for()
            settle(page)  # the button of the finished run, not of one still drawing (slow under a loaded machine)
            for attempt in range(3):  # a click that lands while Streamlit redraws the button starts no download
                try:
                    with page.expect_download(timeout=30000) as download_info:
                        page.get_by_role("button", name="Download excerpts.csv").click()
                    break
                except PlaywrightTimeout:
                    if attempt == 2:
                        raise
                    settle(page)
            path = download_info.value.path()
            rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
            shot(page, "Export")
            open_page(page, "Project")
            shot(page, "Project")
        finally:
            browser.close()
    from workbench.project import Project

    with Project(db, create=False) as project:
        uploaded = next(d for d in project.documents.list() if d["title"] == "firm_interview")
        [coding] = project.codings.list(document=uploaded["id"])
        assert (coding["code_id"], coding["coder"], coding["snippet"]) == ("skills_ageing", "ann", "three retire next year")
        assert coding["memo"] == "retirements without replacements"
        assert len(rows) == len(project.codings.list(coder="ann"))
    assert {r["coder"] for r in rows} == {"ann"}
    ours = [r for r in rows if r["title"] == "firm_interview"]
    assert [r["code_id"] for r in ours] == ["skills_ageing"] and "three retire next year" in ours[0]["text"]
    assert {n.lower() for n in PAGES} <= {p.stem for p in SHOTS.glob("*.png")}
