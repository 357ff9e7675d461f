"""validate, the gated default of autocode, next, similar and the machine as a coder, on the sample corpus's
interviews and focus groups with the gold codings of its tuning and dev parts entered as coder ann."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def run_cli(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    from workbench.project import Project

    path = tmp_path_factory.mktemp("validation") / "project.db"
    with Project(path) as project:
        sources = ROOT / "corpus" / "sources"
        project.documents.ingest([sources / "interviews", sources / "focus_groups"],
                                 manifest=ROOT / "corpus" / "manifest.csv")
        project.codebook.load(ROOT / "codebooks" / "manufacturing_regions.yaml")
        project.codings.add_coder("ann")
        titles = {d["title"]: d["id"] for d in project.documents.list()}
        with open(ROOT / "corpus" / "gold" / "gold_codings.csv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["split"] in ("tuning", "dev") and row["document"] in titles and row["code"]:
                    project.codings.code(titles[row["document"]], int(row["start"]), int(row["end"]), row["code"],
                                         "ann")
        result = project.validation.run()
    return path, result


def test_validate_measures_every_code_and_stores_the_gate(coded):
    from workbench.project import Project

    path, result = coded
    assert result["coder"] == "ann" and result["documents"] >= 5
    codes = result["results"]["codes"]
    for entry in codes.values():
        for figures in entry["methods"].values():
            for name in ("precision", "recall", "f1"):
                low, high = figures["ci"][name]
                assert low <= figures[name] <= high
        chosen = entry["methods"][entry["method"]]
        assert entry["passed"] == (entry["support"] >= 20 and chosen["reached"] and chosen["precision"] >= 0.8)
    assert any(e["passed"] for e in codes.values())
    with Project(path) as project:
        latest = project.validation.latest()
        assert latest["id"] == result["id"] and not latest["stale"]
        assert set(project.validation.gate()) == set(codes)


def test_autocode_by_default_suggests_only_passed_codes_with_their_method_threshold_and_trust(coded):
    from workbench.project import Project

    path, result = coded
    codes = result["results"]["codes"]
    with Project(path) as project:
        run = project.suggestions.run()
        auto = run["auto"]
        assert auto["validation"] == result["id"] and not auto["revalidated"]
        assert set(auto["per_code"]) == {c for c, e in codes.items() if e["passed"]}
        assert set(auto["off"]) == {c for c, e in codes.items() if not e["passed"]}
        rows = project.suggestions.list(limit=None)
        assert rows and all(r["code_id"] in auto["per_code"] for r in rows)
        for r in rows:
            entry = codes[r["code_id"]]
            assert r["method"] == entry["method"] and r["score"] >= entry["threshold"] - 1e-4
            assert r["run_id"] == run["run_id"]
        assert any((r["trust"] or "").startswith("suggestions like this were right") for r in rows)
        # a rejected suggestion never comes back, and a second run adds nothing
        project.suggestions.reject([rows[0]["id"]], "ann")
        again = project.suggestions.run()
        assert again["auto"]["new"] == 0
        assert project.suggestions.list("rejected")[0]["id"] == rows[0]["id"]
        assert not [r for r in project.suggestions.list(limit=None)
                    if (r["segment_id"], r["code_id"]) == (rows[0]["segment_id"], rows[0]["code_id"])]


def test_a_new_coding_makes_the_validation_stale_and_auto_validates_again(coded, tmp_path):
    import shutil

    from workbench.project import Project

    path, _ = coded
    copy = tmp_path / "copy.db"
    shutil.copy(path, copy)
    with Project(copy) as project:
        segment = project.db.execute("SELECT id, document_id, start, \"end\" FROM segments WHERE kind = 'turn' "
                                     "LIMIT 1 OFFSET 40").fetchone()
        project.codings.code(segment[1], segment[2], segment[3], "skills", "ann")
        assert project.validation.latest()["stale"]
        assert project.suggestions.run()["auto"]["revalidated"]
        assert not project.validation.latest()["stale"]


def test_next_similar_and_the_machine_as_a_coder_from_the_command_line(coded):
    path, _ = coded
    picks = json.loads(run_cli("--db", str(path), "next", "--n", "4", "--json").stdout)
    assert len(picks) == 4 and len({p["document_id"] for p in picks}) >= 2
    assert all(p["why"] for p in picks)
    first = picks[0]["segment_id"]
    similar = json.loads(run_cli("--db", str(path), "similar", str(first), "--n", "5", "--json").stdout)
    assert len(similar) == 5 and first not in {s["segment_id"] for s in similar}
    assert [s["similarity"] for s in similar] == sorted((s["similarity"] for s in similar), reverse=True)
    machine = json.loads(run_cli("--db", str(path), "agreement", "--coder", "ann", "--coder", "machine",
                                 "--json").stdout)
    assert machine["coder_b"] == "machine" and machine["codes"]
    assert all(-1 <= c["kappa"] <= 1 for c in machine["codes"] if c["kappa"] is not None)
    text = run_cli("--db", str(path), "validate").stdout
    assert "suggested by default" in text and "Theme macro F1" in text


def test_validate_says_what_to_do_before_anything_is_coded(project):
    from workbench.errors import WorkbenchError

    project.codebook.load(ROOT / "codebooks" / "manufacturing_regions.yaml")
    with pytest.raises(WorkbenchError, match="nobody has coded anything"):
        project.validation.run()
    result = project.suggestions.run()
    assert result["auto"]["validation"] is None and result["auto"]["new"] == 0
    assert set(result["auto"]["off"].values()) == {"not enough evidence yet: code 20 more passages"}


def test_auto_with_codings_in_one_document_says_what_is_missing_instead_of_failing(project, tmp_path):
    (tmp_path / "t.txt").write_text("I: How is it?\n\nR: Welders are hard to find and the order book is thin.\n")
    project.documents.ingest([tmp_path / "t.txt"])
    project.codebook.add_code("skills", "Skills")
    project.codings.add_coder("ann")
    text = project.documents.get(1)["text"]
    project.codings.code(1, text.index("Welders"), text.index("Welders") + 7, "skills", "ann")
    auto = project.suggestions.run()["auto"]
    assert auto["validation"] is None and auto["new"] == 0
    assert auto["off"]["skills"].startswith("not enough evidence yet: cross-validation needs passages coded in at "
                                            "least 2 documents")
