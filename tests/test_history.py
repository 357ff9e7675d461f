"""The change log: every kind of change is logged with its rows, undo puts them back exactly, refuses where a
later change depends on it, and an undo can itself be undone (redo)."""

import json

import pytest
from click.testing import CliRunner

from tests.test_coding import CODEBOOK, two_coder_project
from workbench.cli import cli
from workbench.errors import WorkbenchError
from workbench.store.suggestions import save_suggestions

TABLES = {"codes": "id", "codings": "id", "memos": "id", "suggestions": "id", "attributes": "document_id, name",
          "coders": "name", "codebooks": "name"}


@pytest.fixture
def setup(project, tmp_path):
    return two_coder_project(project, tmp_path)


def state(project) -> dict:
    """Every row of the tables the log covers, as repr (so 1 and 1.0, '' and None differ): byte for byte."""
    return {t: [repr(tuple(r)) for r in project.db.execute(f"SELECT * FROM {t} ORDER BY {key}").fetchall()]
            for t, key in TABLES.items()}


def span(project, phrase: str) -> tuple[int, int]:
    start = project.documents.get(1)["text"].index(phrase)
    return start, start + len(phrase)


def suggest(project, code="demand", phrase="order book is thin") -> int:
    start, end = span(project, phrase)
    save_suggestions(project.db, [{"document_id": 1, "segment_id": None, "start": start, "end": end, "code_id": code,
                                   "method": "rules", "source": "rule:x", "score": 0.75, "reason": "r"}])
    return project.db.execute("SELECT max(id) FROM suggestions").fetchone()[0]


def coded(project) -> int:
    return project.codings.code(1, *span(project, "All retiring soon"), "skills_ageing", "ann", memo="first")


# Each kind: (stage: a function preparing the project, act: a function making the change; it returns nothing).
def _stage_remove(p):
    coding = coded(p)
    p.codings.add_memo("on it", coding=coding, author="ann")
    p.suggestions.accept([suggest(p, "skills_ageing", "All retiring soon")], "ann")


def _stage_merge(p):
    coded(p)
    p.codings.code(1, *span(p, "All retiring soon"), "skills", "ann")  # a duplicate of the merged one
    p.codings.add_memo("code memo", code="skills_ageing")
    suggest(p, "skills_ageing")


def _stage_delete(p):
    coding = coded(p)
    p.codings.add_memo("on it", coding=coding, author="ann")
    suggest(p, "skills_ageing")


def _nothing(p):
    pass


def _first_coding(p):
    return p.codings.list()[0]["id"]


def _pending(p):
    return [s["id"] for s in p.suggestions.list()]


ACTIONS = {
    "coding.add": (_nothing, lambda p: coded(p)),
    "coding.remove": (_stage_remove, lambda p: p.codings.uncode(_first_coding(p))),
    "coding.recode": (coded, lambda p: p.codings.recode(_first_coding(p), "demand")),
    "coding.memo": (coded, lambda p: p.codings.set_memo(_first_coding(p), "second thoughts")),
    "memo.add": (coded, lambda p: p.codings.add_memo("why?", coding=_first_coding(p), author="bo")),
    "code.add": (_nothing, lambda p: p.codebook.add_code("demand_oem", "OEM", "demand", by="lead")),
    "code.update": (_nothing, lambda p: p.codebook.update_code("demand", label="Demand!", include=["x"], by="lead")),
    "code.move": (_nothing, lambda p: p.codebook.move_code("skills_ageing", "demand", by="lead")),
    "code.merge": (_stage_merge, lambda p: p.codebook.merge_codes("skills_ageing", "skills", by="lead")),
    "code.delete": (_stage_delete, lambda p: p.codebook.delete_code("skills_ageing", "delete", by="lead")),
    "attribute.set": (_nothing, lambda p: p.documents.set_attribute(1, "region", "North East", by="lead")),
    "attribute.delete": (lambda p: p.documents.set_attribute(1, "size", 250.5),
                         lambda p: p.documents.delete_attribute(1, "size", by="lead")),
    "suggestion.accept": (suggest, lambda p: p.suggestions.accept(_pending(p), "bo")),
    "suggestion.reject": (suggest, lambda p: p.suggestions.reject(_pending(p), "bo")),
}


def current(project, table: str, row: dict) -> dict | None:
    keys = ("document_id", "name") if table == "attributes" else ("id",)
    where = " AND ".join(f"{k} = ?" for k in keys)
    return next(project.db.query(f"SELECT * FROM {table} WHERE {where}", [row[k] for k in keys]), None)


def act(project, kind) -> tuple[dict, list[dict]]:
    """Stage, take the state, act; returns the state before the act and the changes the act logged."""
    stage, action = ACTIONS[kind]
    stage(project)
    marker = project.db.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0]
    before = state(project)
    action(project)
    return before, [c for c in project.history(limit=None) if c["id"] > marker]


@pytest.mark.parametrize("kind", ACTIONS)
def test_each_kind_is_logged_with_who_and_its_rows_before_and_after(setup, kind):
    project = setup
    _, made = act(project, kind)
    [change] = [c for c in made if c["kind"] == kind]
    assert change["before"] or change["after"]
    assert change["summary"] and change["at"] and change["undone_by"] is None
    assert change["coder"] == ("lead" if kind.startswith(("code.", "attribute.")) else
                               "bo" if kind.startswith("suggestion") or kind == "memo.add" else "ann")
    for table, rows in change["after"].items():  # the rows after are the rows as they are now
        assert [current(project, table, row) for row in rows] == rows
    for table, rows in change["before"].items():  # rows the change deleted are gone
        kept = {json.dumps(r.get("id")) for r in change["after"].get(table, [])}
        for row in rows:
            if table != "attributes" and json.dumps(row["id"]) not in kept:
                assert current(project, table, row) is None


@pytest.mark.parametrize("kind", ACTIONS)
def test_undo_of_each_kind_restores_the_previous_state_byte_for_byte_and_redo_the_next(setup, kind):
    project = setup
    before, made = act(project, kind)
    after = state(project)
    assert before != after
    undos = [project.undo(c["id"], coder="ann")[0]["undo"] for c in made]  # newest first
    assert state(project) == before
    for undo_id in reversed(undos):  # redo: undo the undos, oldest first
        project.undo(undo_id)
    assert state(project) == after
    assert [c["kind"] for c in project.history(limit=2 * len(made))] == ["undo"] * 2 * len(made)


def test_undo_of_a_coding_is_refused_after_it_was_recoded(setup):
    project = setup
    coding = coded(project)
    add = project.history()[0]["id"]
    project.codings.recode(coding, "demand")
    recode = project.history()[0]["id"]
    with pytest.raises(WorkbenchError) as caught:
        project.undo(add)
    assert f"change {add}" in caught.value.message and f"{recode} (coding.recode)" in caught.value.message
    assert f"undo change {recode} first" in caught.value.hint
    project.undo(recode)
    project.undo(add)
    assert project.codings.list() == []


def test_undo_of_a_code_add_is_refused_while_codings_use_it(setup):
    project = setup
    project.codebook.add_code("demand_oem", "OEM", "demand")
    add = project.history()[0]["id"]
    coding = project.codings.code(1, *span(project, "The OEM"), "demand_oem", "bo")
    with pytest.raises(WorkbenchError, match="codings row .* use"):
        project.undo(add)
    project.codings.uncode(coding)
    project.undo(add)
    assert "demand_oem" not in {c["id"] for c in project.codebook.codes()}


def test_undo_of_a_coding_is_refused_while_a_memo_or_an_accepted_suggestion_hangs_on_it(setup):
    project = setup
    coding = coded(project)
    add = project.history()[0]["id"]
    project.codings.add_memo("note", coding=coding, author="ann")
    with pytest.raises(WorkbenchError, match="memos row"):
        project.undo(add)
    assert project.codings.memos()  # nothing was deleted by the refused undo


def test_undo_twice_is_refused_and_redo_brings_the_change_back(setup):
    project = setup
    coding = coded(project)
    add = project.history()[0]["id"]
    [done] = project.undo(add)
    with pytest.raises(WorkbenchError, match="already undone") as caught:
        project.undo(add)
    assert f"undo change {done['undo']}" in caught.value.hint
    [redo] = project.undo(done["undo"])
    assert [c["id"] for c in project.codings.list()] == [coding]
    with pytest.raises(WorkbenchError, match=f"change {redo['undo']} holds it now"):
        project.undo(add)


def test_undo_last_n_of_a_coder_newest_first_all_or_nothing(setup):
    project = setup
    a = coded(project)
    project.codings.code(1, *span(project, "order book"), "demand", "bo")
    project.codings.recode(a, "skills")
    project.codings.set_memo(a, "changed")
    done = project.undo(last=2, coder="ann")
    assert [d["kind"] for d in done] == ["coding.memo", "coding.recode"]
    assert project.db["codings"].get(a)["code_id"] == "skills_ageing"
    assert project.db["codings"].get(a)["memo"] == "first"
    # The next --last skips undone changes and undo records.
    assert [d["kind"] for d in project.undo(last=1, coder="ann")] == ["coding.add"]
    with pytest.raises(WorkbenchError, match="no change to undo by ann"):
        project.undo(last=1, coder="ann")
    with pytest.raises(WorkbenchError, match="one change id or --last"):
        project.undo()


def test_history_filters_by_coder_time_and_limit(setup):
    project = setup
    coded(project)
    project.codings.code(1, *span(project, "order book"), "demand", "bo")
    assert [c["coder"] for c in project.history(coder="bo")] == ["bo"]
    assert len(project.history(limit=1)) == 1
    assert project.history(since="2999-01-01") == []
    assert len(project.history(since="2000-01-01", limit=None)) == len(project.history(limit=None))
    with pytest.raises(WorkbenchError, match="ISO"):
        project.history(since="yesterday")


def test_the_log_is_append_only(setup):
    project = setup
    coded(project)
    with pytest.raises(Exception, match="append-only"):
        project.db.execute("DELETE FROM changes")
    with pytest.raises(Exception, match="append-only"):
        project.db.execute("UPDATE changes SET kind = 'x'")


def test_imports_and_reloads_log_a_summary_or_nothing(setup, tmp_path):
    project = setup
    count = len(project.history(limit=None))
    project.codebook.load(tmp_path / "cb.yaml")  # unchanged: nothing logged, rows untouched
    assert len(project.history(limit=None)) == count
    (tmp_path / "cb.yaml").write_text(CODEBOOK.replace("label: Demand", "label: Market demand"))
    project.codebook.load(tmp_path / "cb.yaml")
    [change] = project.history(limit=1)
    assert change["kind"] == "code.update" and change["after"]["codes"][0]["label"] == "Market demand"


def test_cli_history_and_undo(setup):
    project = setup
    coded(project)
    runner = CliRunner()
    db = str(project.path)
    out = runner.invoke(cli, ["--db", db, "history", "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert rows[0]["kind"] == "coding.add" and rows[0]["coder"] == "ann"
    table = runner.invoke(cli, ["--db", db, "history", "--coder", "ann"])
    assert table.exit_code == 0 and "coding.add" in table.output
    undo = runner.invoke(cli, ["--db", db, "undo", "--last", "1", "--coder", "ann", "--json"])
    assert undo.exit_code == 0, undo.output
    assert json.loads(undo.output)[0]["undone"] == rows[0]["id"]
    again = runner.invoke(cli, ["--db", db, "undo", str(rows[0]["id"])])
    assert again.exit_code != 0 and "already undone" in again.output
