"""The first page of the Streamlit app shows the project's counts, or a clear error."""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def test_app_shows_documents_of_the_project(tmp_path, monkeypatch):
    from workbench.project import Project

    (tmp_path / "int.txt").write_text("I: How many welders?\n\nR: Twelve.\n\nI: Ages?\n\nR: Over fifty.")
    with Project(tmp_path / "workbench.db") as project:
        project.ingest([tmp_path / "int.txt"])
    monkeypatch.chdir(tmp_path)
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=30).run()
    assert not app.exception
    assert app.metric[0].value == "1"
    table = app.dataframe[0].value
    assert list(table["title"]) == ["int"] and list(table["type"]) == ["interview"]


def test_app_without_a_project_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=30).run()
    assert not app.exception
    assert "no project at workbench.db" in app.error[0].value
    assert not (tmp_path / "workbench.db").exists()
