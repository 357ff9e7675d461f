"""What a newcomer hit first (issue 19): a mistyped --db, a missing path, coder names, offsets to code
by, how many suggestions wait, and a re-run that has nothing new."""

import json
import sqlite3

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from workbench.cli import cli
from workbench.coding.spans import phrase_spans
from workbench.errors import CodingError
from workbench.project import Project

CODEBOOK = """version: 1
name: t
codes:
  - id: skills
    label: Skills
    patterns:
      keywords: [welders]
  - id: demand
    label: Demand
    patterns:
      phrases: [order book]
"""
TRANSCRIPT = ("I: How are the welders?\n\nR: All retiring soon, and the order\nbook is thin.  The order book was full "
              "in 2019.\n\nI: Why?\n\nR: The OEM cut volumes, and the welders left.\n")


@pytest.fixture
def invoke(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    monkeypatch.delenv("WORKBENCH_CODER", raising=False)

    def run(*args, db=None):
        return CliRunner().invoke(cli, [*(["--db", str(db)] if db else []), *[str(a) for a in args]],
                                  catch_exceptions=False)
    return run


@pytest.fixture
def coded(invoke, tmp_path):
    """A project with one interview and a two-code codebook; returns the runner bound to it."""
    db = tmp_path / "p.db"
    (tmp_path / "t.txt").write_text(TRANSCRIPT)
    (tmp_path / "cb.yaml").write_text(CODEBOOK)

    def run(*args):
        return invoke(*args, db=db)
    assert run("init").exit_code == 0
    assert run("ingest", tmp_path / "t.txt").exit_code == 0
    assert run("codebook", "load", tmp_path / "cb.yaml").exit_code == 0
    assert run("coders", "add", "ann").exit_code == 0
    run.db = db
    return run


def project_files(folder):
    return sorted(p.name for p in folder.iterdir() if ".db" in p.name)


# 1. A mistyped --db is an error, and leaves no file behind.

@pytest.mark.parametrize("args", [
    ["documents"], ["summary"], ["segments", "1"], ["search", "welders"], ["codebook", "show"], ["coders"],
    ["coders", "default"], ["suggestions"], ["autocode"], ["accept", "--all", "--coder", "ann"], ["codings"],
    ["check"], ["memo", "list"], ["topics", "list"], ["export", "qdpx", "-o", "out.qdpx"],
])
def test_commands_on_a_missing_project_say_so_and_create_nothing(invoke, tmp_path, args):
    result = invoke(*args, db=tmp_path / "nothere.db")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"Error: no project at {tmp_path / 'nothere.db'}"
    assert "Hint:" in result.stderr and "workbench init" in result.stderr
    assert project_files(tmp_path) == []


def test_default_project_missing_in_the_current_folder(invoke, tmp_path):
    result = invoke("documents")
    assert result.exit_code == 1 and result.stderr.startswith("Error: no project at workbench.db")
    assert not (tmp_path / "workbench.db").exists()


def test_ingest_needs_init_or_create(invoke, tmp_path):
    (tmp_path / "a.txt").write_text("Paragraph one.")
    refused = invoke("ingest", "a.txt", db="new.db")
    assert refused.exit_code == 1 and "Error: no project at new.db" in refused.stderr
    assert "--create" in refused.stderr and "workbench init" in refused.stderr
    assert project_files(tmp_path) == []
    made = invoke("ingest", "a.txt", "--create", db="new.db")
    assert made.exit_code == 0 and "1 ingested" in made.stdout
    assert (tmp_path / "new.db").exists()


def test_init_creates_and_then_commands_work(invoke, tmp_path):
    assert "Project ready" in invoke("init", db="p.db").stdout
    assert invoke("documents", "--json", db="p.db").stdout.strip() == "[]"
    assert invoke("init", db="p.db").exit_code == 0  # again: brings it up to date, nothing lost


# 2. A path that does not exist is one failed outcome naming it; the batch goes on.

def test_ingest_missing_path_is_named_and_the_batch_goes_on(invoke, tmp_path):
    (tmp_path / "a.txt").write_text("Paragraph one.")
    invoke("init")
    result = invoke("ingest", tmp_path / "nonexistent", "a.txt", tmp_path / "gone.txt")
    assert result.exit_code == 1  # something failed
    assert "1 ingested" in result.stdout and "2 failed" in result.stdout
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert failed[0].startswith(f"failed: {tmp_path / 'nonexistent'}: does not exist")
    assert failed[1].startswith(f"failed: {tmp_path / 'gone.txt'}: does not exist")
    assert "unsupported" not in result.output
    outcomes = json.loads(invoke("ingest", "/nonexistent", "--json").stdout)
    assert [(o["path"], o["status"], o["error"]) for o in outcomes] == [
        ("/nonexistent", "failed", "/nonexistent: does not exist")]


def test_broken_link_is_named(invoke, tmp_path):
    (tmp_path / "link.txt").symlink_to(tmp_path / "target.txt")
    invoke("init")
    [outcome] = json.loads(invoke("ingest", "link.txt", "--json").stdout)
    assert outcome["status"] == "failed" and outcome["error"] == "link.txt: is a broken link"


# 3. Coder names: --coder, else $WORKBENCH_CODER, else the project's default.

def test_accept_without_any_coder_explains_the_three_ways(coded):
    coded("autocode", "--method", "rules")
    result = coded("accept", "--all")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("Error: no coder given")
    hint = result.stderr.splitlines()[1]
    assert hint.startswith("Hint:") and "--coder" in hint and "$WORKBENCH_CODER" in hint
    assert "workbench coders default NAME" in hint
    assert coded("reject", "1").exit_code == 1
    assert coded("code", "1", "3", "10", "skills").exit_code == 1
    assert json.loads(coded("codings", "--json").stdout) == []


def test_coder_from_environment_then_project_default(coded, monkeypatch):
    coded("autocode", "--method", "rules", "--include-interviewer")
    pending = json.loads(coded("suggestions", "--json").stdout)
    monkeypatch.setenv("WORKBENCH_CODER", "ann")
    assert "by ann" in coded("accept", pending[0]["id"]).stdout
    monkeypatch.delenv("WORKBENCH_CODER")
    assert coded("coders", "default").stdout.startswith("No default coder")
    assert coded("coders", "default", "bo").exit_code == 1  # a typo must not become a new coder
    coded("coders", "add", "bo")
    assert coded("coders", "default", "bo").stdout.strip() == "Default coder: bo."
    assert coded("coders", "default").stdout.strip() == "bo"
    assert "by bo" in coded("accept", pending[1]["id"]).stdout
    monkeypatch.setenv("WORKBENCH_CODER", "ann")  # the environment wins over the project default
    assert "Rejected 1" in coded("reject", pending[2]["id"]).stdout
    coded("code-segment", "4", "demand", "--coder", "bo")  # and --coder over both
    coders = [(r["code_id"], r["coder"]) for r in json.loads(coded("codings", "--json").stdout)]
    assert sorted(coders) == sorted([(pending[0]["code_id"], "ann"), (pending[1]["code_id"], "bo"), ("demand", "bo")])
    decided = json.loads(coded("suggestions", "--status", "rejected", "--json").stdout)
    assert [s["decided_by"] for s in decided] == ["ann"]
    assert coded("coders", "default", "--clear").stdout.strip() == "No default coder."
    monkeypatch.delenv("WORKBENCH_CODER")
    assert coded("code-segment", "2", "skills").exit_code == 1


def test_memo_author_defaults_to_the_coder_and_is_optional(coded, monkeypatch):
    coded("memo", "add", "nobody wrote this", "--document", "1")
    monkeypatch.setenv("WORKBENCH_CODER", "ann")
    coded("memo", "add", "ann wrote this", "--document", "1")
    memos = json.loads(coded("memo", "list", "--json").stdout)
    assert [(m["text"], m["author"]) for m in memos] == [("nobody wrote this", None), ("ann wrote this", "ann")]


def test_default_coder_api_is_kept_in_the_project(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_CODER", raising=False)
    with Project(tmp_path / "p.db") as project:
        assert project.codings.default_coder() is None
        assert project.codings.coder_for(None, required=False) is None
        with pytest.raises(CodingError, match="no coder given"):
            project.codings.coder_for()
        with pytest.raises(CodingError, match="unknown coder 'ann'"):
            project.codings.set_default_coder("ann")  # a typo must not become a new coder
        project.codings.add_coder("ann")
        assert project.codings.set_default_coder("  ann ") == "ann"
        assert [c["name"] for c in project.codings.coders()] == ["ann"]
    with Project(tmp_path / "p.db", create=False) as project:
        assert project.codings.default_coder() == "ann"
        assert project.codings.coder_for() == "ann"
        assert project.codings.coder_for("bo") == "bo"
        monkeypatch.setenv("WORKBENCH_CODER", "cy")
        assert project.codings.coder_for() == "cy"
        assert project.codings.set_default_coder(None) is None and project.codings.default_coder() is None
    applied = [r[0] for r in sqlite3.connect(tmp_path / "p.db").execute("SELECT name FROM _sqlite_migrations")]
    assert "m006_settings" in applied


# 4. Offsets are shown where text is read, and a segment or phrase in it can be coded without them.

def test_segments_and_search_show_offsets(coded):
    segments = json.loads(coded("segments", "1", "--json").stdout)
    answer = segments[1]
    assert (answer["start"], answer["end"]) == (28, 108)
    assert f"{answer['start']}-{answer['end']}" in coded("segments", "1").stdout
    text = coded("search", "thin").stdout
    assert f"segment {answer['id']}, chars 28-108" in text
    [hit] = json.loads(coded("search", "thin", "--json").stdout)
    assert (hit["segment_id"], hit["start"], hit["end"]) == (answer["id"], 28, 108)


def test_code_a_whole_segment_or_a_phrase_in_it(coded):
    document = coded("show", "1", "--json")
    text = json.loads(document.stdout)["text"]
    assert coded("code", "1", "skills", "--segment", "2", "--coder", "ann").stdout.startswith("Coding ")
    # Spaces and a line break in the stored text match the single spaces given.
    assert coded("code", "1", "demand", "--segment", "2", "--text", "the order book  is\tthin",
                 "--coder", "ann").exit_code == 0
    rows = json.loads(coded("codings", "--json").stdout)
    spans = {r["code_id"]: (r["start"], r["end"], r["snippet"]) for r in rows}
    assert spans["skills"] == (28, 108, text[28:108])
    start = text.index("the order\nbook")
    assert spans["demand"] == (start, start + len("the order\nbook is thin"), "the order\nbook is thin")
    assert coded("check").exit_code == 0  # offsets and snippets agree with the stored text
    # Offsets still work, as before.
    assert coded("code", "1", "3", "10", "skills", "--coder", "ann").exit_code == 0


def test_phrase_twice_absent_or_in_another_document(coded, tmp_path):
    twice = coded("code", "1", "demand", "--segment", "2", "--text", "order book", "--coder", "ann")
    assert twice.exit_code == 1
    assert "'order book' occurs 2 times in segment 2" in twice.stderr and "longer phrase" in twice.stderr
    absent = coded("code", "1", "demand", "--segment", "2", "--text", "Order book is thin", "--coder", "ann")
    assert absent.exit_code == 1 and "segment 2 does not contain 'Order book is thin'" in absent.stderr
    assert "the segment reads: 'All retiring soon, and the order book is thin." in absent.stderr
    assert "case-sensitive" in absent.stderr
    partial = coded("code", "1", "demand", "--segment", "2", "--text", "rder book is", "--coder", "ann")
    assert partial.exit_code == 1  # words are whole words
    empty = coded("code", "1", "demand", "--segment", "2", "--text", " \n", "--coder", "ann")
    assert empty.exit_code == 1 and "the words to code are empty" in empty.stderr
    (tmp_path / "b.txt").write_text("Another paragraph.")
    coded("ingest", tmp_path / "b.txt")
    elsewhere = coded("code", "2", "demand", "--segment", "2", "--coder", "ann")
    assert elsewhere.exit_code == 1 and "segment 2 is not in document 2" in elsewhere.stderr
    assert json.loads(coded("codings", "--json").stdout) == []


@pytest.mark.parametrize("args,message", [
    (["1", "demand", "--text", "order"], "--text needs --segment"),
    (["1", "3", "demand", "--segment", "2"], "with --segment give DOC and CODE only"),
    (["1", "3", "demand"], "give DOC START END CODE"),
    (["1", "x", "9", "demand"], "START and END are character offsets"),
])
def test_code_argument_mistakes_are_usage_errors(coded, args, message):
    result = coded("code", *args, "--coder", "ann")
    assert result.exit_code == 2 and message in result.stderr


WORD = st.text(alphabet="abcXY9,.'-", min_size=1, max_size=6)
SPACE = st.sampled_from([" ", "  ", "\n", "\n\n", " \t", "\u00a0"])


@given(st.lists(st.tuples(WORD, SPACE), min_size=1, max_size=12), st.data())
def test_phrase_spans_find_the_words_whatever_the_spacing(pieces, data):
    text = "".join(w + s for w, s in pieces)
    starts, at = [], 0
    for w, s in pieces:
        starts.append(at)
        at += len(w) + len(s)
    i = data.draw(st.integers(0, len(pieces) - 1))
    j = data.draw(st.integers(i, len(pieces) - 1))
    words = [w for w, _ in pieces[i:j + 1]]
    expected = (starts[i], starts[j] + len(pieces[j][0]))
    spans = phrase_spans(text, " ".join(words))
    assert expected in spans
    for start, end in spans:  # every span found is those words, half-open offsets into the text
        assert text[start:end].split() == words
        assert 0 <= start < end <= len(text)


# 5. After autocode: how many suggestions wait, per code.

def test_autocode_before_any_coding_says_each_code_needs_evidence_and_how_to_run_rules_anyway(coded):
    result = coded("autocode")
    assert result.exit_code == 0
    assert "auto: 0 new suggestions for 0 codes that passed the measured gate" in result.stdout
    assert "skills: not enough evidence yet: code 20 more passages" in result.stdout
    assert "`--method rules` runs the rules anyway" in result.stdout


def test_autocode_says_what_waits_per_code(coded):
    result = coded("autocode", "--method", "rules", "--include-interviewer")
    assert result.exit_code == 0
    assert "Waiting for review: 3 suggestions — skills 2, demand 1\n" in result.stdout
    data = json.loads(coded("autocode", "--method", "rules", "--json").stdout)
    assert data["pending"] == {"skills": 2, "demand": 1} and data["rules"]["new"] == 0
    coded("reject", "--all", "--code", "demand", "--coder", "ann")
    with Project(coded.db, create=False) as project:
        assert project.suggestions.pending_by_code() == {"skills": 2}
    coded("reject", "--all", "--coder", "ann")
    assert "Waiting for review: no suggestions." in coded("autocode", "--method", "rules").stdout


# 6. Ingesting the same files again: one line, not a table of duplicates.

def test_reingest_says_nothing_new_in_one_line(invoke, tmp_path):
    folder = tmp_path / "sources"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.md"):
        (folder / name).write_text(f"Text of {name}.")
    invoke("ingest", folder, "--create")
    again = invoke("ingest", folder)
    assert again.exit_code == 0
    assert again.stdout == "Nothing new: all 3 files are already in the project (3 duplicates).\n"
    records = json.loads(invoke("ingest", folder, "--json").stdout)
    assert [r["status"] for r in records] == ["duplicate"] * 3  # --json lists every file, as before
    (folder / "d.txt").write_text("New text.")
    mixed = invoke("ingest", folder)
    assert "1 ingested, 3 duplicate" in mixed.stdout and "Nothing new" not in mixed.stdout
