"""AppTest of the reconciliation queue on the Agreement page: one disagreement at a time, decided by a button."""

from __future__ import annotations

import html

from tests.test_app import button, html_of, run, small_project_fixture, store  # noqa: F401  (the fixture)
from tests.test_app_analysis import coded_project_fixture  # noqa: F401  (the fixture)

RECONCILE = "Reconcile into the agreed set"


def reconcile_page(**state):
    return run("agreement.py", agree_a="ann", agree_b="bo", agree_mode=RECONCILE, **state)


def test_the_queue_shows_one_disagreement_and_a_button_decides_it(coded_project):
    app = reconcile_page(coder="lee")
    assert not app.exception
    assert app.subheader[-1].value == "Reconcile (2 open, 0 decided)"
    with store(coded_project) as project:
        first = project.codings.reconciliation_queue("ann", "bo")[0]
    assert html.escape(first["text"]) in html_of(app)  # inserted as escaped text, never as markup
    figures = app.dataframe[-1].value
    assert {"ann vs bo kappa", "ann vs team kappa", "bo vs team alpha"} <= set(figures.columns)
    assert [b.label for b in app.button if b.key and b.key.startswith("reconcile_keep")] == \
        ["Keep ann", "Keep bo", "Keep both"]
    assert button(app, "Open in reader") and button(app, "Reject")
    button(app, "Keep ann" if first["coded_by"] == "ann" else "Keep bo").click().run()
    assert not app.exception
    assert app.subheader[-1].value == "Reconcile (1 open, 1 decided)"
    with store(coded_project) as project:
        kept = project.codings.list(coder="team")
        assert [(c["start"], c["end"], c["code_id"]) for c in kept] == \
            [(c["start"], c["end"], first["code"]) for c in first["a"] + first["b"]]
        assert project.changes.history(limit=1)[0]["kind"].startswith("reconcile.keep_")
    button(app, "Reject").click().run()
    assert not app.exception and "Every disagreement is decided." in [s.value for s in app.success]


def test_deciding_needs_a_coder_name(coded_project, monkeypatch):
    monkeypatch.delenv("WORKBENCH_CODER")
    app = reconcile_page()
    button(app, "Reject").click().run()
    assert not app.exception and app.warning and app.subheader[-1].value == "Reconcile (2 open, 0 decided)"


def test_blind_reconciliation_is_for_leads(coded_project):
    with store(coded_project) as project:
        project.codings.add_coder("lee")
        project.codings.set_leads(["lee"])
        project.codings.set_blind(True, by="lee")
    app = reconcile_page(coder="ann")
    assert not app.exception and "Blind coding is on" in app.info[0].value
    assert not [b for b in app.button if b.key == "reconcile_reject"]
    app = reconcile_page(coder="lee")
    assert not app.exception and app.subheader[-1].value == "Reconcile (2 open, 0 decided)"
