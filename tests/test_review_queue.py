"""The review queue of the Suggestions page under AppTest: one suggestion at a time in its passage, its order,
bulk decisions asked before they act, and the reader link; plus the queue's plain helpers and readable reasons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_app import button, run, small_project_fixture, store  # noqa: F401  (the fixture)


def card_of(app) -> dict:
    """The data the review card got on the last run."""
    [element] = [e for e in app.get("bidi_component") if e.proto.component_name == "wb_review_card"]
    return json.loads(element.proto.json)


def suggest(db, scores: dict[tuple[int, str], float] | None = None) -> list[dict]:
    """Rule suggestions in the small project, with scores set per (document, code) to tell them apart."""
    with store(db) as project:
        project.suggestions.run("rules")
        for s in project.suggestions.list():
            if scores and (s["document_id"], s["code_id"]) in scores:
                project.db.execute("UPDATE suggestions SET score = ? WHERE id = ?",
                                   [scores[s["document_id"], s["code_id"]], s["id"]])
        return project.suggestions.list()


SCORES = {(1, "skills"): 0.6, (1, "demand"): 0.9, (2, "skills"): 0.95, (2, "demand"): 0.7}


def test_the_card_shows_the_whole_passage_with_the_turns_around_it(small_project):
    pending = suggest(small_project, SCORES)
    app = run("suggestions.py")
    assert not app.exception
    data = card_of(app)
    item = data["item"]
    top = pending[0]  # best first: document 2, skills
    assert (top["document_id"], top["code_id"]) == (2, "skills") and item["id"] == top["id"]
    assert data["position"] == 1 and data["total"] == len(pending) == 4 and data["enabled"]
    assert item["title"] == "firm_b" and item["speaker"] == "Respondent" and item["code"] == "Skills"
    assert item["score"] == "0.95" and "keyword" in item["reason"]
    before, hit, after = item["passage"]
    assert "Forty, and most are over fifty" in before + hit + after and hit  # the span is marked inside the turn
    assert item["before"]["speaker"] == "Interviewer" and "welders" in item["before"]["text"]
    assert item["after"]["text"] == "And demand?"


def test_the_queue_sorts_by_score_or_by_document(small_project):
    suggest(small_project, SCORES)
    app = run("suggestions.py")
    by_score = [(r["document"], r["score"]) for r in app.dataframe[0].value.to_dict("records")]
    assert [s for _, s in by_score] == [0.95, 0.9, 0.7, 0.6]
    app.radio(key="review_sort").set_value("document").run()
    assert not app.exception
    by_document = [(r["document"], r["code"]) for r in app.dataframe[0].value.to_dict("records")]
    assert by_document == [("firm_a", "Skills"), ("firm_a", "Demand"), ("firm_b", "Skills"), ("firm_b", "Demand")]
    assert card_of(app)["item"]["title"] == "firm_a" and card_of(app)["item"]["code"] == "Skills"
    app.slider(key="review_min").set_value(0.8).run()  # the filters stay
    assert [(r["document"], r["code"]) for r in app.dataframe[0].value.to_dict("records")] == [
        ("firm_a", "Demand"), ("firm_b", "Skills")]
    app.selectbox(key="review_code").set_value("demand").run()
    assert [r["code"] for r in app.dataframe[0].value.to_dict("records")] == ["Demand"]


def test_a_decision_moves_to_the_next_suggestion(small_project):
    pending = suggest(small_project, SCORES)
    app = run("suggestions.py")
    button(app, "Accept (a)").click().run()
    assert not app.exception
    with store(small_project) as project:
        [accepted] = project.suggestions.list(status="accepted")
        assert accepted["id"] == pending[0]["id"] and accepted["decided_by"] == "ann"
        assert [c["code_id"] for c in project.codings.list(coder="ann")] == [pending[0]["code_id"]]
    assert card_of(app)["item"]["id"] == pending[1]["id"] and card_of(app)["total"] == 3
    assert "Accepted Skills in firm_b" in app.success[0].value
    button(app, "Next ▶").click().run()
    assert card_of(app)["item"]["id"] == pending[2]["id"] and card_of(app)["position"] == 2
    button(app, "Reject (r)").click().run()
    with store(small_project) as project:
        assert [s["id"] for s in project.suggestions.list(status="rejected")] == [pending[2]["id"]]
    assert card_of(app)["item"]["id"] == pending[3]["id"]  # the one after the rejected one
    button(app, "◀ Previous").click().run()
    assert card_of(app)["item"]["id"] == pending[1]["id"] and card_of(app)["position"] == 1


def test_the_last_decision_steps_back_and_an_empty_queue_says_so(small_project):
    pending = suggest(small_project, SCORES)
    app = run("suggestions.py", review_current=pending[-1]["id"])
    assert card_of(app)["position"] == 4
    button(app, "Reject (r)").click().run()
    assert card_of(app)["item"]["id"] == pending[-2]["id"]
    for _ in range(3):
        button(app, "Accept (a)").click().run()
    assert not app.exception and not app.get("bidi_component")
    assert "0 suggestions waiting" in app.caption[0].value


def test_bulk_accept_asks_first_then_acts_on_exactly_the_count_shown(small_project):
    pending = suggest(small_project, SCORES)
    app = run("suggestions.py")
    app.slider(key="review_min").set_value(0.65).run()
    shown = [s for s in pending if s["score"] >= 0.65]
    button(app, f"Accept all {len(shown)} shown").click().run()
    assert not app.exception
    assert app.warning[0].value == f"Accept {len(shown)} suggestions (all shown) as ann?"
    assert not card_of(app)["enabled"] and button(app, "Accept (a)").disabled  # no single decisions meanwhile
    with store(small_project) as project:
        assert project.suggestions.list(status="accepted") == []  # nothing yet
        from workbench.autocode.suggestions import save_suggestions

        low = pending[-1]  # a new suggestion arriving meanwhile is not in the count shown
        save_suggestions(project.db, [{**{k: low[k] for k in ("document_id", "segment_id", "start", "end")},
                                       "code_id": "skills_ageing", "method": "rules", "source": "r", "score": 0.99}])
    button(app, f"Confirm: accept {len(shown)}").click().run()
    assert not app.exception
    with store(small_project) as project:
        assert sorted(s["id"] for s in project.suggestions.list(status="accepted")) == sorted(s["id"] for s in shown)
        assert len(project.codings.list(coder="ann")) == len(shown)
        assert [s["code_id"] for s in project.suggestions.list()] == ["skills_ageing", "skills"]
    assert app.success[0].value == f"Accepted {len(shown)} suggestions as ann."


def test_bulk_reject_can_be_cancelled(small_project):
    pending = suggest(small_project)
    app = run("suggestions.py")
    button(app, f"Reject all {len(pending)} shown").click().run()
    assert f"Reject {len(pending)} suggestions" in app.warning[0].value
    button(app, "Cancel").click().run()
    assert not app.warning and card_of(app)["enabled"]
    with store(small_project) as project:
        assert len(project.suggestions.list()) == len(pending)
    button(app, f"Reject all {len(pending)} shown").click().run()
    button(app, "Confirm: reject").click().run()
    with store(small_project) as project:
        assert project.suggestions.list() == [] and len(project.suggestions.list(status="rejected")) == len(pending)


def test_open_in_reader_asks_for_the_reader_at_the_span(small_project, monkeypatch):
    import streamlit

    pending = suggest(small_project, SCORES)
    switched = []
    monkeypatch.setattr(streamlit, "switch_page", lambda page, **kw: switched.append((page, kw)))
    app = run("suggestions.py")
    button(app, "Open in reader").click().run()
    assert not app.exception
    top = pending[0]
    assert app.session_state["reader_target"] == {"doc": top["document_id"], "start": top["start"], "end": top["end"]}
    assert switched and switched[0][0] == "app_pages/reader.py"


def test_queue_helpers_order_and_split_in_code_points():
    from workbench.ui.review.items import after_decision, card, position_of, sort_queue

    rows = [{"id": 1, "title": "b", "document_id": 2, "start": 0, "end": 3, "code_id": "x", "score": 0.9},
            {"id": 2, "title": "a", "document_id": 1, "start": 50, "end": 60, "code_id": "x", "score": 0.5},
            {"id": 3, "title": "a", "document_id": 1, "start": 5, "end": 9, "code_id": "y", "score": 0.7}]
    assert [r["id"] for r in sort_queue(rows)] == [1, 3, 2]
    assert [r["id"] for r in sort_queue(rows, "document")] == [3, 2, 1]
    assert after_decision([1, 3, 2], 3) == 2 and after_decision([1, 3, 2], 2) == 3 and after_decision([4], 4) is None
    assert position_of([1, 3, 2], 2) == 2 and position_of([1, 3], 9, fallback=5) == 1
    text = "Emoji 🙂 then <b>bold</b> & more"
    item = {"id": 7, "title": "t", "start": 110, "end": 114, "score": 0.5, "method": "rules", "reason": "r",
            "passage": {"start": 100, "end": 100 + len(text), "text": text, "speaker": None},
            "before": {"speaker": "I", "text": "x" * 1000}, "after": None}
    data = card(item, "Code", "javascript:alert(1)", 0, 1)
    assert data["item"]["passage"] == ["Emoji 🙂 th", "en <", "b>bold</b> & more"]
    assert data["item"]["color"].startswith("#") and data["item"]["before"]["text"].startswith("…")
    assert len(data["item"]["before"]["text"]) <= 401


def test_the_card_script_inserts_data_as_text_only():
    folder = Path(__file__).resolve().parents[1] / "workbench" / "ui" / "review"
    script = (folder / "review.js").read_text()
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert unsafe not in script
    assert "createTextNode" in script and "removeEventListener" in script


@pytest.mark.slow
def test_classifier_reasons_quote_the_nearest_coded_passages(project, tmp_path):
    from tests.test_autocode_semantic import CODEBOOK, DEMAND, SKILLS
    from workbench.autocode.semantic import suggest_semantic

    (tmp_path / "tiny.yaml").write_text(CODEBOOK)
    turns = [f"I: Could you say more?\n\nR: {s}\n\nI: Right.\n\nR: {d}" for s, d in zip(SKILLS, DEMAND)]
    (tmp_path / "int01.txt").write_text("\n\n".join(turns) + "\n")
    project.codebook.load(tmp_path / "tiny.yaml")
    [outcome] = project.documents.ingest([tmp_path / "int01.txt"])
    ids = {s["text"]: s["id"] for s in project.documents.segments(outcome.document_id)}
    project.codings.add_coder("alice")
    for text in SKILLS[:8]:
        project.codings.code_segment(ids[text], "skills_ageing", "alice")
    for text in DEMAND[:8]:
        project.codings.code_segment(ids[text], "demand_orders", "alice")
    suggest_semantic(project.db, min_codings=8)
    skills = project.suggestions.list(code="skills_ageing")
    assert skills
    reason = skills[0]["reason"]
    assert reason.startswith("classifier probability ") and "; close to coded passages: \"" in reason
    quoted = reason.split("close to coded passages: ", 1)[1]
    assert "(int01)" in quoted and any(s[:25] in quoted for s in SKILLS[:8] + ["half my welders will retire"])
    assert "logistic regression" in reason  # how the score came about stays at the end
    # Without enough codings: similarity to the definition, quoting what is coded or else the definition.
    project.db.execute("DELETE FROM suggestions")
    project.db.execute("DELETE FROM codings")
    suggest_semantic(project.db, code_ids=["demand_orders"], min_codings=8)
    [first, *_] = project.suggestions.list()
    assert first["reason"].startswith("similarity ") and "to the code's definition" in first["reason"]
    assert '"' in first["reason"] and "threshold 0.40" in first["reason"]
