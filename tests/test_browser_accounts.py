"""In a real browser: a project with accounts asks for name and password, and the sidebar then says who is
signed in (chromium through Playwright, as tests/browser.py starts it)."""

from __future__ import annotations

import pytest

from tests.browser import launch, need_browser, settle, shot, streamlit_server

pytestmark = pytest.mark.slow


def test_sign_in_with_an_account_shows_signed_in_as(tmp_path):
    need_browser()
    from playwright.sync_api import sync_playwright

    from workbench.project import Project

    db = tmp_path / "team.db"
    with Project(db) as project:
        project.accounts.add("ann", "ann password", admin=True)
    with streamlit_server(db, tmp_path, coder="mallory") as url, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.goto(url)
            page.get_by_label("Your name").wait_for(timeout=30000)
            page.get_by_label("Your name").fill("ann")
            page.get_by_label("Password", exact=True).fill("not her password")
            page.get_by_role("button", name="Sign in").click()
            page.get_by_text("do not match an account").wait_for(timeout=30000)
            page.get_by_label("Your name").fill("ann")
            page.get_by_label("Password", exact=True).fill("ann password")
            page.get_by_role("button", name="Sign in").click()
            page.get_by_test_id("stSidebar").get_by_text("Signed in as").wait_for(timeout=30000)
            settle(page)
            assert "ann" in page.get_by_test_id("stSidebar").inner_text()
            assert page.get_by_label("Your coder name").count() == 0
            shot(page, "signed_in")
            page.get_by_role("button", name="Sign out").click()
            page.get_by_role("button", name="Sign in").wait_for(timeout=30000)
        finally:
            browser.close()
