"""The review queue in a real browser: on the Suggestions page, "a" accepts the suggestion shown and "r" rejects the
next one; the store then holds exactly one accepted coding and one rejected suggestion.

Starts `streamlit run streamlit_app.py` on a free localhost port against a small fresh project and drives Debian's
chromium through Playwright (never a browser of its own). The screenshot goes to test-artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from tests.browser import launch, need_browser, open_page, settle, shot, streamlit_server
from tests.test_app import small_project_fixture  # noqa: F401  (the fixture)

CARD = ".wb-review[data-suggestion]"

pytestmark = pytest.mark.slow


@pytest.fixture
def server(small_project, tmp_path):
    """A streamlit server on two small interviews with rule suggestions pending, coder ann; stopped afterwards."""
    need_browser()
    from workbench.project import Project

    with Project(small_project) as project:
        project.suggestions.run("rules")
        assert project.suggestions.pending_count() >= 3
    with streamlit_server(small_project, tmp_path, coder="ann") as url:
        yield url, small_project


def shown_id(page) -> int:
    """The id of the suggestion on the review card (the card lives in the component's open shadow root)."""
    return int(page.locator(CARD).first.get_attribute("data-suggestion"))


def press_and_wait(page, key: str, before: int) -> int:
    """Press a key with nothing focused and wait for the card to show another suggestion; its id."""
    page.keyboard.press(key)
    page.wait_for_function(
        """(before) => {
             for (const host of document.querySelectorAll('*')) {
               const card = host.shadowRoot && host.shadowRoot.querySelector('.wb-review[data-suggestion]');
               if (card) return card.dataset.suggestion !== String(before);
             }
             return false;
           }""", arg=before, timeout=30000)
    settle(page)
    return shown_id(page)


def test_keys_accept_then_reject_in_the_review_queue(server):
    from playwright.sync_api import sync_playwright

    url, db = server
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(30000)
            page.goto(url)  # through the app's navigation, as a user comes (its sidebar and layout included)
            page.get_by_role("heading", name="Project", exact=True).first.wait_for()
            open_page(page, "Suggestions")
            page.locator(CARD).first.wait_for()
            settle(page)
            first = shown_id(page)
            page.locator("h1").first.click()  # focus on nothing that takes keys itself
            second = press_and_wait(page, "a", first)
            third = press_and_wait(page, "r", second)
            assert len({first, second, third}) == 3
            page.get_by_text("Rejected").first.wait_for()
            shot(page, "review_queue")
        finally:
            browser.close()
    from workbench.project import Project

    with Project(db, create=False) as project:
        [accepted] = project.suggestions.list(status="accepted")
        [rejected] = project.suggestions.list(status="rejected")
        assert (accepted["id"], rejected["id"]) == (first, second)
        assert accepted["decided_by"] == rejected["decided_by"] == "ann"
        [coding] = project.codings.list()
        assert (coding["document_id"], coding["start"], coding["end"], coding["code_id"], coding["coder"]) == (
            accepted["document_id"], accepted["start"], accepted["end"], accepted["code_id"], "ann")
        assert third in {s["id"] for s in project.suggestions.list()}
