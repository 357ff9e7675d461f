"""Rules and classifier together: suggestions stand where the two agree on the theme."""

import pytest

from workbench.autocode.combine import ALONE, CONFIRM, withdraw_unsupported

CODEBOOK = """\
version: 1
name: tiny
codes:
  - id: skills
    label: Skills
    children:
      - id: skills_ageing
        label: Ageing skilled workforce
        description: Experienced skilled workers retiring with nobody trained to replace them.
        patterns: {lemmas: [retire], phrases: [welders]}
  - id: demand
    label: Demand
    children:
      - id: demand_orders
        label: Customer demand and orders
        patterns: {phrases: [orders]}
  - id: land
    label: Land and sites
    patterns: {phrases: [site]}
"""


@pytest.fixture
def coded_project(project, tmp_path):
    (tmp_path / "tiny.yaml").write_text(CODEBOOK)
    project.codebook.load(tmp_path / "tiny.yaml")
    outcomes = [project.documents.ingest([tmp_path / name])[0] for name in _write(tmp_path)]
    project.docs = [o.document_id for o in outcomes]
    return project


def _write(folder):
    (folder / "a.txt").write_text("Our welders retire next year.\n\nOrders are down.\n\nThe site floods.\n")
    (folder / "b.txt").write_text("Orders from Germany dried up.\n")
    return ["a.txt", "b.txt"]


def _suggest(project, doc_id, segment_index, code, method, status="pending"):
    from workbench.autocode.suggestions import save_suggestions

    segment = project.documents.segments(doc_id)[segment_index]
    save_suggestions(project.db, [{"document_id": doc_id, "segment_id": segment["id"], "start": segment["start"],
                                   "end": segment["end"], "code_id": code, "method": method, "source": method,
                                   "score": 1.0}])
    if status != "pending":
        project.db.execute("UPDATE suggestions SET status = ? WHERE segment_id = ? AND code_id = ?",
                           [status, segment["id"], code])
    return segment["id"]


def _left(project):
    return {(r["segment_id"], r["code_id"], r["method"])
            for r in project.db.query("SELECT segment_id, code_id, method FROM suggestions")}


def test_pending_suggestions_without_the_classifiers_support_are_withdrawn(coded_project):
    p = coded_project
    a, b = p.docs
    welders = _suggest(p, a, 0, "skills_ageing", "rules")
    orders = _suggest(p, a, 1, "demand_orders", "rules")
    _suggest(p, a, 1, "demand_orders", "classifier")
    site = _suggest(p, a, 2, "land", "rules")  # its theme has no classifier: untouched
    rejected = _suggest(p, a, 2, "skills_ageing", "rules", status="rejected")  # decided: untouched
    other_doc = _suggest(p, b, 0, "demand_orders", "rules")  # outside the documents in scope
    scores = {"skills": {welders: CONFIRM + 0.05, site: 0.0},
              "demand": {orders: (CONFIRM + ALONE) / 2, other_doc: 0.0}}
    withdrawn = withdraw_unsupported(p.db, scores, [a])
    assert withdrawn == {"rules": 0, "classifier": 1}  # the rule is confirmed; the classifier alone is not sure
    assert _left(p) == {(welders, "skills_ageing", "rules"), (orders, "demand_orders", "rules"),
                        (site, "land", "rules"), (rejected, "skills_ageing", "rules"),
                        (other_doc, "demand_orders", "rules")}
    scores["skills"][welders] = CONFIRM - 0.05
    assert withdraw_unsupported(p.db, scores, [a]) == {"rules": 1, "classifier": 0}
    assert (welders, "skills_ageing", "rules") not in _left(p)
    # Every document in scope: the other document's rule is now below the cut too.
    assert withdraw_unsupported(p.db, scores) == {"rules": 1, "classifier": 0}
    assert (other_doc, "demand_orders", "rules") not in _left(p)
    assert (rejected, "skills_ageing", "rules") in _left(p)


def test_a_segment_the_classifier_did_not_score_counts_as_unsupported(coded_project):
    p = coded_project
    a, _ = p.docs
    welders = _suggest(p, a, 0, "skills_ageing", "rules")
    assert withdraw_unsupported(p.db, {"skills": {-1: 1.0}}) == {"rules": 1, "classifier": 0}
    assert (welders, "skills_ageing", "rules") not in _left(p)


@pytest.mark.slow
def test_both_keeps_the_rule_suggestions_the_classifier_confirms(project, tmp_path):
    import yaml

    from tests.test_autocode_semantic import DEMAND, NEUTRAL, SKILLS
    from workbench.autocode.semantic import suggest_semantic

    (tmp_path / "tiny.yaml").write_text(CODEBOOK)
    near_misses = ["The canteen takes orders for bacon rolls before nine.", "Doctor's orders: he is off for two weeks.",
                   "Standing orders for the rent go out on the first of the month.",
                   "The foreman gives the orders on the night shift.", "Orders of service were printed for the funeral.",
                   "We ordered new chairs for the meeting room."]
    examples = ([{"text": t, "codes": ["skills_ageing"]} for t in SKILLS[:8]]
                + [{"text": t, "codes": ["demand_orders"]} for t in DEMAND[:8]]
                + [{"text": t, "codes": []} for t in NEUTRAL + near_misses])
    (tmp_path / "tiny.examples.yaml").write_text(yaml.safe_dump(examples))
    project.codebook.load(tmp_path / "tiny.yaml")
    passing = ["The office printer orders its own toner when it runs low.",
               "The sandwich van takes orders for lunch at half past eleven."]
    (tmp_path / "int.txt").write_text("\n\n".join(SKILLS[8:] + DEMAND[8:] + passing) + "\n")
    project.documents.ingest([tmp_path / "int.txt"])
    by_text = {s["text"]: s["id"] for s in project.documents.segments(1)}

    project.suggestions.run("rules")
    ruled = {(r["segment_id"], r["code_id"]) for r in project.suggestions.list(method="rules")}
    assert {by_text[t] for t in passing} <= {segment for segment, _ in ruled}  # keywords fire on passing mentions
    project.db.execute("DELETE FROM suggestions")
    alone = suggest_semantic(project.db, keep_theme_scores=True)
    scores = alone["theme_scores"]
    classified = {(r["segment_id"], r["code_id"]) for r in project.suggestions.list(method="classifier")}
    project.db.execute("DELETE FROM suggestions")

    result = project.suggestions.run("both")
    theme = {"skills_ageing": "skills", "skills": "skills", "demand_orders": "demand", "demand": "demand"}
    confirmed = {(s, c) for s, c in ruled if scores[theme[c]].get(s, 0.0) >= CONFIRM}
    sure = {(s, c) for s, c in classified if scores[theme[c]][s] >= ALONE}
    assert {(r["segment_id"], r["code_id"]) for r in project.suggestions.list(method="rules")} == confirmed
    assert {(r["segment_id"], r["code_id"]) for r in project.suggestions.list(method="classifier")} == sure
    assert result["withdrawn"] == {"rules": len(ruled - confirmed), "classifier": len(classified - sure)}
    assert confirmed  # the rule hits on genuine talk of orders and retirements stand
    # The classifier puts passing mentions of orders below talk of customers' orders.
    genuine = [by_text[t] for t in DEMAND[8:] if "order" in t]
    assert max(scores["demand"][by_text[t]] for t in passing) < min(scores["demand"][s] for s in genuine)
