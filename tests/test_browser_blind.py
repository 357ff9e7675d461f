"""Blind coding in a real browser: a coder who is not a lead sees only their own codings in the reader and no
agreement figures, on a project where two coders coded the same turn and a lead turned blind coding on."""

from __future__ import annotations

import pytest

from tests.browser import launch, need_browser, open_page, settle, shot, streamlit_server

pytestmark = pytest.mark.slow

INTERVIEW = ("Interviewer: How is recruitment going?\n\nRespondent: Our welders are nearly all over fifty.\n\n"
             "Interviewer: And orders?\n\nRespondent: Orders from the battery plant doubled this spring.\n")
CODEBOOK = """version: 1
name: blind
codes:
- id: skills
  label: Skills
- id: demand
  label: Demand
"""


def test_a_coder_who_is_not_a_lead_sees_only_their_own_codings_and_no_agreement(tmp_path):
    need_browser()
    from playwright.sync_api import sync_playwright

    from workbench.project import Project

    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "interview.txt").write_text(INTERVIEW, encoding="utf-8")
    (tmp_path / "blind.yaml").write_text(CODEBOOK, encoding="utf-8")
    db = tmp_path / "team.db"
    with Project(db) as project:
        project.documents.ingest([tmp_path / "sources"])
        project.codebook.load(tmp_path / "blind.yaml")
        for name in ("ann", "bo", "lee"):
            project.codings.add_coder(name)
        text = project.documents.get(1)["text"]
        welders, orders = text.index("Our welders"), text.index("Orders from")
        project.codings.code(1, welders, welders + 11, "skills", "ann")
        project.codings.code(1, orders, orders + 11, "demand", "bo")
        project.codings.code(1, welders, welders + 11, "demand", "bo")
        project.codings.set_leads(["lee"])
        project.codings.set_blind(True, by="lee")
    with streamlit_server(db, tmp_path, coder="ann") as url, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(30000)
            page.goto(url)
            settle(page)
            open_page(page, "Reader")
            page.get_by_text("1 coding · 0 suggestions waiting").first.wait_for()  # bo's two codings are hidden
            shot(page, "blind_reader")
            open_page(page, "Agreement")
            page.get_by_text("agreement is hidden until a lead reveals the codings").first.wait_for()
            shot(page, "blind_agreement")
        finally:
            browser.close()
