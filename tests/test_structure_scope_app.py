"""The app's toggle "Include headings, captions, references and front matter" on the Suggestions and Topics forms:
off by default (structure left out), on brings it back."""

from __future__ import annotations

import pytest

from tests.test_app import button, run, small_project_fixture, store  # noqa: F401  (the fixture)

LABEL = "Include headings, captions, references and front matter"
REPORT = """Welders and Orders in the Midlands

1. Introduction

Firms told us that orders from large buyers swing from month to month, so they hesitate to hire.

2. Skills

Most firms cannot find welders, and apprentices leave for warehouse jobs that pay as much.

References

Smith, J. (2021) Welders, orders and apprentices in the Black Country. Birmingham: Midlands Press.
Jones, K. (2019) Orders and supply chains. London: Routledge.
"""


@pytest.fixture
def report_project(small_project):
    """The small project plus one report whose heading and references hold the codebook's keywords."""
    from pathlib import Path

    from workbench.project import Project

    path = Path(small_project).parent / "report.txt"
    path.write_text(REPORT)
    with Project(small_project) as project:
        project.documents.ingest([path])
    return small_project


def structure_checkbox(app):
    [box] = [c for c in app.checkbox if c.label == LABEL]
    return box


def suggested_kinds(db) -> set[str]:
    with store(db) as project:
        kinds = {s["id"]: s["kind"] for s in project.documents.segments(3)}
        return {kinds[s["segment_id"]] for s in project.suggestions.list() if s["segment_id"] in kinds}


def test_suggestions_form_leaves_structure_out_unless_ticked(report_project):
    app = run("suggestions.py")
    assert structure_checkbox(app).value is False
    button(app, "Run").click().run()
    assert not app.exception
    assert suggested_kinds(report_project) == {"paragraph"}
    app = run("suggestions.py")
    structure_checkbox(app).check()
    button(app, "Run").click().run()
    assert not app.exception
    assert {"heading", "references"} <= suggested_kinds(report_project)


def test_topics_form_passes_the_toggle_to_the_fit(report_project, monkeypatch):
    from workbench.topics.accessor import Topics

    calls = []

    def fake_fit(self, name=None, **kwargs):
        calls.append(kwargs)
        return {"name": name or "run", "topic_count": 0, "segment_count": 0, "outlier_count": 0, "seconds": 0.0}

    monkeypatch.setattr(Topics, "fit", fake_fit)
    app = run("topics.py")
    assert structure_checkbox(app).value is False
    button(app, "Fit topics").click().run()
    structure_checkbox(app).check()
    button(app, "Fit topics").click().run()
    assert not app.exception
    assert [c["include_structure"] for c in calls] == [False, True]
