"""Provenance of automatic suggestions: each run is recorded with its settings, model and codebook hash; an accepted
coding traces back to its suggestion and run; `workbench audit`, REFI-QDA export and briefings show the trail."""

import csv
import io
import json
import zipfile

import pytest
from click.testing import CliRunner
from lxml import etree

from tests.test_refi import schema
from tests.test_suggestions import CODEBOOK, TRANSCRIPT
from workbench.autocode.provenance import codebook_sha256
from workbench.cli import cli
from workbench.export.refi_common import PROJECT_NS, guid, project_namespace

NS = {"q": PROJECT_NS}


@pytest.fixture
def ruled(project, tmp_path):
    """A small interview, a two-code codebook, and one rules run by alice."""
    (tmp_path / "tiny.yaml").write_text(CODEBOOK)
    (tmp_path / "int01.txt").write_text(TRANSCRIPT)
    project.codebook.load(tmp_path / "tiny.yaml")
    project.documents.ingest([tmp_path / "int01.txt"])
    project.codings.add_coder("alice")
    result = project.suggestions.run("rules", who="alice")
    assert result["rules"]["new"] == 3 and result["run_id"] == 1
    return project


def run_row(project, run_id):
    from workbench.store.suggestions import get_run

    return get_run(project.db, run_id)


def test_a_run_records_its_settings_model_and_codebook_hash(ruled):
    run = run_row(ruled, 1)
    assert run["method"] == "rules" and run["run_by"] == "alice" and run["finished_at"]
    assert run["codebook_sha256"] == codebook_sha256(ruled.db) and len(run["codebook_sha256"]) == 64
    assert run["model"].startswith("blank English + lookup lemmas (spaCy ") and run["model_sha256"] is None
    assert run["settings"]["include_interviewer"] is False and run["settings"]["codes"] is None
    assert set(run["settings"]["per_code"]) == {"skills", "demand"}
    assert run["workbench_version"]
    rows = ruled.suggestions.list(status=None)
    assert {r["run_id"] for r in rows} == {1}
    from workbench.cli import cli as workbench

    out = CliRunner().invoke(workbench, ["--db", str(ruled.path), "suggestions", "--json"])
    assert out.exit_code == 0 and {r["run_id"] for r in json.loads(out.output)} == {1}


def test_the_semantic_model_is_recorded_by_name_and_weights_hash(ruled, monkeypatch):
    from workbench.autocode import provenance
    from workbench.embeddings import encoders

    monkeypatch.setattr(encoders, "weights_sha256", lambda name: "ab" * 32)
    assert provenance.run_model(ruled.db, "semantic") == (encoders.project_encoder(ruled.db), "ab" * 32)
    assert provenance.run_model(ruled.db, "rules")[1] is None


def test_editing_a_definition_or_an_example_changes_the_codebook_hash(ruled):
    from workbench.store.codes import update_code
    from workbench.store.examples import replace_examples

    first = codebook_sha256(ruled.db)
    assert codebook_sha256(ruled.db) == first  # stable
    update_code(ruled.db, "skills", description="Finding and keeping skilled staff.")
    second = codebook_sha256(ruled.db)
    assert second != first
    assert codebook_sha256(ruled.db, ["demand"]) == codebook_sha256(ruled.db, ["demand"])
    replace_examples(ruled.db, "tiny", [{"ref": "e1", "text": "Our welders are retiring.", "codes": ["skills"]}])
    assert codebook_sha256(ruled.db) != second
    assert codebook_sha256(ruled.db, ["demand"]) == codebook_sha256(ruled.db, ["demand"])
    ruled.suggestions.run("rules", who="bo")
    assert run_row(ruled, 2)["codebook_sha256"] == codebook_sha256(ruled.db) != run_row(ruled, 1)["codebook_sha256"]


def test_accepting_traces_the_coding_to_its_suggestion_and_run(ruled):
    skills = ruled.suggestions.list(code="skills")
    [coding_id] = ruled.suggestions.accept([skills[0]["id"]], "alice")
    demand = ruled.suggestions.list(code="demand")
    ruled.suggestions.reject([demand[0]["id"]], "alice")
    rows = {r["suggestion_id"]: r for r in ruled.suggestions.audit()}
    assert len(rows) == 3
    accepted = rows[skills[0]["id"]]
    assert accepted["status"] == "accepted" and accepted["decided_by"] == "alice" and accepted["decided_at"]
    assert accepted["coding_id"] == coding_id and accepted["run_id"] == 1 and accepted["run_by"] == "alice"
    assert accepted["codebook_sha256"] == run_row(ruled, 1)["codebook_sha256"]
    assert accepted["document"] == "int01" and accepted["code_label"] == "Skills" and accepted["method"] == "rules"
    assert rows[demand[0]["id"]]["status"] == "rejected" and rows[demand[0]["id"]]["coding_id"] is None
    assert [r["suggestion_id"] for r in ruled.suggestions.audit(status="accepted")] == [skills[0]["id"]]
    assert {r["code_id"] for r in ruled.suggestions.audit(code="demand")} == {"demand"}
    # the decision is in the change log, as before
    change = ruled.db.execute("SELECT kind, coder FROM changes WHERE kind = 'suggestion.accept'").fetchone()
    assert change == ("suggestion.accept", "alice")


def test_a_rejected_rule_suggestion_never_returns(ruled):
    demand = ruled.suggestions.list(code="demand")
    ruled.suggestions.reject([s["id"] for s in demand], "alice")
    again = ruled.suggestions.run("rules", who="alice")
    assert again["rules"]["new"] == 0 and again["run_id"] == 2
    assert ruled.suggestions.list(code="demand") == []
    assert ruled.db.execute("SELECT count(*) FROM suggestions WHERE run_id = 2").fetchone()[0] == 0


def test_audit_cli_table_json_and_csv(ruled, tmp_path):
    ruled.suggestions.accept([ruled.suggestions.list(code="skills")[0]["id"]], "alice")
    runner = CliRunner()
    db = ["--db", str(ruled.path)]
    out = runner.invoke(cli, [*db, "audit"])
    assert out.exit_code == 0, out.output
    assert "accepted" in out.output and "alice" in out.output
    data = json.loads(runner.invoke(cli, [*db, "audit", "--json", "--status", "accepted"]).output)
    assert len(data) == 1 and data[0]["decided_by"] == "alice" and data[0]["settings"]["method"] == "rules"
    out = runner.invoke(cli, [*db, "audit", "-o", str(tmp_path / "trail.csv"), "--code", "skills"])
    assert out.exit_code == 0 and "2 suggestions" in out.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "trail.csv").read_text(encoding="utf-8-sig"))))
    assert {r["code_id"] for r in rows} == {"skills"} and {r["run_id"] for r in rows} == {"1"}
    assert {r["status"] for r in rows} == {"accepted", "pending"}
    assert json.loads(rows[0]["settings"])["method"] == "rules"
    out = runner.invoke(cli, [*db, "audit", "--code", "nope"])
    assert out.exit_code == 1 and "Error:" in out.output


def test_autocode_cli_records_the_coder(ruled):
    ruled.codings.set_default_coder("alice")
    runner = CliRunner()
    out = runner.invoke(cli, ["--db", str(ruled.path), "autocode", "--coder", "bo"])
    assert out.exit_code == 0 and "Recorded as run 2" in out.output
    out = runner.invoke(cli, ["--db", str(ruled.path), "autocode", "--json"])
    assert json.loads(out.output)["run_id"] == 3
    assert run_row(ruled, 2)["run_by"] == "bo" and run_row(ruled, 3)["run_by"] == "alice"


def test_suggestions_made_before_runs_were_recorded_have_none(ruled):
    from workbench.store.suggestions import save_suggestions

    save_suggestions(ruled.db, [{"document_id": 1, "segment_id": None, "start": 0, "end": 5, "code_id": "skills",
                                 "method": "topic", "source": "topic:1", "score": 0.3}])
    row = next(r for r in ruled.suggestions.audit() if r["method"] == "topic")
    assert row["run_id"] is None and row["model"] is None and row["threshold"] is None


def qde(path):
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("project.qde"))


def test_refi_export_puts_accepted_automatic_codings_under_the_method_user(ruled, tmp_path):
    skills = ruled.suggestions.list(code="skills")[0]
    [coding_id] = ruled.suggestions.accept([skills["id"]], "alice")
    ruled.codings.code(1, 0, 4, "demand", "alice")  # a manual coding keeps its coder
    ruled.exports.qdpx(tmp_path / "p.qdpx")
    root = qde(tmp_path / "p.qdpx")
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    assert sorted(users.values()) == ["alice", "workbench rules"]
    notes = {n.get("guid"): n for n in root.iterfind("q:Notes/q:Note", NS)}
    by_user = {}
    for coding in root.iter(f"{{{PROJECT_NS}}}Coding"):
        by_user[users[coding.get("creatingUser")]] = coding
    automatic = by_user["workbench rules"]
    [ref] = automatic.findall("q:NoteRef", NS)
    note = notes[ref.get("targetGUID")]
    text = note.findtext("q:PlainTextContent", namespaces=NS)
    assert f"Automatic suggestion {skills['id']} by rules, run 1" in text
    assert "Accepted by alice" in text and "Codebook sha256 " + run_row(ruled, 1)["codebook_sha256"][:12] in text
    assert users[note.get("creatingUser")] == "alice"
    assert not by_user["alice"].findall("q:NoteRef", NS)
    assert automatic.get("guid") == guid(project_namespace(ruled.path.stem), "coding", coding_id)
    from workbench.project import Project

    with Project(tmp_path / "copy.db") as copy:  # the round trip keeps the coding, under the method's user
        report = copy.exports.import_refi(tmp_path / "p.qdpx")
        assert report["unmapped_count"] == 0 and report["codings"] == 2
        assert sorted(c["coder"] for c in copy.codings.list()) == ["alice", "workbench rules"]
    schema("Project.xsd").validate(etree.tostring(root).decode())  # skipped where the XSD is not beside the repo


def test_briefing_marks_quotations_from_accepted_suggestions(ruled, tmp_path):
    ruled.suggestions.accept([ruled.suggestions.list(code="skills")[0]["id"]], "alice")
    text = ruled.documents.get(1)["text"]
    start = text.index("The order book")
    ruled.codings.code(1, start, start + len("The order book is full."), "demand", "alice")
    for fmt in ("md", "html"):
        ruled.exports.briefing(tmp_path / f"b.{fmt}", fmt, mark_automatic=True)
        body = (tmp_path / f"b.{fmt}").read_text()
        assert body.count("†") == 2, fmt  # one quotation and the line that explains the mark
        assert "coded by accepting an automatic suggestion (rules, run 1)" in body
        ruled.exports.briefing(tmp_path / f"plain.{fmt}", fmt)
        assert "†" not in (tmp_path / f"plain.{fmt}").read_text()
    ruled.exports.briefing(tmp_path / "b.docx", "docx", mark_automatic=True)
    import docx

    paragraphs = [p.text for p in docx.Document(str(tmp_path / "b.docx")).paragraphs]
    assert sum(p.count("†") for p in paragraphs) == 2
    out = CliRunner().invoke(cli, ["--db", str(ruled.path), "export", "briefing", "-o", str(tmp_path / "c.md"),
                                   "--mark-automatic"])
    assert out.exit_code == 0, out.output
    assert "† coded by accepting" in (tmp_path / "c.md").read_text()


@pytest.mark.slow
def test_a_rejected_semantic_suggestion_never_returns(project, tmp_path):
    from tests.test_autocode_semantic import CODEBOOK as SEMANTIC_CODEBOOK
    from tests.test_autocode_semantic import DEMAND, SKILLS

    (tmp_path / "tiny.yaml").write_text(SEMANTIC_CODEBOOK)
    turns = [f"I: Could you say more?\n\nR: {s}\n\nI: Right.\n\nR: {d}" for s, d in zip(SKILLS, DEMAND)]
    (tmp_path / "int01.txt").write_text("\n\n".join(turns) + "\n")
    project.codebook.load(tmp_path / "tiny.yaml")
    project.documents.ingest([tmp_path / "int01.txt"])
    project.codings.add_coder("alice")
    first = project.suggestions.run("semantic", who="alice", threshold=0.3)
    assert first["semantic"]["new"] > 0
    run = run_row(project, first["run_id"])
    from workbench.embeddings.encoders import weights_sha256

    assert run["model"] == first["semantic"]["model"] and run["model_sha256"] == (weights_sha256(run["model"]) or None)
    rows = project.suggestions.audit()
    assert all(r["threshold"] == pytest.approx(0.3) for r in rows if r["method"] == "semantic")
    rejected = [r["suggestion_id"] for r in rows]
    project.suggestions.reject(rejected, "alice")
    again = project.suggestions.run("semantic", who="alice", threshold=0.3)
    assert again["semantic"]["new"] == 0
    assert project.suggestions.list() == []


def test_merging_a_copy_brings_its_runs_along(ruled, tmp_path):
    from workbench.project import Project

    ruled.split("alice", tmp_path / "alice.db")
    ruled.suggestions.run("rules", who="bo")  # run 2 here, made after the split
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "int02.txt").write_text("I: Staff?\n\nR: Our last welder left for the city.\n")
    with Project(tmp_path / "alice.db", create=False) as copy:
        copy.documents.ingest([tmp_path / "new" / "int02.txt"])
        assert copy.suggestions.run("rules", who="alice")["run_id"] == 2  # run 2 there too: a different run
    ruled.merge(tmp_path / "alice.db")
    merged = [r for r in ruled.suggestions.audit() if r["document"] == "int02"]
    assert merged and {r["run_by"] for r in merged} == {"alice"}
    [run_id] = {r["run_id"] for r in merged}
    assert run_id not in (1, 2) and run_row(ruled, run_id)["run_by"] == "alice"
    assert run_row(ruled, 2)["run_by"] == "bo"
