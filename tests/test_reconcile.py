"""Reconciliation: the queue of two coders' disagreements, each decision's exact effect on the team's codings,
decided items leaving the queue, undo, agreement before and after (hand-checked), blind refusal, the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.test_agreement import CODEBOOK, TRANSCRIPT
from workbench.cli import cli
from workbench.errors import BlindError, CodingError, InvalidValueError, NotFoundError
from workbench.project import Project

# Segments of TRANSCRIPT: 13-33 "How is hiring going?", 42-74 "We cannot find welders anywhere.",
# 89-104 "And the orders?", 113-137 "Orders are up this year."
S2, S3, S4 = (42, 74), (89, 104), (113, 137)


def span(project, phrase: str) -> tuple[int, int]:
    start = project.documents.get(1)["text"].index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def coded(project, tmp_path):
    """ann: skills on S2, demand on S4. bo: skills on S2 (another span), demand on S3, skills on S4.

    By segment, skills: ann 0100, bo 0101; demand: ann 0001, bo 0010. Three disagreements."""
    (tmp_path / "cb.yaml").write_text(CODEBOOK)
    (tmp_path / "t.txt").write_text(TRANSCRIPT)
    project.documents.ingest([tmp_path / "t.txt"])
    project.codebook.load(tmp_path / "cb.yaml")
    for name in ("ann", "bo"):
        project.codings.add_coder(name)
    project.codings.code(1, *span(project, "cannot find welders"), "skills", "ann", memo="clear case")
    project.codings.code(1, *span(project, "Orders are up"), "demand", "ann")
    project.codings.code(1, *span(project, "find welders anywhere"), "skills", "bo")
    project.codings.code(1, *span(project, "And the orders?"), "demand", "bo")
    project.codings.code(1, *span(project, "up this year"), "skills", "bo")
    assert [s["start"] for s in project.documents.segments(1)] == [13, S2[0], S3[0], S4[0]]
    return project


def team(project) -> list[tuple]:
    return [(c["start"], c["end"], c["code_id"]) for c in project.codings.list(coder="team")]


def test_the_queue_lists_each_disagreement_with_both_sides(coded):
    items = coded.codings.reconciliation_queue("ann", "bo")
    assert [i["id"] for i in items] == ["1:89-104:demand", "1:113-137:skills", "1:113-137:demand"]
    first = items[0]
    assert (first["coded_by"], first["not_coded_by"], first["text"], first["state"]) == ("bo", "ann", "And the orders?",
                                                                                          "open")
    assert first["a"] == []
    assert [(c["start"], c["end"], c["text"]) for c in first["b"]] == [(89, 104, "And the orders?")]
    assert items[2]["a"][0]["text"] == "Orders are up" and items[2]["team_codings"] == []
    # the agreed unit (skills on S2, with overlapping but different spans) is not a disagreement
    assert not [i for i in items if i["start"] == S2[0]]
    only = coded.codings.reconciliation_queue("ann", "bo", codes=["skills"], documents=[1])
    assert [i["id"] for i in only] == ["1:113-137:skills"]
    # each side comes with its memos
    coded.codings.code(1, *span(project=coded, phrase="are up"), "welding", "ann", memo="why welding")
    [welding] = coded.codings.reconciliation_queue("ann", "bo", codes=["welding"])
    assert welding["a"][0]["memo"] == "why welding" and welding["b"] == []


@pytest.mark.parametrize("action,kwargs,expected", [
    ("keep_a", {}, []),  # ann did not code skills on S4: the team takes "not coded"
    ("keep_b", {}, [(124, 136, "skills")]),
    ("keep_both", {}, [(124, 136, "skills")]),
    ("agree_custom", {"start": 113, "end": 126}, [(113, 126, "skills")]),
    ("reject", {}, []),
])
def test_each_action_gives_the_team_exactly_its_codings(coded, action, kwargs, expected):
    before = coded.codings.list()
    decision = coded.codings.decide("1:113-137:skills", action, "lee", "ann", "bo", **kwargs)
    assert team(coded) == expected
    assert decision["action"] == action and decision["decided_by"] == "lee" and decision["item"] == "1:113-137:skills"
    assert [c for c in coded.codings.list() if c["coder"] != "team"] == before  # the coders' codings untouched
    assert "1:113-137:skills" not in [i["id"] for i in coded.codings.reconciliation_queue("ann", "bo")]
    [done] = [i for i in coded.codings.reconciliation_queue("ann", "bo", include_decided=True)
              if i["id"] == "1:113-137:skills"]
    assert done["state"] == action and [(c["start"], c["end"]) for c in done["team_codings"]] == \
        [(s, e) for s, e, _ in expected]


def test_team_codings_are_clipped_to_the_passage(coded):
    # a coding of bo runs from S3 into S4: deciding S3 gives the team only the part inside S3
    coded.codings.code(1, 95, 120, "welding", "bo")
    coded.codings.decide("1:89-104:welding", "keep_b", "lee", "ann", "bo")
    assert team(coded) == [(95, 104, "welding")]
    assert "1:113-137:welding" in [i["id"] for i in coded.codings.reconciliation_queue("ann", "bo")]


def test_a_decided_item_is_not_decided_twice_and_bad_input_is_refused(coded):
    coded.codings.decide("1:89-104:demand", "reject", "lee", "ann", "bo")
    with pytest.raises(CodingError, match="already decided"):
        coded.codings.decide("1:89-104:demand", "keep_b", "lee", "ann", "bo")
    with pytest.raises(NotFoundError, match="not a disagreement"):
        coded.codings.decide("1:42-74:skills", "keep_a", "lee", "ann", "bo")  # both coded it
    with pytest.raises(InvalidValueError, match="unknown action"):
        coded.codings.decide("1:113-137:skills", "keep", "lee", "ann", "bo")
    with pytest.raises(InvalidValueError, match="not a reconciliation item"):
        coded.codings.decide("113-137", "keep_a", "lee", "ann", "bo")
    with pytest.raises(CodingError, match="not inside the passage"):
        coded.codings.decide("1:113-137:skills", "agree_custom", "lee", "ann", "bo", start=100, end=120)
    with pytest.raises(CodingError, match="one of the coders"):
        coded.codings.reconciliation_queue("ann", "bo", team="bo")


def test_undo_of_a_decision_restores_the_queue_and_the_team(coded):
    coded.codings.decide("1:113-137:skills", "keep_b", "lee", "ann", "bo")
    change = coded.changes.history(limit=1)[0]
    assert change["kind"] == "reconcile.keep_b" and change["coder"] == "lee"
    coded.changes.undo(change["id"])
    assert team(coded) == [] and not list(coded.db.query("SELECT * FROM reconciliations"))
    assert "1:113-137:skills" in [i["id"] for i in coded.codings.reconciliation_queue("ann", "bo")]
    coded.changes.undo(coded.changes.history(limit=1)[0]["id"])  # undoing the undo decides it again
    assert team(coded) == [(124, 136, "skills")]
    assert "1:113-137:skills" not in [i["id"] for i in coded.codings.reconciliation_queue("ann", "bo")]


def test_agreement_before_and_after_by_hand(coded):
    summary = coded.codings.reconciliation_summary("ann", "bo")
    assert summary["overall"]["a_team"] is None and summary["open"] == 3
    result = coded.codings.adopt_agreements("ann", "bo", "lee")
    assert result["units"] == 1 and team(coded) == [(45, 73, "skills")]  # union of 45-64 and 52-73 in S2
    coded.codings.decide("1:89-104:demand", "reject", "lee", "ann", "bo")
    coded.codings.decide("1:113-137:skills", "keep_b", "lee", "ann", "bo")
    coded.codings.decide("1:113-137:demand", "keep_a", "lee", "ann", "bo")
    summary = coded.codings.reconciliation_summary("ann", "bo")
    assert (summary["open"], summary["decided"], summary["units"]) == (0, 3, 4)
    codes = {c["code"]: c for c in summary["codes"]}
    # skills: ann 0100, bo 0101 -> po 3/4, pe 1/4*2/4 + 3/4*2/4 = 1/2, kappa 1/2;
    # alpha: 8 values (5 zeros, 3 ones), Do 2/8, De 5*3*2/(8*7) -> 1 - (2/8)/(30/56) = 16/30
    assert codes["skills"]["before"]["kappa"] == pytest.approx(0.5)
    assert codes["skills"]["before"]["alpha"] == pytest.approx(16 / 30)
    # demand: ann 0001, bo 0010 -> po 1/2, pe 1/16 + 9/16, kappa (1/2 - 10/16)/(6/16) = -1/3; alpha 1 - (4/8)/(24/56)
    assert codes["demand"]["before"]["kappa"] == pytest.approx(-1 / 3)
    assert codes["demand"]["before"]["alpha"] == pytest.approx(-1 / 6)
    # team: skills 0101, demand 0001 -> ann vs team as ann vs bo on skills, full on demand; bo the other way round
    assert codes["skills"]["a_team"]["kappa"] == pytest.approx(0.5) and codes["demand"]["a_team"]["kappa"] == 1.0
    assert codes["skills"]["b_team"]["kappa"] == 1.0 and codes["demand"]["b_team"]["kappa"] == pytest.approx(-1 / 3)
    assert summary["overall"]["a_team"]["percent_agreement"] == pytest.approx(7 / 8)
    assert coded.changes.history(limit=4)[-1]["kind"] == "reconcile.agreed"


def test_a_non_lead_may_not_reconcile_while_blind(coded):
    coded.codings.add_coder("lee")
    coded.codings.set_leads(["lee"])
    coded.codings.set_blind(True, by="lee")
    with Project(coded.path, create=False, viewer="ann") as project:
        for call in (lambda: project.codings.reconciliation_queue("ann", "bo"),
                     lambda: project.codings.reconciliation_summary("ann", "bo"),
                     lambda: project.codings.decide("1:89-104:demand", "reject", "ann", "ann", "bo")):
            with pytest.raises(BlindError, match="lead's job"):
                call()
    with pytest.raises(BlindError):  # a script deciding in a non-lead's name is refused too
        coded.codings.decide("1:89-104:demand", "reject", "bo", "ann", "bo")
    with Project(coded.path, create=False, viewer="lee") as project:
        project.codings.decide("1:89-104:demand", "reject", "lee", "ann", "bo")
        assert len(project.codings.reconciliation_queue("ann", "bo")) == 2


def test_cli_lists_decides_and_summarises(coded, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DB", str(coded.path))
    monkeypatch.delenv("WORKBENCH_CODER", raising=False)
    runner = CliRunner()
    listed = runner.invoke(cli, ["reconcile", "--coder", "ann", "--coder", "bo"])
    assert listed.exit_code == 0 and "1:89-104:demand" in listed.output and "3 items" in listed.output
    decided = runner.invoke(cli, ["reconcile", "decide", "1:113-137:skills", "keep_b", "--between", "ann",
                                  "--between", "bo", "--coder", "lee", "--json"])
    assert decided.exit_code == 0, decided.output
    assert json.loads(decided.output)["spans"] == [[124, 136]]
    again = runner.invoke(cli, ["reconcile", "decide", "1:113-137:skills", "reject", "--between", "ann",
                                "--between", "bo", "--coder", "lee"])
    assert again.exit_code == 1 and "already decided" in again.output
    items = json.loads(runner.invoke(cli, ["reconcile", "--coder", "ann", "--coder", "bo", "--json"]).output)
    assert [i["id"] for i in items] == ["1:89-104:demand", "1:113-137:demand"]
    summary = runner.invoke(cli, ["reconcile", "summary", "--coder", "ann", "--coder", "bo"])
    assert summary.exit_code == 0 and "ann vs team" in summary.output and "2 open, 1 decided" in summary.output
