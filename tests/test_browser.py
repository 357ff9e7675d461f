"""End to end in a real browser: upload -> read -> code -> export, with a screenshot of every page.

Starts `streamlit run streamlit_app.py` on a free localhost port against a fresh project and drives
Debian's chromium through Playwright (Playwright never downloads a browser of its own here). Screenshots go to
test-artifacts/screenshots/.
"""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests import processes
from tests.conftest import ROOT
from tests.processes import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "test-artifacts" / "screenshots"
PAGES = ["Project", "Import", "Documents", "Code", "Codebook", "Search", "Suggestions", "Topics", "Compare",
         "Agreement", "Export"]

INTERVIEW = """Interviewer: How is recruitment going?

Respondent: Badly. Our welders are nearly all over fifty and three retire next year. Nobody applies from the college.

Interviewer: What about orders?

Respondent: Orders from the battery plant are strong, but only if we can staff the second shift.
"""

READY = {"Codebook": ("tab", "Edit a code"), "Search": ("text", "FTS5 syntax"), "Suggestions": ("heading", "Evaluation"),
         "Topics": ("text", "Fit a new run"), "Compare": ("heading", "Excerpts behind a cell"),
         "Agreement": ("heading", re.compile(r"Disagreements \(\d+\)"))}

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path):
    """A streamlit server on a fresh project with the sample codebook; stopped (and reaped) afterwards."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed: run scripts/install_chromium.sh")
    pytest.importorskip("playwright")
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
    port = free_port()
    env = dict(os.environ, WORKBENCH_DB=str(db), HF_HUB_OFFLINE="1")
    env.pop("WORKBENCH_PASSWORD_ENV", None)
    env.pop("WORKBENCH_CODER", None)
    log = (tmp_path / "streamlit.log").open("wb")
    url = f"http://127.0.0.1:{port}"
    process = None
    try:
        process = processes.start(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        if not processes.wait_for_streamlit(url, process, timeout=60):
            raise RuntimeError("streamlit did not start:\n" + (tmp_path / "streamlit.log").read_text())
        yield url, db, tmp_path
    finally:
        if process is not None:
            processes.stop(process, signal.SIGTERM, timeout=10)
        log.close()


def settle(page) -> None:
    """Wait until streamlit has finished running the script."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=30000)
    page.wait_for_timeout(200)


def open_page(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    page.get_by_role("heading", name=name, exact=True).first.wait_for(timeout=30000)
    settle(page)


def choose(page, label: str, option: str) -> None:
    """Pick the option containing `option` in the selectbox labelled `label`."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()
    settle(page)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name.lower()}.png"), full_page=True)


def test_upload_read_code_export_in_a_browser(server):
    from playwright.sync_api import expect, sync_playwright

    url, db, tmp_path = server
    source = tmp_path / "firm_interview.txt"
    source.write_text(INTERVIEW)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
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
            expect(page.get_by_text("three retire next year").first).to_be_visible()

            open_page(page, "Code")
            choose(page, "Document", "firm_interview")
            page.get_by_role("button", name="Next ▶").click()
            settle(page)
            expect(page.locator(".wb-current")).to_contain_text("three retire next year")
            page.locator("[data-testid='stMultiSelect'] input").first.click()
            page.keyboard.type("Ageing")
            page.get_by_role("option", name=re.compile("Ageing workforce")).click()
            page.keyboard.press("Escape")
            page.locator("[data-testid='stTextInput']").filter(has_text="Memo").locator("input").fill(
                "retirements without replacements")
            page.get_by_role("button", name="Apply codes").click()
            settle(page)
            expect(page.locator(".wb-current .wb-tag").first).to_contain_text("Ageing")
            shot(page, "Code")

            open_page(page, "Documents")  # a coded interview of the sample corpus: highlights and overlaps
            title_filter = page.get_by_role("textbox", name="Filter by title or file name")
            title_filter.fill("Supply chains")
            title_filter.press("Enter")
            settle(page)
            expect(page.locator(".wb-hl").first).to_be_visible()
            shot(page, "Documents")

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
            with page.expect_download() as download_info:
                page.get_by_role("button", name="Download excerpts.csv").click()
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
        assert coding["code_id"] == "skills_ageing" and coding["coder"] == "ann"
        assert len(rows) == len(project.codings.list(coder="ann"))
    assert {r["coder"] for r in rows} == {"ann"}
    ours = [r for r in rows if r["title"] == "firm_interview"]
    assert [r["code_id"] for r in ours] == ["skills_ageing"] and "three retire next year" in ours[0]["text"]
    assert sorted(p.stem for p in SHOTS.glob("*.png")) >= sorted(n.lower() for n in PAGES)
