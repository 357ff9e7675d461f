"""Reviewing suggestions: accept makes a coding with the rule as source, reject does not; all or nothing."""

import pytest

from workbench.autocode import suggestions as sg
from workbench.errors import CodingError, InvalidValueError, NotFoundError

CODEBOOK = """\
version: 1
name: tiny
codes:
  - id: skills
    label: Skills
    patterns:
      keywords: [welder, apprentice]
  - id: demand
    label: Demand
    patterns:
      phrases: [order book]
"""

TRANSCRIPT = """\
I: Tell me about your staff.

R: Our welder retires and no apprentice wants the job.

I: And sales?

R: The order book is full.

I: Anything else?

R: Another welder left in May.
"""


@pytest.fixture
def reviewed(project, tmp_path):
    from workbench.autocode.rules import suggest_rules

    (tmp_path / "tiny.yaml").write_text(CODEBOOK)
    (tmp_path / "int01.txt").write_text(TRANSCRIPT)
    project.codebook.load(tmp_path / "tiny.yaml")
    project.documents.ingest([tmp_path / "int01.txt"])
    project.codings.add_coder("alice")
    assert suggest_rules(project.db)["new"] == 3
    return project


def by_code(project, code_id, status="pending"):
    return sg.list_suggestions(project.db, status=status, code_id=code_id)


def test_listing_is_best_first_with_filters(reviewed):
    rows = sg.list_suggestions(reviewed.db)
    assert [r["score"] for r in rows] == [0.75, 0.5, 0.5]
    assert rows[0]["snippet"] == "Our welder retires and no apprentice wants the job."
    assert rows[0]["code_label"] == "Skills" and rows[0]["title"] == "int01"
    assert [r["code_id"] for r in sg.list_suggestions(reviewed.db, min_score=0.6)] == ["skills"]
    assert [r["code_id"] for r in sg.list_suggestions(reviewed.db, method="rules", code_id="demand")] == ["demand"]
    assert sg.list_suggestions(reviewed.db, method="semantic") == []


def test_accept_makes_a_coding_with_the_rule_source_and_the_coder(reviewed):
    [suggestion] = by_code(reviewed, "demand")
    [coding_id] = sg.accept(reviewed.db, [suggestion["id"]], "alice")
    [coding] = reviewed.codings.list(code="demand")
    assert coding["id"] == coding_id and coding["coder"] == "alice"
    assert coding["source"] == "rule:demand:phrase:order book"
    assert (coding["start"], coding["end"], coding["snippet"]) == (suggestion["start"], suggestion["end"],
                                                                   "The order book is full.")
    [done] = by_code(reviewed, "demand", status="accepted")
    assert done["decided_by"] == "alice" and done["coding_id"] == coding_id and done["decided_at"]
    assert by_code(reviewed, "demand") == []


def test_reject_leaves_no_coding(reviewed):
    ids = [s["id"] for s in by_code(reviewed, "skills")]
    assert sg.reject(reviewed.db, ids, "alice") == 2
    assert reviewed.codings.list() == []
    assert [s["decided_by"] for s in by_code(reviewed, "skills", status="rejected")] == ["alice", "alice"]
    # A rejected suggestion is not suggested again by the next run.
    from workbench.autocode.rules import suggest_rules

    assert suggest_rules(reviewed.db)["new"] == 0


def test_an_accepted_suggestion_is_uncoded_before_it_can_be_rejected(reviewed):
    [suggestion] = by_code(reviewed, "demand")
    [coding_id] = sg.accept(reviewed.db, [suggestion["id"]], "alice")
    with pytest.raises(CodingError, match=f"accepted as coding {coding_id}"):
        sg.reject(reviewed.db, [suggestion["id"]], "alice")
    reviewed.codings.uncode(coding_id)
    assert sg.reject(reviewed.db, [suggestion["id"]], "alice") == 1


def test_accept_where_takes_only_suggestions_above_min_score(reviewed):
    coding_ids = sg.accept_where(reviewed.db, "alice", min_score=0.6)
    assert len(coding_ids) == 1
    assert [c["snippet"] for c in reviewed.codings.list()] == ["Our welder retires and no apprentice wants the job."]
    assert len(sg.list_suggestions(reviewed.db)) == 2
    assert len(sg.accept_where(reviewed.db, "alice", code_id="skills")) == 1
    assert [s["code_id"] for s in sg.list_suggestions(reviewed.db)] == ["demand"]
    assert sg.accept_where(reviewed.db, "alice", code_id="skills") == []


def test_unknown_coder_is_an_error_and_writes_nothing(reviewed):
    ids = [s["id"] for s in sg.list_suggestions(reviewed.db)]
    with pytest.raises(CodingError, match="unknown coder 'bob'"):
        sg.accept(reviewed.db, ids, "bob")
    with pytest.raises(CodingError, match="unknown coder 'bob'"):
        sg.reject(reviewed.db, ids, "bob")
    assert reviewed.codings.list() == []
    assert len(sg.list_suggestions(reviewed.db)) == 3


def test_a_failure_half_way_rolls_back_every_accepted_suggestion(reviewed):
    ids = [s["id"] for s in sg.list_suggestions(reviewed.db)]
    reviewed.db.execute("PRAGMA foreign_keys = OFF")
    reviewed.db.execute("UPDATE suggestions SET code_id = 'gone' WHERE id = ?", [ids[-1]])
    reviewed.db.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(CodingError, match="unknown code 'gone'"):
        sg.accept(reviewed.db, ids, "alice")
    assert reviewed.codings.list() == []
    assert {r["status"] for r in reviewed.db.query("SELECT status FROM suggestions")} == {"pending"}


def test_unknown_suggestion_id_is_an_error(reviewed):
    known = sg.list_suggestions(reviewed.db)[0]["id"]
    with pytest.raises(NotFoundError, match="no suggestion 999"):
        sg.accept(reviewed.db, [known, 999], "alice")
    with pytest.raises(NotFoundError, match="no suggestion 999"):
        sg.reject(reviewed.db, [999], "alice")
    assert reviewed.codings.list() == []


def test_save_suggestions_ignores_ones_already_stored(reviewed):
    row = dict(sg.list_suggestions(reviewed.db)[0])
    fields = {k: row[k] for k in sg.COLUMNS}
    assert sg.save_suggestions(reviewed.db, [fields]) == 0
    assert sg.save_suggestions(reviewed.db, [{**fields, "source": "semantic", "method": "semantic"}]) == 1
    assert sg.save_suggestions(reviewed.db, []) == 0
    with pytest.raises(InvalidValueError, match="unknown suggestion status 'maybe'"):
        sg.list_suggestions(reviewed.db, status="maybe")
