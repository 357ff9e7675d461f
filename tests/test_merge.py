"""Working apart and merging: copies split from one project, coded apart, merge back to the exact union; the same
merge twice changes nothing; codings on differing text are reported, never dropped silently; a dry run writes
nothing; a merge killed part-way leaves the project as it was."""

from __future__ import annotations

import json
import signal
import sys

import pytest
from click.testing import CliRunner

from tests import processes
from tests.test_coding import two_coder_project
from workbench.cli import cli
from workbench.project import Project
from workbench.store.undo import UndoError

OTHER = "I: And skills?\n\nR: Apprentices leave for the city after two years.\n\nI: Thanks."
TABLES = ("documents", "segments", "codes", "codebooks", "coders", "codings", "memos", "attributes", "suggestions",
          "changes")


def counts(project) -> dict:
    return {t: project.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def rows(project, table: str) -> list:
    return project.db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def span(project, doc, phrase) -> tuple[int, int]:
    text = project.documents.get(doc)["text"]
    return text.index(phrase), text.index(phrase) + len(phrase)


@pytest.fixture
def base(project, tmp_path):
    two_coder_project(project, tmp_path)
    project.documents.set_attribute(1, "region", "North East")
    project.codings.code(1, *span(project, 1, "All retiring soon"), "skills_ageing", "ann")
    project.codings.code(1, *span(project, 1, "The OEM cut volumes"), "demand", "bo")
    return project


@pytest.fixture
def copies(base, tmp_path):
    """ann and bo each code their split copy: overlapping spans, one same span and code, one conflicting definition,
    a new document, a new code, memos and an attribute."""
    a, b = tmp_path / "ann.db", tmp_path / "bo.db"
    assert base.split("ann", a)["codings"] == 1
    assert base.split("bo", b)["codings"] == 1
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "u.txt").write_text(OTHER)
    with Project(a, create=False) as p:
        assert [c["coder"] for c in p.codings.list()] == ["ann"]
        p.codings.code(1, *span(p, 1, "the order book is thin"), "demand", "ann")
        coding = p.codings.code(1, *span(p, 1, "All retiring soon, and the order"), "skills", "ann")
        p.codings.code(1, *span(p, 1, "OEM cut"), "demand", "ann")
        p.codings.add_memo("retirements drive it", coding=coding, author="ann")
        p.codebook.update_code("demand", label="Demand signals")  # the conflicting definition
        p.documents.ingest([tmp_path / "new" / "u.txt"])
        p.codings.code(2, *span(p, 2, "Apprentices leave"), "skills", "ann")
        p.documents.set_attribute(2, "region", "Wales")
        p.documents.set_attribute(1, "size", "small")
    with Project(b, create=False) as p:
        p.codings.code(1, *span(p, 1, "the order book is thin"), "demand", "bo")  # same span and code as ann
        p.codings.code(1, *span(p, 1, "order book"), "demand", "bo")
        p.codebook.add_code("volumes", "Volumes", parent="demand")
        p.codings.code(1, *span(p, 1, "cut volumes"), "volumes", "bo")
        p.codings.add_memo("ask about the OEM", document=1, author="bo")
    return a, b


def test_two_copies_merge_to_the_exact_union(base, copies):
    a, b = copies
    before = counts(base)
    first = base.merge(a)
    assert first["added"]["codings"] == 4 and first["matched"]["codings"] == 1  # ann's earlier coding
    assert first["added"]["documents"] == 1 and first["matched"]["documents"] == 1
    assert first["added"]["memos"] == 1 and first["added"]["definition_memos"] == 1
    assert first["added"]["attributes"] == 2 and first["matched"]["attributes"] == 1
    assert first["conflicts"] == [{"item": "code", "id": "demand", "fields": ["label"],
                                   "kept": "this project's definition; the other's as a memo on the code"}]
    assert first["not_placed"] == []
    second = base.merge(b)
    assert second["added"]["codings"] == 3 and second["matched"]["codings"] == 1
    assert second["added"]["codes"] == 1 and second["added"]["memos"] == 1
    after = counts(base)
    assert after["codings"] == before["codings"] + 7 == 9
    assert after["documents"] == 2 and after["codes"] == before["codes"] + 1
    assert after["memos"] == before["memos"] + 3 and after["attributes"] == 3
    assert after["changes"] == before["changes"] + 2  # one `merge` change each
    assert base.codebook.codes()[[c["id"] for c in base.codebook.codes()].index("demand")]["label"] == "Demand"
    # the union: every coding of either copy is here once, with its coder
    union = set()
    for path in copies:
        with Project(path, create=False) as p:
            union |= {(r["snippet"], r["code_id"], r["coder"]) for r in p.codings.list()}
    assert {(r["snippet"], r["code_id"], r["coder"]) for r in base.codings.list()} == union
    assert base.check()["ok"], base.check()
    # the merge is logged as one change, which undo refuses
    [last] = base.history(limit=1)
    assert last["kind"] == "merge" and "codings 3" in last["summary"]
    with pytest.raises(UndoError):
        base.undo(last["id"])


def test_the_same_merge_twice_changes_nothing(base, copies):
    a, b = copies
    base.merge(a)
    base.merge(b)
    state = {t: rows(base, t) for t in TABLES}
    again = base.merge(a)
    assert not any(again["added"].values()) and again["change_id"] is None
    assert base.merge(b)["matched"]["codings"] == 4
    assert {t: rows(base, t) for t in TABLES} == state


def test_a_coding_on_differing_text_is_reported_not_placed(base, copies, tmp_path):
    a, _ = copies
    with Project(a, create=False) as p:  # the same source, its text normalised otherwise: offsets moved by one
        p.db.execute("UPDATE documents SET text = 'X' || text, text_sha256 = 'changed' WHERE id = 1")
        p.db.execute("UPDATE codings SET start = start + 1, \"end\" = \"end\" + 1, "
                     "snippet = substr((SELECT text FROM documents WHERE id = 1), start + 2, \"end\" - start) "
                     "WHERE document_id = 1")
        p.db.conn.commit()
    report = base.merge(a)
    assert report["matched"]["documents_by_source_only"] == 1
    assert report["skipped"]["codings"] == 4 and report["added"]["codings"] == 1  # the new document's
    assert {n["item"] for n in report["not_placed"]} == {"coding", "memo"}
    assert all("not" in n["reason"] for n in report["not_placed"])
    assert report["skipped"]["memos"] == 1  # its coding was not placed


def test_dry_run_writes_nothing(base, copies):
    a, _ = copies
    state = {t: rows(base, t) for t in TABLES}
    report = base.merge(a, dry_run=True)
    assert report["dry_run"] and report["added"]["codings"] == 4 and report["change_id"] is None
    assert {t: rows(base, t) for t in TABLES} == state
    assert base.merge(a)["added"] == report["added"]


def test_cli_split_and_merge(base, tmp_path):
    runner = CliRunner()
    db = str(base.path)
    out = runner.invoke(cli, ["--db", db, "split", "--coder", "bo", "-o", str(tmp_path / "bo.db"), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["codings"] == 1
    out = runner.invoke(cli, ["--db", db, "merge", str(tmp_path / "bo.db"), "--dry-run"])
    assert out.exit_code == 0 and "Dry run" in out.output and "Matched" in out.output
    out = runner.invoke(cli, ["--db", db, "merge", str(tmp_path / "bo.db"), "--json"])
    assert json.loads(out.output)["matched"]["codings"] == 1
    out = runner.invoke(cli, ["--db", db, "merge", db])
    assert out.exit_code == 1 and "this project itself" in out.output


KILLED = """
import sys, time
from workbench.project import Project
def step(name):
    print(name, flush=True)
    if name == "codings":
        time.sleep(60)
with Project(sys.argv[1], create=False) as p:
    p.merge(sys.argv[2], progress=step)
"""


def test_sigkill_during_a_merge_leaves_the_project_as_it_was(base, copies, tmp_path):
    a, _ = copies
    base.close()
    with Project(base.path, create=False) as p:
        state = {t: rows(p, t) for t in TABLES}
    process = processes.start([sys.executable, "-c", KILLED, str(base.path), str(a)], stdout=-1, text=True)
    try:
        seen = []
        for line in process.stdout:
            seen.append(line.strip())
            if line.strip() == "codings":
                break
        assert seen[-1] == "codings"  # documents, codes and codings are written, not committed
    finally:
        processes.stop(process, signal.SIGKILL)
        process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    with Project(base.path, create=False) as p:
        assert {t: rows(p, t) for t in TABLES} == state
        assert p.merge(a)["added"]["codings"] == 4


def test_suggestion_decisions_come_across_with_their_codings(base, tmp_path):
    from workbench.store.suggestions import save_suggestions

    for phrase in ("order book is thin", "OEM cut volumes", "How are the welders"):
        start, end = span(base, 1, phrase)
        save_suggestions(base.db, [{"document_id": 1, "segment_id": None, "start": start, "end": end,
                                    "code_id": "demand", "method": "rules", "source": "rule:x", "score": 0.7,
                                    "reason": "r"}])
    base.split("ann", tmp_path / "ann.db")
    with Project(tmp_path / "ann.db", create=False) as p:
        [coding] = p.suggestions.accept([1], "ann")
        p.suggestions.reject([2], "ann")
    base.suggestions.reject([1], "bo")  # decided here first: kept
    report = base.merge(tmp_path / "ann.db")
    assert report["added"]["codings"] == 1 and report["added"]["decisions"] == 1
    assert report["skipped"]["pending_suggestions"] == 1 and report["skipped"]["decisions"] == 1
    [lost] = report["not_placed"]
    assert lost["item"] == "suggestion decision" and "rejected" in lost["reason"]
    statuses = dict(base.db.execute("SELECT id, status FROM suggestions").fetchall())
    assert statuses == {1: "rejected", 2: "rejected", 3: "pending"}
    assert base.merge(tmp_path / "ann.db")["added"]["decisions"] == 0


def test_suggestions_only_the_other_copy_has_come_across_once_with_their_runs(base, tmp_path):
    base.split("ann", tmp_path / "ann.db")
    with Project(tmp_path / "ann.db", create=False) as p:
        p.codebook.update_code("demand", patterns={"phrases": ["order book", "OEM"]})
        run = p.suggestions.run("rules", who="ann")
        made = p.suggestions.list(limit=None)
        assert len(made) >= 2
        p.suggestions.accept([made[0]["id"]], "ann")
        p.suggestions.reject([made[1]["id"]], "ann")
    report = base.merge(tmp_path / "ann.db")
    assert report["added"]["suggestions"] == len(made) and report["skipped"]["suggestions"] == 0
    here = {(r["start"], r["end"], r["code_id"]): r for r in base.suggestions.list(None, limit=None)}
    assert {(r["start"], r["end"], r["code_id"]) for r in made} == set(here)
    accepted = here[(made[0]["start"], made[0]["end"], made[0]["code_id"])]
    assert accepted["status"] == "accepted" and accepted["coding_id"] is not None
    assert any(c["id"] == accepted["coding_id"] and c["coder"] == "ann" for c in base.codings.list())
    assert here[(made[1]["start"], made[1]["end"], made[1]["code_id"])]["status"] == "rejected"
    audit = base.suggestions.audit()
    assert {a["run_method"] for a in audit} == {"rules"} and all(a["run_by"] == "ann" for a in audit)
    assert run["run_id"] is not None
    again = base.merge(tmp_path / "ann.db")
    assert again["added"]["suggestions"] == 0 and not [x for x in again["not_placed"] if x["item"] == "suggestion"]


def test_a_copy_for_a_coder_keeps_only_that_coders_account(base, tmp_path):
    base.accounts.add("ann", "first-password", admin=True)
    base.accounts.add("bo", "second-password")
    base.split("bo", tmp_path / "bo.db")
    with Project(tmp_path / "bo.db", create=False) as copy:
        assert [a["name"] for a in copy.accounts.list()] == ["bo"]
        assert copy.accounts.verify("bo", "second-password")
        assert not copy.accounts.verify("ann", "first-password")
