"""Reconcile mode of the reader in a real browser: two coders disagree on passages; the reconciler (lee) turns on
Reconcile, presses n then 1 and sees the team's coding appear and the queue count drop; then agrees on selected
words and undoes a decision with Ctrl+Z. Debian's chromium through Playwright."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.browser import launch, need_browser, open_page, settle, shot, streamlit_server
from tests.conftest import ROOT
from tests.test_browser_reader import CODEBOOK, INTERVIEW, drag_over, open_document

pytestmark = pytest.mark.slow


def team_codings(db):
    from workbench.project import Project

    with Project(db, create=False) as project:
        text = project.documents.get(project.documents.id_of("interview"))["text"]
        return text, project.codings.list(coder="team")


def wait_for_team(page, db, count):
    for _ in range(80):
        text, rows = team_codings(db)
        if len(rows) == count:
            return text, rows
        page.wait_for_timeout(250)
    raise AssertionError(f"the team has {len(rows)} codings, not {count}")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    need_browser()
    from playwright.sync_api import sync_playwright

    from workbench.project import Project

    tmp = tmp_path_factory.mktemp("reconcile")
    (tmp / "sources").mkdir()
    (tmp / "sources" / "interview.txt").write_text(INTERVIEW, encoding="utf-8")
    (tmp / "mini.yaml").write_text(CODEBOOK, encoding="utf-8")
    db = tmp / "team.db"
    with Project(db) as project:
        project.documents.ingest([tmp / "sources"])
        project.codebook.load(tmp / "mini.yaml")
        for name in ("ann", "bo", "lee"):
            project.codings.add_coder(name)
        respondent = [s for s in project.documents.segments(1) if s["speaker"] == "Respondent"]
        text = project.documents.get(1)["text"]
        welders = text.index("welders are nearly all over fifty")
        project.codings.code(1, welders, welders + len("welders are nearly all over fifty"), "skills_shortage", "ann")
        project.codings.code_segment(respondent[1]["id"], "demand", "ann")
        project.codings.code_segment(respondent[1]["id"], "demand", "bo")  # agreed: not in the queue
        project.codings.code_segment(respondent[1]["id"], "skills", "bo")  # bo alone
    with streamlit_server(db, tmp, coder="lee") as url, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30000)
        problems: list[str] = []
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("console", lambda m: problems.append(f"console: {m.text}")
                if m.type == "error" and "Failed to load resource" not in m.text else None)
        page.goto(url)
        page.get_by_role("heading", name="Project", exact=True).first.wait_for()
        open_page(page, "Reader")
        open_document(page, "interview")
        try:
            yield page, db, problems
        finally:
            browser.close()


def test_n_then_1_keeps_coder_a_and_the_queue_shrinks(app):
    page, db, problems = app
    page.get_by_test_id("stCheckbox").filter(has_text="Reconcile").first.click()  # the toggle
    settle(page)
    count = page.locator(".wbr-rec-count")
    count.wait_for()
    assert count.inner_text().startswith("2 disagreements open · 0 decided")
    assert page.locator(".wbr-recmark").count() == 2 and page.locator(".wbr-disagree").count() >= 2
    page.locator(".wbr-toolbar .wbr-count").click()  # focus on the reader, not a control
    page.keyboard.press("n")
    card = page.locator(".wbr-card")
    card.wait_for(state="visible")
    words = card.inner_text()
    assert "Shortage of welders" in words and "ann coded it, bo did not" in words and "did not code it here" in words
    shot(page, "reconcile_card", full_page=False)
    page.keyboard.press("1")
    text, rows = wait_for_team(page, db, 1)
    assert [(r["code_id"], r["snippet"]) for r in rows] == [("skills_shortage", "welders are nearly all over fifty")]
    page.wait_for_function("() => document.querySelector('.wbr-rec-count').innerText.startsWith('1 disagreement open')")
    assert page.locator(".wbr-stripe[title$='· team']").count() == 1  # the team's coding, as a stripe
    card.wait_for(state="visible")  # moved on to the next open disagreement
    assert "bo coded it, ann did not" in card.inner_text()
    assert page.get_by_text(re.compile(r"1 open, 1 decided")).count() == 1  # the figures under the reader
    path = shot(page, "reconcile_reader")
    shutil.copyfile(path, ROOT / "docs" / "screenshots" / "reconcile_reader.png")
    assert not problems, problems


def test_agree_on_selected_words_then_undo(app):
    page, db, problems = app
    page.keyboard.press("Escape")
    drag_over(page, ("the battery plant", 4, "left"), ("the battery plant", 16, "right"))
    card = page.locator(".wbr-card")
    card.wait_for(state="visible")
    agree = card.get_by_role("button", name=re.compile("Agree on “battery plant”"))
    agree.click()
    text, rows = wait_for_team(page, db, 2)
    assert ("skills", "battery plant") in [(r["code_id"], r["snippet"]) for r in rows]
    page.wait_for_function("() => document.querySelector('.wbr-rec-count').innerText.startsWith('0 disagreements open')")
    page.locator(".wbr-toolbar .wbr-count").click()
    page.keyboard.press("Control+z")
    wait_for_team(page, db, 1)
    page.wait_for_function("() => document.querySelector('.wbr-rec-count').innerText.startsWith('1 disagreement open')")
    assert "Undone" in page.locator(".wbr-note").inner_text()
    assert not problems, problems
