"""The reader in a real browser: drag over text, type part of a code label, Enter; stripes, cards, suggestions by key.

One streamlit server for the module over a small project (an interview with accents, emoji and CJK after
`Name:` labels, a document and a code label full of markup); Debian's chromium through Playwright.
"""

from __future__ import annotations

import re

import pytest

from tests.browser import drag, launch, need_browser, open_page, settle, shot, streamlit_server

pytestmark = pytest.mark.slow

INTERVIEW = """Interviewer: How is recruitment going?

Respondent: Badly. Our welders are nearly all over fifty, and Zoë from Łódź 🙂 left. 日本の工場は人手不足です。

Interviewer: What about orders?

Respondent: Orders from the battery plant are strong, but only if we can staff the second shift.
"""
HOSTILE = """A note that <script>alert(1)</script> holds markup.

Then <img src=x onerror=alert(2)> and <a href="javascript:alert(3)">a link</a> follow.
"""
CODEBOOK = """version: 1
name: mini
codes:
- id: skills
  label: Skills
  description: Skills and training.
  children:
  - id: skills_shortage
    label: Shortage of welders
    description: Firms cannot find skilled people.
    patterns: {phrases: [welders]}
- id: demand
  label: Demand <script>alert(4)</script>
  description: Orders and customers.
  color: "#0b6e4f"
  patterns: {phrases: [battery plant]}
- id: odd
  label: <img src=x onerror=alert(5)>
  description: A label full of markup.
"""
FIND_CHAR = """([needle, at, side]) => {
  const walker = document.createTreeWalker(document.querySelector('.wbr-doc'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const t = walker.currentNode, i = t.data.indexOf(needle);
    if (i < 0) continue;
    const r = document.createRange();
    r.setStart(t, i + at); r.setEnd(t, i + at + 1);
    const b = r.getBoundingClientRect();
    return {x: side === 'left' ? b.left + 1 : b.right - 1, y: b.top + b.height / 2};
  }
  return null;
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    need_browser()
    from playwright.sync_api import sync_playwright

    from workbench.project import Project

    tmp = tmp_path_factory.mktemp("reader")
    (tmp / "sources").mkdir()
    (tmp / "sources" / "interview.txt").write_text(INTERVIEW, encoding="utf-8")
    (tmp / "sources" / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (tmp / "mini.yaml").write_text(CODEBOOK, encoding="utf-8")
    db = tmp / "team.db"
    with Project(db) as project:
        project.documents.ingest([tmp / "sources"])
        project.codebook.load(tmp / "mini.yaml")
        project.suggestions.run("rules")
        project.codings.add_coder("ann")
    with streamlit_server(db, tmp, coder="ann") as url, sync_playwright() as playwright:
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
        try:
            yield page, db, problems
        finally:
            browser.close()


def open_document(page, name: str) -> None:
    page.get_by_test_id("stSelectbox").filter(has_text="Document").first.click()
    page.keyboard.type(name)
    page.get_by_role("option", name=re.compile(name)).first.click()
    settle(page)
    page.locator(".wbr-root[data-ready='1'] .wbr-seg").first.wait_for()


def drag_over(page, start: tuple[str, int, str], end: tuple[str, int, str]) -> None:
    a, b = page.evaluate(FIND_CHAR, list(start)), page.evaluate(FIND_CHAR, list(end))
    assert a and b, (start, end)
    drag(page, (a["x"], a["y"], b["x"], b["y"]))


def codings(db, **where):
    from workbench.project import Project

    with Project(db, create=False) as project:
        text = project.documents.get(project.documents.id_of("interview"))["text"]
        return text, project.codings.list(**where)


def wait_for_codings(page, db, count: int, coder: str = "ann"):
    for _ in range(60):
        text, rows = codings(db, coder=coder)
        if len(rows) == count:
            settle(page)
            return text, rows
        page.wait_for_timeout(250)
    raise AssertionError(f"expected {count} codings by {coder}, found {len(rows)}")


def test_drag_type_enter_codes_exactly_the_snapped_words(app):
    page, db, problems = app
    open_document(page, "interview")
    # from inside "Zoë" (its "o") to the end of the Japanese sentence: the start snaps back to "Z"
    drag_over(page, ("Zoë", 1, "left"), ("不足です。", 4, "right"))
    picker = page.locator(".wbr-picker")
    picker.wait_for(state="visible")
    assert page.evaluate("document.activeElement && document.activeElement.className") == "wbr-filter"
    page.keyboard.type("shortage")
    page.keyboard.press("Enter")
    text, [coding] = wait_for_codings(page, db, 1)
    assert coding["snippet"] == "Zoë from Łódź 🙂 left. 日本の工場は人手不足です。"
    assert text[coding["start"]:coding["end"]] == coding["snippet"]
    assert coding["start"] == text.index("Zoë") and coding["code_id"] == "skills_shortage"
    page.locator(".wbr-stripe[data-kind='coding']").first.wait_for()
    assert not problems


def test_a_selection_across_two_turns_is_one_coding(app):
    page, db, problems = app
    drag_over(page, ("Badly", 2, "left"), ("about orders", 8, "right"))
    page.locator(".wbr-picker").wait_for(state="visible")
    page.keyboard.type("demand")
    page.keyboard.press("Enter")
    text, rows = wait_for_codings(page, db, 2)
    [coding] = [c for c in rows if c["code_id"] == "demand"]
    assert coding["start"] == text.index("Badly") and coding["end"] == text.index("orders?") + len("orders")
    assert coding["snippet"].startswith("Badly.") and "Interviewer: What about orders" in coding["snippet"]
    assert page.locator(".wbr-stripe[data-kind='coding']").count() >= 3  # one piece in each of the two turns
    assert not problems


def test_keys_accept_the_next_suggestion(app):
    page, db, problems = app
    page.locator(".wbr-toolbar .wbr-count").click()  # focus on the reader (not on a button)
    page.keyboard.press("n")
    card = page.locator(".wbr-card")
    card.wait_for(state="visible")
    assert "suggested" in card.inner_text()
    page.keyboard.press("a")
    text, rows = wait_for_codings(page, db, 3)
    accepted = [c for c in rows if c["source"] not in ("manual",)]
    assert len(accepted) == 1 and accepted[0]["code_id"] == "skills_shortage"  # the first suggestion: the welders turn
    assert accepted[0]["snippet"] == text[accepted[0]["start"]:accepted[0]["end"]] and "welders" in accepted[0]["snippet"]
    from workbench.project import Project

    with Project(db, create=False) as project:
        assert len(project.suggestions.list(status="accepted")) == 1
    assert not problems


def test_clicking_a_stripe_opens_its_card_and_remove_deletes_it(app):
    page, db, problems = app
    shot(page, "reader_coded", full_page=False)
    before = len(codings(db, coder="ann")[1])
    page.locator(".wbr-stripe[data-kind='coding']").first.click()
    card = page.locator(".wbr-card")
    card.wait_for(state="visible")
    assert "ann" in card.inner_text()
    card.get_by_role("button", name="Remove").first.click()
    wait_for_codings(page, db, before - 1)
    assert not problems


def test_markup_in_text_and_labels_shows_as_text(app):
    page, db, problems = app
    open_document(page, "hostile")
    doc = page.locator(".wbr-doc")
    assert "<script>alert(1)</script>" in doc.inner_text()
    assert '<a href="javascript:alert(3)">a link</a>' in doc.inner_text()
    assert page.locator(".wbr-doc script, .wbr-doc img, .wbr-doc a").count() == 0
    drag_over(page, ("A note", 0, "left"), ("holds", 2, "right"))
    picker = page.locator(".wbr-picker")
    picker.wait_for(state="visible")
    labels = picker.locator(".wbr-list").inner_text()
    assert "Demand <script>alert(4)</script>" in labels and "<img src=x onerror=alert(5)>" in labels
    assert page.locator(".wbr-picker img, .wbr-picker script").count() == 0
    page.keyboard.press("Escape")
    assert picker.is_hidden()
    page.wait_for_timeout(500)
    assert not problems, problems


def test_an_address_at_a_suggestion_opens_its_card_and_keys_act_only_while_it_shows(app):
    page, db, problems = app
    from workbench.project import Project

    with Project(db, create=False) as project:
        [waiting] = project.suggestions.list(code="demand")
        pending = {s["id"] for s in project.suggestions.list()}
    url = page.url.split("/reader")[0]
    page.goto(f"{url}/reader?doc={waiting['document_id']}&start={waiting['start']}&end={waiting['end']}")
    card = page.locator(".wbr-card")
    card.wait_for(state="visible")
    assert "battery plant" in card.inner_text()
    page.keyboard.press("Escape")
    assert card.is_hidden()
    page.keyboard.press("r")  # its card is closed: r must not decide a suggestion the coder no longer sees
    page.wait_for_timeout(800)
    with Project(db, create=False) as project:
        assert {s["id"] for s in project.suggestions.list()} == pending
    page.keyboard.press("n")
    card.wait_for(state="visible")
    shown = int(card.locator("[data-suggestion]").first.get_attribute("data-suggestion"))
    page.keyboard.press("r")
    for _ in range(60):
        with Project(db, create=False) as project:
            if project.suggestions.list(status="rejected"):
                break
        page.wait_for_timeout(250)
    with Project(db, create=False) as project:
        assert [s["id"] for s in project.suggestions.list(status="rejected")] == [shown]
    assert not problems, problems


def test_ctrl_z_undoes_the_last_coding(app):
    page, db, problems = app
    open_document(page, "interview")
    page.keyboard.press("Escape")  # close the card the last decision opened on the next suggestion
    before = len(codings(db, coder="ann")[1])
    drag_over(page, ("the second shift", 4, "left"), ("the second shift", 14, "right"))
    page.locator(".wbr-picker").wait_for(state="visible")
    page.keyboard.type("skills")
    page.keyboard.press("Enter")
    text, rows = wait_for_codings(page, db, before + 1)
    assert any(c["snippet"] == "second shift" for c in rows)
    page.locator(".wbr-toolbar .wbr-count").click()  # focus on the reader, not a text box
    page.keyboard.press("Control+z")
    wait_for_codings(page, db, before)
    assert "Undone" in page.locator(".wbr-note").inner_text()
    assert not problems, problems
