"""Codebooks: validation errors name file, line and code; load, edit and export keep codings consistent."""

import pytest

from tests.conftest import ROOT
from workbench.codebook.codebook_file import codebook_to_yaml, load_codebook_file, parse_codebook
from workbench.errors import CodebookError

GOOD = """version: 2
name: test_book
title: Test
codes:
  - id: skills
    label: Skills
    description: People and their skills.
    include: [shortage of people]
    color: "#2a9d8f"
    patterns:
      keywords: [welder]
      phrases: [skills gap]
      lemmas: [retire]
      tokens:
        - [{LOWER: {IN: [ageing, aging]}}, {LOWER: workforce}]
    children:
      - id: skills_ageing
        label: Ageing workforce
        examples: ["Half our welders retire in five years."]
  - id: demand
    label: Demand
"""


def test_parse_and_round_trip():
    book = parse_codebook(GOOD, "t.yaml")
    assert [(c.id, parent) for c, parent in book.walk()] == [("skills", None), ("skills_ageing", "skills"),
                                                             ("demand", None)]
    again = parse_codebook(codebook_to_yaml(book), "again.yaml")
    assert codebook_to_yaml(again) == codebook_to_yaml(book)
    assert again.codes[0].patterns["tokens"] == [[{"LOWER": {"IN": ["ageing", "aging"]}}, {"LOWER": "workforce"}]]


@pytest.mark.parametrize("change,message", [
    (("- id: demand", "- id: skills"), r"t.yaml line 20: duplicate id 'skills' \(first at line 5\)"),
    (("    label: Demand", "    label: Demand\n    colour: red"), r"line 22: code 'demand': unknown key 'colour'"),
    (('"#2a9d8f"', '"teal"'), r"line 9: code 'skills': bad colour 'teal'"),
    (("{LOWER: workforce}", "{LOWR: workforce}"), r"code 'skills': token pattern 1 is malformed"),
    (("- id: demand", "- id: Demand Signals"), r"line 20: code 'Demand Signals' has no valid id"),
    (("name: test_book", "name: test_book\nowner: me"), r"unknown key 'owner' at the top"),
    (("    label: Demand", "    label: [unclosed"), r"t.yaml line 2\d: not valid YAML"),
    (("      keywords: [welder]", "      keywords: welder"), r"`keywords` must be a list"),
    (("      lemmas: [retire]", "      regex: [x]"), r"unknown pattern kind 'regex'"),
])
def test_validation_errors_name_line_and_code(change, message):
    with pytest.raises(CodebookError, match=message) as info:
        parse_codebook(GOOD.replace(*change), "t.yaml")
    assert info.value.hint


def test_alias_cycle_is_refused():
    text = """version: 1
name: loop
codes:
  - &top
    id: top
    label: Top
    children:
      - *top
"""
    with pytest.raises(CodebookError, match="contains itself"):
        parse_codebook(text, "loop.yaml")


def test_shipped_codebooks_are_valid():
    main = load_codebook_file(ROOT / "codebooks" / "manufacturing_regions.yaml")
    assert [c.id for c in main.codes][:3] == ["mark3_districts", "skills", "demand_signals"]
    ids = [c.id for c, _ in main.walk()]
    assert len(ids) == len(set(ids)) >= 23
    for code, _ in main.walk():
        assert code.description and code.color, code.id
    assert sum(1 for c, _ in main.walk() if c.patterns) >= 20
    other = load_codebook_file(ROOT / "codebooks" / "field_themes.yaml")
    assert not set(ids) & {c.id for c, _ in other.walk()}


@pytest.fixture
def coded(project, tmp_path):
    (tmp_path / "cb.yaml").write_text(GOOD)
    (tmp_path / "t.txt").write_text("I: welders?\n\nR: All retiring soon.\n\nI: orders?\n\nR: Thin order book.")
    project.documents.ingest([tmp_path / "t.txt"])
    project.codebook.load(tmp_path / "cb.yaml")
    project.codings.add_coder("ann")
    segs = project.documents.segments(1)
    return project, segs


def test_load_export_unchanged_in_meaning(project, tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text(GOOD)
    assert project.codebook.load(path) == {"codebook": "test_book", "added": 3, "updated": 0, "not_in_file": [],
                                           "training_examples": 0, "examples_file": None}
    exported = parse_codebook(project.codebook.to_yaml(), "export.yaml")
    assert codebook_to_yaml(exported) == codebook_to_yaml(parse_codebook(GOOD, "t.yaml"))
    # Loading again updates in place.
    assert project.codebook.load(path)["updated"] == 3


def test_bad_codebook_loads_nothing(project, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace('"#2a9d8f"', '"nope"'))
    with pytest.raises(CodebookError):
        project.codebook.load(path)
    assert project.codebook.codes() == []


def test_edit_rename_move_merge_delete_keep_codings_consistent(coded):
    project, segs = coded
    first = project.codings.code_segment(segs[1]["id"], "skills_ageing", "ann")
    project.codings.code_segment(segs[1]["id"], "skills", "ann")
    project.codings.code_segment(segs[3]["id"], "demand", "ann")
    project.codebook.update_code("skills_ageing", label="Retirements", description="Staff retiring.")
    assert project.codings.list(code="skills_ageing")[0]["code_label"] == "Retirements"
    project.codebook.move_code("skills_ageing", "demand")
    assert [c["id"] for c in project.codebook.codes() if c["parent_id"] == "demand"] == ["skills_ageing"]
    with pytest.raises(CodebookError, match="one of its sub-codes"):
        project.codebook.move_code("demand", "skills_ageing")
    # Merging into a code that already has the same coding keeps one, no duplicate.
    assert project.codebook.merge_codes("skills_ageing", "skills") == 0
    assert [c["code_id"] for c in project.codings.list()] == ["skills", "demand"]
    assert not any(c["id"] == "skills_ageing" for c in project.codebook.codes())
    with pytest.raises(CodebookError, match="has 1 codings"):
        project.codebook.delete_code("demand")
    assert project.codebook.delete_code("demand", "delete") == 1
    assert [c["code_id"] for c in project.codings.list()] == ["skills"]
    assert first not in {c["id"] for c in project.codings.list()}


def test_delete_moving_codings_to_parent(coded):
    project, segs = coded
    project.codings.code_segment(segs[1]["id"], "skills_ageing", "ann")
    assert project.codebook.delete_code("skills_ageing", "parent") == 1
    assert [c["code_id"] for c in project.codings.list()] == ["skills"]
