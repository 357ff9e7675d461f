"""Trust in suggestions in a real browser: a suggestion's card in the reader says how often suggestions like it were
right, "More like this" on a coding's card lists the passages like it under the reader, and the Suggestions page
shows the newest validation as a table.

One streamlit server for the module over a project of four generated interviews: ann coded three of them, rule
suggestions wait in all four and a validation of ann's codings is stored. Debian's chromium through Playwright;
screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from tests.browser import launch, need_browser, open_page, settle, shot, streamlit_server

pytestmark = pytest.mark.slow

SKILLS = ["We cannot find welders who can read a drawing.", "Our apprentices leave for the big plant after a year.",
          "Most welders here are over fifty and will retire soon.", "The college sends apprentices with no site hours.",
          "Finding welders for the night shift is the hardest part.", "Two apprentices quit before their exams."]
DEMAND = ["Orders from the battery plant doubled this spring.", "Export orders fell when the currency moved.",
          "Orders for tanks are booked until next summer.", "A big customer cut its orders by a third.",
          "New orders come mostly from the wind farm builders.", "Orders are steady but margins are thin."]
OTHER = ["The canteen takes orders for lunch by nine.", "Parking by the gate is a problem on Mondays.",
         "The new roof keeps the hall warm at last.", "Our football team won the county cup."]
CODEBOOK = """version: 1
name: trust
codes:
- id: skills
  label: Skills
  description: Finding, training and keeping skilled people.
  patterns: {keywords: [welders, apprentices]}
- id: demand
  label: Demand
  description: Orders and customers.
  patterns: {keywords: [orders]}
"""


def interview(n: int) -> str:
    """An interview whose respondent turns talk about skills, demand or neither, in an order that differs by n."""
    turns = []
    for i in range(7):
        for text in (SKILLS[(i + n) % 6], DEMAND[(i + 2 * n) % 6], OTHER[(i + n) % 4]):
            turns += [f"Interviewer: Tell me more ({i}).", f"Respondent: {text}"]
    return "\n\n".join(turns) + "\n"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    need_browser()
    from playwright.sync_api import sync_playwright

    from workbench.project import Project

    tmp = tmp_path_factory.mktemp("trust")
    (tmp / "sources").mkdir()
    for n in range(4):
        (tmp / "sources" / f"firm_{'abcd'[n]}.txt").write_text(interview(n), encoding="utf-8")
    (tmp / "trust.yaml").write_text(CODEBOOK, encoding="utf-8")
    db = tmp / "team.db"
    with Project(db) as project:
        project.documents.ingest([tmp / "sources"])
        project.codebook.load(tmp / "trust.yaml")
        project.codings.add_coder("ann")
        project.suggestions.run("rules")
        for doc in (1, 2, 3):  # ann codes three interviews by hand; the fourth is left to the suggestions
            for s in project.documents.segments(doc):
                if s["speaker"] != "Respondent":
                    continue
                code = "skills" if s["text"] in SKILLS else "demand" if s["text"] in DEMAND else None
                if code:
                    project.codings.code(doc, s["start"], s["end"], code, "ann")
        project.validation.run(coder="ann")
    with streamlit_server(db, tmp, coder="ann") as url, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30000)
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.goto(url)
        page.get_by_role("heading", name="Project", exact=True).first.wait_for()
        open_page(page, "Reader")
        try:
            yield page, db, url, problems
        finally:
            browser.close()


def test_the_suggestions_page_shows_the_newest_validation(app):
    page, db, url, problems = app
    page.goto(url)
    page.get_by_role("heading", name="Project", exact=True).first.wait_for()
    open_page(page, "Suggestions")
    section = page.get_by_test_id("stExpander").filter(has_text="Validate: how far")
    section.get_by_text("Theme macro F1").first.wait_for()
    section.scroll_into_view_if_needed()
    settle(page)
    assert section.get_by_text("Newest validation").count() == 1
    assert section.get_by_text("Codings changed since").count() == 0
    section.screenshot(path=str(shot_path("validate_table")))
    assert not problems, problems


def test_a_suggestions_card_says_how_often_ones_like_it_were_right(app):
    page, db, url, problems = app
    from workbench.project import Project

    with Project(db, create=False) as project:
        waiting = project.suggestions.list(document=4, code="demand")[0]
        expected = project.validation.trust("demand", waiting["method"], waiting["score"])
    assert expected and expected.startswith("suggestions like this were right")
    page.goto(f"{url}/reader?doc=4&start={waiting['start']}&end={waiting['end']}")
    card = page.locator(".wbr-card")
    card.wait_for(state="visible")
    trust = card.locator(".wbr-trust")
    assert trust.inner_text() == expected
    settle(page)
    shot(page, "trust_card", full_page=False)
    page.keyboard.press("a")  # the keys still act on the card that shows the trust line
    for _ in range(60):
        with Project(db, create=False) as project:
            if project.suggestions.list(status="accepted"):
                break
        page.wait_for_timeout(250)
    with Project(db, create=False) as project:
        assert [s["id"] for s in project.suggestions.list(status="accepted")] == [waiting["id"]]
    assert not problems, problems


def test_more_like_this_on_a_codings_card_lists_passages_under_the_reader(app):
    page, db, url, problems = app
    from workbench.project import Project

    with Project(db, create=False) as project:
        coding = project.codings.list(document=1, code="demand")[0]
        expected = project.validation.similar(coding=coding["id"], n=10)
    page.goto(f"{url}/reader?doc=1&start={coding['start']}&end={coding['end']}")
    page.locator(".wbr-root[data-ready='1'] .wbr-seg").first.wait_for()
    settle(page)
    page.locator(f".wbr-stripe[data-kind='coding'][data-id='{coding['id']}']").first.click()
    card = page.locator(".wbr-card")
    card.wait_for(state="visible")
    card.get_by_role("button", name="More like this").first.click()
    page.get_by_text("More like Demand").first.wait_for()
    settle(page)
    openers = page.locator("[class*='st-key-reader_similar_open_']").get_by_role("button", name="Open", exact=True)
    assert openers.count() == len(expected) == 10
    first_text = " ".join(expected[0]["text"].split())
    assert page.get_by_text(first_text, exact=False).count() >= 1
    assert page.get_by_text(f"similarity {expected[0]['similarity']:.2f}").count() >= 1
    page.get_by_text("More like Demand").first.scroll_into_view_if_needed()
    shot(page, "more_like_this", full_page=False)
    openers.nth(0).click()  # opens the reader at that passage
    page.wait_for_function("(doc) => location.search.includes('doc=' + doc)", arg=str(expected[0]["document_id"]))
    assert not problems, problems


def shot_path(name: str):
    from tests.browser import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"{name}.png"
