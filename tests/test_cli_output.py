"""What a newcomer reads (issue 19): excerpt, matrix and co-occurrence tables on the terminal and as CSV;
rule reasons that show their patterns; `both` saying why each suggestion stands; briefing citations and
coverage lines for documents without attributes."""

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from tests.test_coding import CODEBOOK
from workbench.cli import cli

LONG_TURN = ("R: " + "We cannot find welders or fitters anywhere in the Black Country these days, " * 6).strip()
INTERVIEW = f"I: Welders?\n\nR: All retiring.\n\nI: Orders?\n\n{LONG_TURN}"
NOTES = ("# Cluster board notes\n\nAttendance was good.\n\n## Actions\n\nThe chair will write to the college "
         "about <b>apprentices</b> & fitters.\n")


@pytest.fixture
def coded(project, tmp_path):
    (tmp_path / "cb.yaml").write_text(CODEBOOK)
    (tmp_path / "a.txt").write_text(INTERVIEW)
    (tmp_path / "n.md").write_text(NOTES)
    (tmp_path / "m.csv").write_text("file,region,role\na.txt,North East,Tier 2+\n")
    project.documents.ingest([tmp_path / "a.txt", tmp_path / "n.md"], manifest=tmp_path / "m.csv")
    project.codebook.load(tmp_path / "cb.yaml")
    project.codings.add_coder("ann")
    segments = {1: project.documents.segments(1), 2: project.documents.segments(2)}
    for document, k, code in ((1, 1, "skills_ageing"), (1, 3, "skills"), (1, 3, "demand"), (2, -1, "skills")):
        project.codings.code_segment(segments[document][k]["id"], code, "ann")
    return project


def run(project, *args, width=80):
    result = CliRunner(env={"COLUMNS": str(width)}).invoke(cli, ["--db", str(project.path), *args],
                                                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_excerpts_print_a_table_with_wrapped_shortened_text(coded):
    out = run(coded, "excerpts")
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    header = next(line for line in lines if "text" in line)
    assert header.split() == ["id", "code", "document", "text"]  # one coder: no coder column
    assert "All retiring." in out and "North East" not in out
    assert "…" in out and LONG_TURN[-40:] not in out  # the long turn is cut with an ellipsis
    assert not any(re.search(r"\S {30,}\S", line) for line in lines)  # no text pushed behind a run of spaces
    assert sum("welders" in line for line in lines) >= 1 and sum(1 for line in lines if "Black" in line) >= 1
    assert "Cluster board" in out and "about <b>apprentices</b> & fitters." in out  # markup shown as text
    wide = run(coded, "excerpts", width=160)
    assert max(len(line) for line in wide.splitlines()) > 80  # the text takes the room there is


def test_excerpts_csv_and_json(coded):
    rows = list(csv.DictReader(io.StringIO(run(coded, "excerpts", "--csv"))))
    assert [r["code_id"] for r in rows] == ["skills_ageing", "demand", "skills", "skills"]
    assert rows[1]["text"] == LONG_TURN.removeprefix("R: ") and rows[0]["region"] == "North East"  # whole text, attributes
    assert len(json.loads(run(coded, "excerpts", "--json"))) == 4
    both = CliRunner().invoke(cli, ["--db", str(coded.path), "excerpts", "--csv", "--json"])
    assert both.exit_code == 2 and "--json or --csv" in both.output
    assert run(coded, "excerpts", "--code", "skills", "--speaker", "nobody").strip() == "(nothing coded)"


def test_matrix_counts_are_right_aligned_and_documents_keyed(coded):
    out = run(coded, "matrix").splitlines()
    header = out[0].split()
    assert header == ["code", "1", "2"]
    skills = next(line for line in out if line.lstrip().startswith("skills "))
    assert skills.split() == ["skills", "2", "1"]  # rolled up: skills_ageing counts for skills
    assert out[0].rindex("2") == skills.rindex("1")  # right-aligned under the header
    legend = [[part.strip() for part in line.split(None, 1)] for line in out[out.index(skills) + 1:]]
    assert ["1", "a"] in legend and ["2", "Cluster board notes"] in legend  # the key to the document columns
    rows = list(csv.reader(io.StringIO(run(coded, "matrix", "--csv"))))
    assert rows[0] == ["code", "1: a", "2: Cluster board notes"] and rows[1] == ["skills", "2", "1"]


def test_a_wide_matrix_goes_on_in_blocks_that_repeat_the_codes(coded):
    out = run(coded, "matrix", "--cols", "attribute:region", width=30)
    assert all(len(line) <= 30 for line in out.splitlines())
    counts = run(coded, "matrix", "--cols", "type", width=30)
    blocks = [b for b in counts.split("\n\n") if b.strip()]
    assert len(blocks) == 2 and all("skills" in b for b in blocks)  # document | interview, each with the codes
    assert json.loads(run(coded, "matrix", "--cols", "type", "--json"))["cols"] == ["document", "interview"]


def test_cooccurrence_numbers_its_codes(coded):
    out = run(coded, "cooccurrence").splitlines()
    assert out[0].split() == ["#", "code", "1", "2", "3"]
    demand = next(line for line in out if " demand " in line)
    assert demand.split() == ["3", "demand", "1", "0", "1"]
    assert out[0].rindex("3") == demand.rindex("1")  # right-aligned
    rows = list(csv.reader(io.StringIO(run(coded, "cooccurrence", "--csv"))))
    assert rows[0] == ["code", "skills", "skills_ageing", "demand"] and rows[3] == ["demand", "1", "0", "1"]


def test_rule_reasons_show_the_token_pattern_and_keep_the_rule_id_as_source(project, tmp_path):
    (tmp_path / "cb.yaml").write_text("""version: 1
name: t
codes:
  - id: coordination
    label: Coordination
    patterns:
      keywords: [forum]
      tokens:
        - [{LOWER: cluster}, {LEMMA: body}]
        - [{LOWER: {IN: [local, regional, area, town, city, county]}}, {LOWER: network}]
""")
    (tmp_path / "t.txt").write_text("The cluster bodies met at the regional network forum.")
    project.documents.ingest([tmp_path / "t.txt"])
    project.codebook.load(tmp_path / "cb.yaml")
    project.suggestions.run("rules")
    [s] = project.suggestions.list()
    assert s["source"] == "rule:coordination:token:1"
    assert "words «cluster body*» (cluster bodies)" in s["reason"]  # the words looked for, not spaCy's JSON
    assert "words «local|regional|area|town|… network» (regional network)" in s["reason"]
    assert "keyword 'forum'" in s["reason"] and "pattern 1" not in s["reason"]


def test_both_writes_why_each_suggestion_stands(project, tmp_path):
    from tests.test_autocode_combine import CODEBOOK as COMBINE_BOOK
    from workbench.autocode.combine import withdraw_unsupported
    from workbench.store.suggestions import save_suggestions

    (tmp_path / "tiny.yaml").write_text(COMBINE_BOOK)
    project.codebook.load(tmp_path / "tiny.yaml")
    (tmp_path / "a.txt").write_text("Our welders retire next year.\n\nOrders are down.\n\nThe site floods.\n")
    project.documents.ingest([tmp_path / "a.txt"])
    welders, orders, site = project.documents.segments(1)
    rows = [(welders, "skills_ageing", "rules", "1 rule hit: keyword 'welders'"),
            (orders, "demand_orders", "classifier", "classifier probability 0.91: logistic regression"),
            (orders, "demand_orders", "rules", "1 rule hit: phrase 'orders'"),
            (site, "land", "rules", "1 rule hit: phrase 'site'")]
    save_suggestions(project.db, [{"document_id": 1, "segment_id": seg["id"], "start": seg["start"], "end": seg["end"],
                                   "code_id": code, "method": method, "source": method, "score": 0.5, "reason": why}
                                  for seg, code, method, why in rows])
    scores = {"skills": {welders["id"]: 0.62}, "demand": {orders["id"]: 0.85}}
    for _ in range(2):  # a second run replaces the verdict rather than adding another
        assert withdraw_unsupported(project.db, scores) == {"rules": 0, "classifier": 0}
        reasons = {(r["code_id"], r["method"]): r["reason"] for r in project.suggestions.list()}
        assert reasons[("skills_ageing", "rules")] == ("1 rule hit: keyword 'welders'; confirmed by the skills "
                                                       "classifier at 0.62 (a rule hit stands from 0.40)")
        assert reasons[("demand_orders", "classifier")] == (
            "classifier probability 0.91: logistic regression; classifier alone at 0.85 for the demand theme "
            "(a suggestion without a rule needs 0.80)")
        assert reasons[("land", "rules")].endswith("; kept unchecked: the land theme has no classifier "
                                                    "(too few coded passages and examples)")
    scores["demand"][orders["id"]] = 0.5
    assert withdraw_unsupported(project.db, scores) == {"rules": 0, "classifier": 1}
    reasons = {(r["code_id"], r["method"]): r["reason"] for r in project.suggestions.list()}
    assert reasons[("demand_orders", "rules")].endswith("confirmed by the demand classifier at 0.50 "
                                                         "(a rule hit stands from 0.40)")


def test_briefing_cites_documents_without_attributes_by_title_and_section(coded, tmp_path):
    briefing = coded.exports.briefing_content(codes=["skills"], select="all", max_quotes=None)
    [skills] = briefing.themes
    citations = [q.citation for q in skills.quotes]
    assert "Tier 2+, North East, interview" in citations  # attributes as before
    assert "Cluster board notes, section “Actions”" in citations
    assert "document" not in [c.strip() for c in citations]
    coded.exports.briefing(tmp_path / "b.html", "html", codes=["skills"])
    html = (tmp_path / "b.html").read_text()
    assert "<cite>Cluster board notes, section “Actions”</cite>" in html
    assert "&lt;b&gt;apprentices&lt;/b&gt; &amp; fitters" in html and "<b>apprentices" not in html


def test_coverage_line_says_what_the_quotations_come_from(coded, tmp_path):
    from workbench.export.briefing import Theme, coverage_line

    [skills] = coded.exports.briefing_content(codes=["skills"]).themes
    assert coverage_line(skills) == "3 coded excerpts from 2 sources (1 interview, 1 document)."
    [demand] = coded.exports.briefing_content(codes=["demand"]).themes
    assert coverage_line(demand) == "1 coded excerpt from 1 interview."
    notes = Theme("x", "X", "X", "", [], 12, 4, 0, types={"document": 2, "notes": 2})
    assert coverage_line(notes) == "12 coded excerpts from 4 sources (2 sets of meeting notes, 2 documents)."
    assert "of them" not in coverage_line(notes)
    coded.exports.briefing(tmp_path / "b.md", "md", codes=["skills"])
    for row in coded.codings.list(document=1):
        coded.codings.uncode(row["id"])
    coded.exports.briefing(tmp_path / "n.md", "md", codes=["skills"])
    text = (tmp_path / "n.md").read_text()
    assert "1 coded excerpt from 1 document." in text
    assert "| Region | Documents |" in text and "Interviews" not in text  # no column of zeros
    assert "| Region | Documents | Interviews |" in (tmp_path / "b.md").read_text()


def test_a_reason_with_many_hits_names_the_first_and_counts_the_rest(project, tmp_path):
    from workbench.autocode.reasons import MAX_REASON

    words = [f"gauge{i}" for i in range(60)]
    (tmp_path / "cb.yaml").write_text(f"version: 1\nname: t\ncodes:\n  - id: kit\n    label: Kit\n"
                                      f"    patterns: {{keywords: [{', '.join(words)}]}}\n")
    (tmp_path / "t.txt").write_text(" ".join(words) + ".")
    project.documents.ingest([tmp_path / "t.txt"])
    project.codebook.load(tmp_path / "cb.yaml")
    project.suggestions.run("rules")
    [s] = project.suggestions.list()
    assert s["reason"].startswith("60 rule hits: keyword 'gauge0'; keyword 'gauge1';")
    assert s["reason"].endswith(" more") and len(s["reason"]) <= MAX_REASON + len("; and 60 more")
    assert "…" not in s["reason"]  # whole hits only, never one cut in half
