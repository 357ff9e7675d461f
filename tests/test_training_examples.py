"""Training examples: a codebook's companion file of labelled passages, validated, stored and replaced whole."""

import json

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from workbench.codebook.examples_file import companion_path, parse_examples
from workbench.errors import CodebookError

BOOK = """version: 1
name: small
codes:
  - id: skills
    label: Skills
    children:
      - id: skills_ageing
        label: Ageing workforce
  - id: demand
    label: Demand
"""
EXAMPLES = """# fictional
- id: a1
  text: "Half my toolroom is over sixty."
  codes: [skills_ageing]
- text: "The   order book is  full."
  codes: [demand]
- text: "We bought a new compressor."
  codes: []
"""


def test_parse_keeps_text_codes_and_reference():
    examples = parse_examples(EXAMPLES, "x.yaml", {"skills", "skills_ageing", "demand"})
    assert examples == [{"ref": "a1", "text": "Half my toolroom is over sixty.", "codes": ["skills_ageing"]},
                        {"ref": "2", "text": "The order book is full.", "codes": ["demand"]},
                        {"ref": "3", "text": "We bought a new compressor.", "codes": []}]


@pytest.mark.parametrize("text,message", [
    ("- text: hello\n  codes: [nope]\n", "line 1: example 1 names unknown code 'nope'"),
    ("- text: hello\n", "example 1 needs `codes`"),
    ("- codes: [demand]\n", "example 1 needs a `text`"),
    ("- text: hello\n  codes: [demand]\n  colour: red\n", "unknown key 'colour'"),
    ("text: hello\n", "training examples are a list"),
    ("- text: [unclosed\n", "not valid YAML"),
    ("- text: fine\n  codes: [demand]\n- just a string\n", "line 3: example 2 is not a mapping"),
])
def test_bad_examples_name_the_file_line_and_problem(text, message):
    with pytest.raises(CodebookError) as err:
        parse_examples(text, "x.yaml", {"demand"})
    assert str(err.value).startswith("x.yaml") and message in str(err.value)


def test_companion_file_loads_with_the_codebook_and_a_reload_replaces_it(project, tmp_path):
    book = tmp_path / "small.yaml"
    book.write_text(BOOK)
    companion_path(book).write_text(EXAMPLES)
    result = project.codebook.load(book)
    assert result["training_examples"] == 3 and result["examples_file"].endswith("small.examples.yaml")
    stored = project.codebook.training_examples()
    assert [e["codes"] for e in stored] == [["skills_ageing"], ["demand"], []]
    other = tmp_path / "more.yaml"
    other.write_text("- text: Nobody wants to do an apprenticeship any more.\n  codes: [skills]\n")
    assert project.codebook.load_training_examples(other) == 1
    assert [e["text"] for e in project.codebook.training_examples()] == ["Nobody wants to do an apprenticeship any more."]


def test_bad_examples_file_loads_nothing_not_even_the_codebook(project, tmp_path):
    book = tmp_path / "small.yaml"
    book.write_text(BOOK)
    companion_path(book).write_text("- text: hello\n  codes: [missing_code]\n")
    with pytest.raises(CodebookError, match="small.examples.yaml line 1: example 1 names unknown code"):
        project.codebook.load(book)
    assert project.codebook.codes() == [] and project.codebook.training_examples() == []


def test_codebook_without_companion_loads_no_examples(project, tmp_path):
    book = tmp_path / "small.yaml"
    book.write_text(BOOK)
    assert project.codebook.load(book)["training_examples"] == 0
    assert project.codebook.training_examples() == []


def test_merged_or_deleted_codes_drop_out_of_stored_examples(project, tmp_path):
    book = tmp_path / "small.yaml"
    book.write_text(BOOK)
    companion_path(book).write_text(EXAMPLES)
    project.codebook.load(book)
    project.codebook.delete_code("skills_ageing")
    assert [e["codes"] for e in project.codebook.training_examples()] == [[], ["demand"], []]


def test_cli_loads_examples_with_the_codebook_and_on_their_own(tmp_path):
    from workbench.cli import cli

    db = str(tmp_path / "p.db")
    book = tmp_path / "small.yaml"
    book.write_text(BOOK)
    (tmp_path / "ex.yaml").write_text(EXAMPLES)
    runner = CliRunner()
    runner.invoke(cli, ["--db", db, "init"])
    out = runner.invoke(cli, ["--db", db, "codebook", "load", str(book), "--examples", str(tmp_path / "ex.yaml")])
    assert out.exit_code == 0, out.output
    assert "Training examples: 3 from" in out.output
    out = runner.invoke(cli, ["--db", db, "codebook", "load", str(book), "--json"])
    assert json.loads(out.output)["training_examples"] == 0  # no companion beside small.yaml
    (tmp_path / "bad.yaml").write_text("- text: x\n  codes: [nope]\n")
    out = runner.invoke(cli, ["--db", db, "codebook", "examples", str(tmp_path / "bad.yaml")])
    assert out.exit_code == 1 and "Error: bad.yaml line 1" in out.output
    out = runner.invoke(cli, ["--db", db, "codebook", "examples", str(tmp_path / "ex.yaml")])
    assert out.exit_code == 0 and "3 loaded" in out.output


def test_shipped_examples_fit_the_default_codebook(project):
    result = project.codebook.load(ROOT / "codebooks" / "manufacturing_regions.yaml")
    examples = project.codebook.training_examples()
    assert result["training_examples"] == len(examples) >= 300
    labelled = {c for e in examples for c in e["codes"]}
    leaves = {c["id"] for c in project.codebook.codes() if c["depth"] > 0}
    assert leaves <= labelled  # every sub-code has examples
    assert sum(1 for e in examples if not e["codes"]) >= 50  # and passages that carry none of the codes
