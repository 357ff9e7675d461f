"""Pseudonymisation: consistent pseudonyms, the mapping always wins, the report, exports and ingest."""

import csv

import pytest
from click.testing import CliRunner

from tests.test_export_excerpts import build_coded
from workbench.errors import ExportError
from workbench.privacy.pseudonymise import Pseudonymiser, read_mapping, read_terms


def test_consistent_pseudonyms_short_forms_and_report():
    p = Pseudonymiser(use_model=False)
    p.add("Ruth Okafor", "person", "terms")
    p.add("Castlegate Fabrications Ltd", "org", "terms")
    p.add("Tipton", "place", "terms")
    p.add("Okafor", "person", "model")  # already known as a short form: no new person
    text = p.replace("Ruth Okafor runs Castlegate Fabrications Ltd in Tipton; Okafor says Castlegate Fabrications "
                     "will stay in Tipton.", "doc 1")
    assert text == "Person 1 runs Firm A in Place 1; Person 1 says Firm A will stay in Place 1."
    assert p.replace("Mr Okafor", "doc 2") == "Mr Person 1"
    report = {(r["term"], r["replacement"]): r for r in p.report()}
    assert report[("Okafor", "Person 1")]["count"] == 2
    assert report[("Tipton", "Place 1")]["where"] == "doc 1"
    assert report[("Ruth Okafor", "Person 1")]["found_by"] == "terms"


def test_mapping_always_wins_and_numbering_skips_it(tmp_path):
    (tmp_path / "map.csv").write_text("term,replacement,category\nRuth Okafor,Interviewer A,person\n")
    (tmp_path / "terms.txt").write_text("# names to hide\nRuth Okafor\nBo Lind\nAcme Widgets,org\n")
    p = Pseudonymiser(read_mapping(tmp_path / "map.csv"), read_terms(tmp_path / "terms.txt"), use_model=False)
    assert p.replace("Ruth Okafor met Bo Lind of Acme Widgets.") == "Interviewer A met Person 1 of Firm A."


def test_bad_mapping_and_terms_files_name_the_row(tmp_path):
    (tmp_path / "map.csv").write_text("term,replacement\nRuth Okafor\n")
    with pytest.raises(ExportError, match="row 2"):
        read_mapping(tmp_path / "map.csv")
    (tmp_path / "terms.txt").write_text("Acme,company\n")
    with pytest.raises(ExportError, match="line 1: unknown category"):
        read_terms(tmp_path / "terms.txt")


def test_speakers_and_name_attributes_are_learnt_but_labels_and_roles_are_not():
    p = Pseudonymiser(use_model=False)
    p.learn_speakers(["I", "R", "P3", "Moderator", "SME owner 1", "Priya", "Joanne Pattinson"])
    p.learn_attributes({"interviewer": "Sam Whitcombe", "region": "West Midlands"})
    assert p.replace("I asked Priya and Joanne Pattinson; Sam Whitcombe noted it; P3 and SME owner 1 agreed "
                     "in the West Midlands.") == ("I asked Person 1 and Person 2; Person 3 noted it; P3 and SME owner 1 "
                                                 "agreed in the West Midlands.")


def test_excerpt_export_with_mapping_replaces_names_everywhere(project, tmp_path):
    coded = build_coded(project, tmp_path)
    (tmp_path / "map.csv").write_text("Castlegate Fabrications Ltd,Firm X\n")
    (tmp_path / "terms.txt").write_text("Ruth Okafor\n")
    from workbench.cli import cli

    out = CliRunner().invoke(cli, ["--db", str(coded.path), "export", "excerpts", "-o", str(tmp_path / "x.csv"),
                                   "--pseudonym-map", str(tmp_path / "map.csv"), "--pseudonym-terms",
                                   str(tmp_path / "terms.txt"), "--pseudonym-report", str(tmp_path / "r.csv")])
    assert out.exit_code == 0, out.output
    exported = (tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    for name in ("Ruth Okafor", "Castlegate", "Sam Whitcombe"):
        assert name not in exported
    assert "All retiring soon, Person" in exported and "said so at Firm X." in exported
    rows = list(csv.DictReader((tmp_path / "r.csv").open()))
    assert {(r["term"], r["replacement"]) for r in rows} >= {("Castlegate Fabrications Ltd", "Firm X")}
    assert any(r["term"] == "Sam Whitcombe" and r["found_by"] == "attribute interviewer" for r in rows)


def test_briefing_is_pseudonymised(project, tmp_path):
    coded = build_coded(project, tmp_path)
    p = coded.pseudonymiser(use_model=False)
    p.add("Ruth Okafor", "person", "terms")
    result = coded.exports.briefing(tmp_path / "b.md", "md", pseudonymiser=p)
    text = (tmp_path / "b.md").read_text()
    assert "Ruth Okafor" not in text and result["replacements"]


def test_pseudonymise_at_ingest_stores_no_names_and_stays_consistent(project, tmp_path):
    (tmp_path / "a.txt").write_text("Interviewer: Hello.\n\nJoanne Pattinson: I work with Keir Daventry.\n\n"
                                    "Interviewer: And?\n\nJoanne Pattinson: Keir Daventry left.")
    (tmp_path / "b.txt").write_text("A note about Keir Daventry and Joanne Pattinson.")
    (tmp_path / "m.csv").write_text("file,interviewer\na.txt,Sam Whitcombe\n")
    (tmp_path / "terms.txt").write_text("Keir Daventry\n")
    p = project.pseudonymiser(terms=tmp_path / "terms.txt", use_model=False)
    project.documents.ingest([tmp_path / "a.txt"], manifest=tmp_path / "m.csv", pseudonymiser=p)
    # a later ingest with a fresh pseudonymiser reuses the stored pseudonyms
    p2 = project.pseudonymiser(terms=tmp_path / "terms.txt", use_model=False)
    project.documents.ingest([tmp_path / "b.txt"], pseudonymiser=p2)
    first, second = project.documents.get(1), project.documents.get(2)
    dump = "\n".join(str(row) for table in ("documents", "segments", "attributes", "pseudonyms")
                     for row in project.db.query(f"SELECT * FROM {table}"))
    for name in ("Joanne", "Pattinson", "Keir", "Daventry", "Whitcombe"):
        assert name not in dump.replace(str(tmp_path), "")
    speakers = {s["speaker"] for s in project.documents.segments(1)}
    joanne = next(s for s in speakers if s not in ("Interviewer", None))
    assert joanne.startswith("Person ") and first["attributes"]["interviewer"].startswith("Person ")
    keir = first["text"].split("I work with ")[1].split(".")[0]
    assert second["text"] == f"A note about {keir} and {joanne}."


@pytest.mark.slow
def test_model_finds_names_in_running_text():
    p = Pseudonymiser()
    p.learn_texts(["Yesterday Margaret Thornbury from Siemens visited the plant in Sunderland.",
                   "Margaret Thornbury said Siemens will invest."])
    text = p.replace("Margaret Thornbury from Siemens visited Sunderland.")
    assert "Margaret Thornbury" not in text and "Person 1" in text
