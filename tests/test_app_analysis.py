"""AppTest of the Compare, Agreement and Export pages against a small coded project."""

from __future__ import annotations

import pytest

from tests.test_app import button, html_of, run, small_project_fixture, store  # noqa: F401  (the fixture)


@pytest.fixture(name="coded_project")
def coded_project_fixture(small_project):
    """Both interviews coded by ann; bo codes only one of ann's spans and one of his own."""
    with store(small_project) as project:
        project.codings.add_coder("bo")
        for doc in (1, 2):
            turns = [s for s in project.documents.segments(doc) if s["speaker"] == "Respondent"]
            project.codings.code_segment(turns[0]["id"], "skills_ageing", "ann")
            project.codings.code_segment(turns[1]["id"], "demand", "ann")
        turns = [s for s in project.documents.segments(1) if s["speaker"] == "Respondent"]
        project.codings.code_segment(turns[0]["id"], "skills_ageing", "bo")
        project.codings.code_segment(turns[1]["id"], "skills", "bo")
    return small_project


def test_compare_matrix_by_attribute_and_excerpts_behind_a_cell(coded_project):
    app = run("compare.py")
    assert not app.exception
    app.selectbox(key="compare_cols").set_value("attribute:region").run()
    app.selectbox(key="compare_coder").set_value("ann").run()
    assert not app.exception and len(app.get("plotly_chart")) == 1
    for view in ("Bars", "Co-occurrence", "Matrix"):
        app.radio(key="compare_view").set_value(view).run()
        assert not app.exception and len(app.get("plotly_chart")) == 1
    app.selectbox(key="cell_code").set_value("demand").run()
    app.selectbox(key="cell_column").set_value("North East").run()
    assert app.caption[-1].value == "1 excerpts"
    body = html_of(app)
    assert "Orders are strong this year" in body and "Orders are weak" not in body


def test_compare_counts_documents_by_type(coded_project):
    app = run("compare.py", compare_count="documents", compare_cols="type")
    table = app.dataframe[0].value
    assert list(table.columns) == ["interview"]
    assert table["interview"].to_dict() == {"Skills": 2, "Skills › Ageing workforce": 2, "Demand": 2}


def test_compare_without_codings_says_so(small_project):
    app = run("compare.py")
    assert not app.exception and "No codings" in app.info[0].value


def test_agreement_figures_and_resolving_a_disagreement(coded_project):
    app = run("agreement.py", agree_a="ann", agree_b="bo")
    assert not app.exception
    table = app.dataframe[0].value
    ageing = table[table["code"].str.contains("Ageing")].iloc[0]
    with store(coded_project) as project:
        result = project.codings.agreement("ann", "bo")
        expected = next(c for c in result["codes"] if c["code"] == "skills_ageing")
    assert ageing["kappa"] == pytest.approx(expected["kappa"]) and ageing["both"] == 1 and ageing["ann"] == 1
    # only firm_a, the one document bo coded, is compared: doc 1's demand (ann) and skills (bo)
    assert result["documents"] == [1] and len(result["disagreements"]) == 2
    assert app.caption[0].value.replace("\\", "") == "Over 1 document both coded: firm_a (4 segments)."
    assert "Disagreements (2)" in app.subheader[-1].value
    label = " ".join(h.proto.body for h in app.get("html"))
    assert "coded by ann, not by bo" in label or "coded by bo, not by ann" in label
    before = {m.label: m.value for m in app.metric}["Disagreements"]
    button(app, "Add the code for").click().run()
    assert not app.exception
    after = {m.label: m.value for m in app.metric}["Disagreements"]
    assert int(after) == int(before) - 1
    with store(coded_project) as project:
        assert any(c["memo"] == "resolved in agreement review" for c in project.codings.list(document=1))


def test_agreement_needs_two_coders(small_project):
    app = run("agreement.py")
    assert "needs two coders" in app.info[0].value


def test_export_preview_filters_and_pseudonymises(coded_project):
    app = run("export.py")
    assert not app.exception
    assert len(app.dataframe[0].value) == 6
    app.selectbox(key="export_code").set_value("demand")
    app.selectbox(key="export_coder").set_value("ann")
    button(app, "Preview").click().run()
    table = app.dataframe[0].value
    assert sorted(table["code_id"]) == ["demand", "demand"] and set(table["coder"]) == {"ann"}
    labels = [b.label for b in app.get("download_button")]
    assert sorted(labels) == sorted(f"Download {name}" for name in ("excerpts.csv", "excerpts.xlsx", "briefing.md",
                                                      "briefing.docx", "briefing.html", "project.qdpx",
                                                      "codebook.qdc"))


def test_export_files_are_made_through_the_project_api(coded_project):
    import csv
    import io
    import zipfile

    from workbench.ui.downloads import export_bytes

    rows = list(csv.DictReader(io.StringIO(export_bytes(coded_project, "excerpts.csv", code="demand",
                                                        coder="ann").decode("utf-8-sig"))))
    assert [r["code_id"] for r in rows] == ["demand", "demand"]
    assert {r["region"] for r in rows} == {"West Midlands", "North East"}
    assert export_bytes(coded_project, "excerpts.xlsx")[:2] == b"PK"
    briefing = export_bytes(coded_project, "briefing.md", code="skills", coder="ann").decode("utf-8")
    assert "Skills" in briefing and "over fifty" in briefing and "Orders are" not in briefing
    with zipfile.ZipFile(io.BytesIO(export_bytes(coded_project, "project.qdpx"))) as archive:
        assert "project.qde" in archive.namelist()
    assert b"Ageing workforce" in export_bytes(coded_project, "codebook.qdc")
    import pytest as _pytest

    from workbench.errors import InvalidValueError

    with _pytest.raises(InvalidValueError):
        export_bytes(coded_project, "secrets.txt")


def test_export_bad_attribute_filter_is_an_error(coded_project):
    app = run("export.py")
    app.text_area(key="export_attributes").set_value("region")
    button(app, "Preview").click().run()
    assert not app.exception and "not name=value" in app.error[0].value and not app.get("download_button")


@pytest.mark.slow
def three_theme_interviews(folder):
    """Six interviews whose answers fall in three clear themes (for tiny topic fits); returns the folder."""
    folder.mkdir()
    themes = ["welders apprentices college training skills shortage retire",
              "orders demand customers battery plant contracts pipeline",
              "grid connection power substation land site electricity"]
    for i in range(6):
        turns = "\n\n".join(f"Interviewer: Question {j}?\n\nRespondent: {themes[j % 3]} {themes[j % 3]} number {i} {j}"
                            for j in range(9))
        (folder / f"firm_{i}.txt").write_text(turns)
    return folder


def test_topics_tiny_fit_figures_and_promote(small_project):
    from pathlib import Path

    from workbench.project import Project

    folder = three_theme_interviews(Path(small_project).parent / "many")
    with Project(small_project) as project:
        project.documents.ingest([folder])
    app = run("topics.py")
    assert "No topic runs yet" in app.info[0].value
    app.text_input[0].set_value("tiny")
    app.selectbox[0].set_value("tfidf")
    app.number_input[0].set_value(3)
    app.number_input[1].set_value(3)
    button(app, "Fit topics").click().run(timeout=180)
    assert not app.exception and not app.error, [e.value for e in app.error]
    with store(small_project) as project:
        [fitted] = project.topics.runs()
        assert fitted["name"] == "tiny" and fitted["topic_count"] == 3
    assert len(app.get("plotly_chart")) == 1
    assert len(app.dataframe[0].value) >= 3
    button(app, "Promote to a draft code").click().run(timeout=120)
    assert not app.exception and "Added draft code" in app.success[-1].value
    with store(small_project) as project:
        assert len(project.codebook.codes()) == 4 and project.suggestions.pending_count() > 0


def test_codebook_qdc_download_and_import(small_project, tmp_path):
    from workbench.ui.downloads import export_bytes

    qdc = export_bytes(small_project, "codebook.qdc")
    app = run("codebook.py")
    assert [b.label for b in app.get("download_button")] == ["Download the codebook (YAML)",
                                                             "Download the codebook (REFI-QDA .qdc)"]
    other = tmp_path / "other.db"
    from workbench.project import Project

    (tmp_path / "book.qdc").write_bytes(qdc)
    with Project(other) as project:
        project.exports.import_refi(tmp_path / "book.qdc", kind="qdc")
        assert sorted(c["label"] for c in project.codebook.codes()) == ["Ageing workforce", "Demand", "Skills"]
