"""Documents segmented as a reader reads them: paragraph repair, segment kinds, sections, scope, titles,
markdown marks, re-segmenting with codings kept."""

import sqlite3

import pytest

from workbench.ingest.readers.text import text_to_blocks
from workbench.ingest.segment import build_document, pack_sentences
from workbench.ingest.sentences import sentence_spans
from workbench.store.segments import STRUCTURE_KINDS


def segs(text, markdown=False, **kw):
    built = build_document(text_to_blocks(text, markdown), **kw)
    for s in built.segments:
        assert 0 <= s.start < s.end <= len(built.text)
    return built, [(s.kind, built.text[s.start:s.end]) for s in built.segments]


def test_blank_line_inside_a_sentence_is_repaired():
    built, found = segs("The region relies on local or non-\n\nlocal big firms and on small suppliers (see the\n\n"
                        "annex). A second sentence.\n\nA new paragraph starts here.")
    assert found == [("paragraph", "The region relies on local or non-local big firms and on small suppliers "
                                   "(see the annex). A second sentence."),
                     ("paragraph", "A new paragraph starts here.")]


def test_real_breaks_and_speaker_turns_are_never_merged():
    _, found = segs("This ends a sentence.\n\nthis one starts in lower case.")
    assert len(found) == 2
    built, _ = segs("I: so what do you\n\nR: think about skills\n\nI: and then\n\nR: we train them.")
    assert [s.kind for s in built.segments] == ["turn"] * 4


def test_soft_wrapped_lines_are_joined_and_offsets_hold():
    text = ("Employers across the region describe a shortage of experienced welders and\n"
            "fabricators, made worse by retirements and by younger workers leaving for\n"
            "warehouse jobs that pay as much for less training.")
    built, found = segs(text)
    assert found == [("paragraph", text.replace("\n", " "))]
    _, kept = segs("Write to us.\n\nJane Smith\n12 High Street\nDudley")
    assert kept[1] == ("paragraph", "Jane Smith\n12 High Street\nDudley")


def test_headings_lists_captions_source_notes_and_sections():
    text = ("1. Introduction\n\nThe plan sets out why.\n\nCHALLENGE 4: Skills\n\nEmployers report gaps:\n"
            "i. welding;\nii. maintenance;\niii. digital skills;\niv. management.\n\n"
            "Figure 12. Vacancies by occupation, 2019-2024\n\nSource: ONS Labour Force Survey\n\n"
            "4.2 Apprenticeships\n\nStarts fell by a third.")
    built, found = segs(text)
    assert found[:2] == [("heading", "1. Introduction"), ("paragraph", "The plan sets out why.")]
    assert ("heading", "CHALLENGE 4: Skills") in found
    assert [t for k, t in found if k == "list_item"] == ["i. welding;", "ii. maintenance;", "iii. digital skills;",
                                                          "iv. management."]
    assert ("caption", "Figure 12. Vacancies by occupation, 2019-2024") in found
    assert ("source_note", "Source: ONS Labour Force Survey") in found
    last = built.segments[-1]
    assert last.section == "CHALLENGE 4: Skills > 4.2 Apprenticeships"
    assert [s.level for s in built.segments if s.kind == "heading"] == [1, 1, 2]


def test_a_sentence_citing_a_figure_is_no_caption():
    _, found = segs("Figure 3 shows that vacancies rose in every sub-region between 2019 and 2024.")
    assert found[0][0] == "paragraph"


@pytest.mark.parametrize("table", [
    "Sector\tFirms\tJobs\nMetals\t120\t4,500\nFood\t80\t3,200",
    "| Sector | Firms | Jobs |\n|---|---|---|\n| Metals | 120 | 4,500 |\n| Food | 80 | 3,200 |",
])
def test_tab_and_pipe_tables_become_rows_with_their_header(table):
    built, found = segs("Before.\n\n" + table + "\n\nAfter.", markdown=table.startswith("|"))
    rows = [s for s in built.segments if s.kind == "table_row"]
    assert [built.text[s.start:s.end] for s in rows] == ["Sector | Firms | Jobs", "Metals | 120 | 4,500",
                                                         "Food | 80 | 3,200"]
    assert [s.context for s in rows] == [None, "Sector | Firms | Jobs", "Sector | Firms | Jobs"]


def test_paper_with_cover_page_and_references():
    text = ("UNIVERSITY OF BIRMINGHAM\n\nDocument Version\nPeer reviewed version\n\n"
            "Citation for published version (Harvard):\nSmith, J 2020, 'Regional growth', Regional Studies. "
            "https://doi.org/10.1080/1234\n\nThis version is licensed under a Creative Commons CC BY 4.0 licence.\n\n"
            "Abstract\n\nClusters matter for places in ways the literature has not settled.\n\n"
            "References\n\nIammarino, S. & McCann, P. (2006) The structure and evolution of industrial clusters. "
            "Research Policy, 35(7), 1018-1036.\nPorter, M. E. (1990) The Competitive Advantage of Nations,\n"
            "second edition. London: Macmillan.\n\nMarshall, A. (1920) Principles of Economics. London: Macmillan.")
    built, found = segs(text)
    kinds = dict((t[:20], k) for k, t in found)
    assert kinds["Document Version\nPee"] == kinds["Citation for publish"] == kinds["This version is lice"] \
        == "front_matter"
    refs = [t for k, t in found if k == "references"]
    assert [r[:8] for r in refs] == ["Iammarin", "Porter, ", "Marshall"]
    assert refs[1].endswith("London: Macmillan.")  # a wrapped entry stays one entry
    assert ("paragraph", "Clusters matter for places in ways the literature has not settled.") in found


def test_reference_entries_found_by_their_shape_without_a_heading():
    text = ("Some findings.\n\nBrown, K. (2019) Places and firms. Leeds: LUP.\n\n"
            "Green, T. and White, S. (2021) Skills in the regions. Policy Press.")
    _, found = segs(text)
    assert [k for k, _ in found] == ["paragraph", "references", "references"]


def test_table_of_contents_is_front_matter():
    _, found = segs("Contents\n\n1 Introduction ........ 3\n2 Skills ........ 7\n\n1 Introduction\n\n"
                    "This report looks at skills in the region.")
    assert [k for k, _ in found][:3] == ["heading", "front_matter", "front_matter"]
    assert found[-1][0] == "paragraph"


def test_markdown_marks_become_plain_text_with_structure():
    text = "# Title\n\n## Findings\n\nThe **main** finding is *clear*: see [the annex](http://x.org) and `code`."
    built, found = segs(text, markdown=True)
    assert found == [("heading", "Title"), ("heading", "Findings"),
                     ("paragraph", "The main finding is clear: see the annex and code.")]
    assert [s.level for s in built.segments] == [1, 2, None]


def test_rule_based_sentences_keep_abbreviations():
    text = "Dr. Smith met the team, e.g. welders. Fig. 3 shows it. Then J. Jones left! Did he?"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Dr. Smith met the team, e.g. welders.", "Fig. 3 shows it.", "Then J. Jones left!", "Did he?"]
    long = " ".join(f"Sentence number {i} is here." for i in range(200))
    spans = pack_sentences(long, 500)
    assert all(e - s <= 500 for s, e in spans) and long[spans[0][0]:spans[-1][1]] == long


def test_structure_kinds_are_the_documented_scope():
    assert set(STRUCTURE_KINDS) == {"heading", "caption", "source_note", "references", "front_matter"}


REPORT = ("Regional skills review\n\nIntroduction\n\nWelders are scarce and apprentices are few, employers say.\n\n"
          "Figure 1. Welding vacancies\n\nSource: ONS\n\nReferences\n\n"
          "Smith, J. (2020) Welding skills and apprentices. Leeds: LUP.\n"
          "Jones, K. (2021) Apprentices in welding. Policy Press.")


def _load_codebook(project, tmp_path):
    (tmp_path / "tiny.yaml").write_text("version: 1\nname: tiny\ncodes:\n  - id: skills\n    label: Skills\n"
                                        "    patterns:\n      keywords: [welding, apprentices]\n")
    project.codebook.load(tmp_path / "tiny.yaml")


def _project_with(project, tmp_path, name="report.txt", text=REPORT):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    outcome = project.documents.ingest([path])[0]
    assert outcome.status == "ingested", outcome
    return outcome.document_id


def test_suggestions_leave_structure_out_unless_asked(project, tmp_path):
    doc_id = _project_with(project, tmp_path)
    _load_codebook(project, tmp_path)
    project.suggestions.run("rules")
    kinds = {s["id"]: s["kind"] for s in project.documents.segments(doc_id)}
    suggested = [kinds[r["segment_id"]] for r in project.db.query("SELECT segment_id FROM suggestions")]
    assert suggested == ["paragraph"]
    project.db.execute("DELETE FROM suggestions")
    project.suggestions.run("rules", include_structure=True)
    suggested = {kinds[r["segment_id"]] for r in project.db.query("SELECT segment_id FROM suggestions")}
    assert {"paragraph", "references", "caption"} <= suggested


def test_title_from_the_first_heading_line_is_marked_inferred(project, tmp_path):
    _project_with(project, tmp_path)
    doc = project.documents.list()[0]
    assert doc["title"] == "Regional skills review" and doc["title_inferred"] is True
    _project_with(project, tmp_path, "plain.txt", "just a line of text, no title here.")
    assert project.documents.list()[1]["title"] == "plain"


def test_resegment_keeps_codings_and_reports_mismatches(project, tmp_path):
    doc_id = _project_with(project, tmp_path)
    text = project.documents.get(doc_id)["text"]
    start = text.index("Welders")
    _load_codebook(project, tmp_path)
    project.codings.add_coder("ann")
    project.codings.code(doc_id, start, start + 7, "skills", "ann")
    project.codings.code(doc_id, 0, 8, "skills", "ann")
    project.db.execute("UPDATE codings SET snippet = 'Regionxx' WHERE start = 0")  # as if the text had moved
    # an old project: everything one paragraph a block, no sections
    project.db.execute("UPDATE segments SET kind = 'paragraph', section = NULL")
    before = project.db.execute("SELECT id, start, \"end\" FROM codings ORDER BY id").fetchall()
    [outcome] = project.documents.resegment([doc_id])
    assert outcome["status"] == "resegmented" and outcome["codings"] == 2
    assert [m["start"] for m in outcome["mismatched_codings"]] == [0]
    assert project.db.execute("SELECT id, start, \"end\" FROM codings ORDER BY id").fetchall() == before
    segments = project.documents.segments(doc_id)
    assert {s["kind"] for s in segments} >= {"heading", "caption", "source_note", "references"}
    assert all(s["text"] == text[s["start"]:s["end"]] for s in segments)
    assert project.documents.get(doc_id)["text"] == text


def test_old_projects_migrate(tmp_path):
    from sqlite_utils import Database

    from workbench.store.schema import migrations

    path = tmp_path / "old.db"
    db = Database(path)
    applied = []
    for m in migrations._migrations[:6]:  # a project made before m007
        m.fn(db)
        applied.append(m.name)
    db.execute("CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT, applied_at TEXT)")
    db.conn.executemany("INSERT INTO _sqlite_migrations VALUES ('workbench', ?, '2025-01-01')",
                        [(n,) for n in applied])
    db.execute("INSERT INTO documents (title, type, format, source_sha256, text, text_sha256, char_count, word_count, "
               "ingested_at) VALUES ('d', 'document', 'txt', 'x', '- a', 'y', 3, 2, 'now')")
    db.execute("INSERT INTO segments (document_id, ordinal, start, \"end\", kind, text) VALUES (1, 0, 0, 3, 'bullet', '- a')")
    db.conn.commit()
    migrations.apply(db)
    con = sqlite3.connect(path)
    assert con.execute("SELECT kind, section, level, context FROM segments").fetchall() == [("list_item", None, None, None)]
    assert con.execute("SELECT title_inferred FROM documents").fetchall() == [(0,)]
