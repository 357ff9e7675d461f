"""The coding commands end to end: codebook, coders, code, codings, uncode, agreement, matrix."""

import json

import pytest
from click.testing import CliRunner

from tests.test_coding import CODEBOOK, TRANSCRIPT
from workbench.cli import cli


@pytest.fixture
def run(tmp_path):
    (tmp_path / "cb.yaml").write_text(CODEBOOK)
    (tmp_path / "t.txt").write_text(TRANSCRIPT)
    db = str(tmp_path / "p.db")

    def invoke(*args):
        return CliRunner().invoke(cli, ["--db", db, *[str(a) for a in args]], catch_exceptions=False)
    assert invoke("init").exit_code == 0
    assert invoke("ingest", tmp_path / "t.txt").exit_code == 0
    return invoke


def test_codebook_load_show_export(run, tmp_path):
    assert "3 codes added" in run("codebook", "load", tmp_path / "cb.yaml").stdout
    shown = json.loads(run("codebook", "show", "--json").stdout)
    assert [(c["id"], c["depth"]) for c in shown] == [("skills", 0), ("skills_ageing", 1), ("demand", 0)]
    run("codebook", "export", "-o", tmp_path / "out.yaml")
    assert "skills_ageing" in (tmp_path / "out.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(CODEBOOK.replace("id: demand", "id: skills"))
    result = run("codebook", "load", bad)
    assert result.exit_code == 1 and "duplicate id 'skills'" in result.stderr


def test_code_codings_uncode_and_agreement(run, tmp_path):
    run("codebook", "load", tmp_path / "cb.yaml")
    assert run("code", "1", "0", "5", "skills", "--coder", "ann").exit_code == 1  # unknown coder
    run("coders", "add", "ann")
    run("coders", "add", "bo")
    segs = json.loads(run("segments", "1", "--json").stdout)
    for coder in ("ann", "bo"):
        assert run("code-segment", segs[1]["id"], "skills_ageing", "--coder", coder).exit_code == 0
    run("code-segment", segs[3]["id"], "demand", "--coder", "ann")
    run("code", "1", segs[3]["start"], segs[3]["start"] + 7, "demand", "--coder", "bo", "--memo", "OEM")
    rows = json.loads(run("codings", "--code", "skills", "--with-subcodes", "--json").stdout)
    assert [r["coder"] for r in rows] == ["ann", "bo"]
    result = json.loads(run("agreement", "--coder", "ann", "--coder", "bo", "--json").stdout)
    assert result["overall"]["percent_agreement"] == 1.0  # the partial span overlaps the same segment
    chars = json.loads(run("agreement", "--coder", "ann", "--coder", "bo", "--unit", "character", "--json").stdout)
    assert chars["overall"]["percent_agreement"] < 1.0 and chars["disagreements"]
    assert json.loads(run("matrix", "--json").stdout)["rows"] == ["skills", "skills_ageing", "demand"]
    out = run("uncode", "--document", "1", "--code", "demand", "--coder", "bo")
    assert "Removed 1 coding" in out.stdout
    assert [r["coder"] for r in json.loads(run("codings", "--code", "demand", "--json").stdout)] == ["ann"]
    assert run("codebook", "delete", "demand").exit_code == 1  # has codings
    assert run("codebook", "delete", "demand", "--delete-codings").exit_code == 0


def test_autocode_suggestions_accept_reject(run, tmp_path):
    book = tmp_path / "rules.yaml"
    book.write_text(CODEBOOK.replace("    label: Ageing", "    label: Ageing\n        patterns:\n          lemmas: [retire]")
                    .replace("    label: Demand", "    label: Demand\n    patterns:\n      phrases: [order book]"))
    run("codebook", "load", book)
    run("coders", "add", "ann")
    made = json.loads(run("autocode", "--method", "rules", "--json").stdout)
    assert made["rules"]["new"] == 2
    pending = json.loads(run("suggestions", "--json").stdout)
    assert sorted(s["code_id"] for s in pending) == ["demand", "skills_ageing"]
    ageing = next(s for s in pending if s["code_id"] == "skills_ageing")
    assert ageing["source"] == "rule:skills_ageing:lemma:retire"
    assert run("codings", "--json").stdout.strip() == "[]"  # nothing applied silently
    assert "Accepted 1 suggestion" in run("accept", ageing["id"], "--coder", "ann").stdout
    [coding] = json.loads(run("codings", "--json").stdout)
    assert (coding["code_id"], coding["source"], coding["coder"]) == ("skills_ageing", ageing["source"], "ann")
    assert "Rejected 1 suggestion" in run("reject", "--all", "--code", "demand", "--coder", "ann").stdout
    assert json.loads(run("suggestions", "--json").stdout) == []
    again = json.loads(run("autocode", "--method", "rules", "--json").stdout)
    assert again["rules"]["new"] == 0  # decided suggestions do not come back
    assert run("accept", "--coder", "ann").exit_code == 2  # neither ids nor --all


def test_agreement_compares_only_documents_both_coders_coded_and_names_them(run, tmp_path):
    (tmp_path / "u.txt").write_text(TRANSCRIPT.replace("welders", "fitters"))
    run("ingest", tmp_path / "u.txt")
    run("codebook", "load", tmp_path / "cb.yaml")
    run("coders", "add", "ann")
    run("coders", "add", "bo")
    first, second = (json.loads(run("segments", doc, "--json").stdout) for doc in (1, 2))
    for coder in ("ann", "bo"):
        run("code-segment", first[1]["id"], "skills_ageing", "--coder", coder)
    for seg in second:  # only ann codes the second document
        run("code-segment", seg["id"], "demand", "--coder", "ann")
    out = run("agreement", "--coder", "ann", "--coder", "bo")
    assert out.exit_code == 0 and "Over 1 document both coded: t\n" in out.stdout
    assert "disagreements" not in out.stdout
    result = json.loads(run("agreement", "--coder", "ann", "--coder", "bo", "--json").stdout)
    assert result["documents"] == [1] and result["document_titles"] == ["t"] and result["disagreements"] == []
    chosen = run("agreement", "--coder", "ann", "--coder", "bo", "--document", "1", "--document", "u")
    assert "Over 2 chosen documents: t; u" in chosen.stdout and "4 disagreements" in chosen.stdout
    assert all(f"doc 2 {s['start']}-{s['end']} demand: only ann" in chosen.stdout for s in second)
