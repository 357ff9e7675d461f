"""The exporter registry: a format registered in one place is offered by the CLI, the API and the Export page."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.test_app import run, small_project_fixture  # noqa: F401  (the fixture)
from workbench.cli import cli
from workbench.export import registry


@pytest.fixture
def toy_exporters():
    """A whole-project toy format and an excerpt toy format, registered for one test and removed after it."""
    before = dict(registry.EXPORTERS)

    @registry.register_exporter("project", "toy", "text/plain", "Code ids, one a line", file_name="codes.toy")
    def render_toy(data) -> bytes:
        return "\n".join(r["id"] for r in data.db.query("SELECT id FROM codes ORDER BY id")).encode("utf-8")

    @registry.register_exporter("excerpts", "tsv", "text/tab-separated-values", "Tab-separated excerpts")
    def render_tsv(data) -> bytes:
        return data.content[["code_id", "text"]].to_csv(sep="\t", index=False).encode("utf-8")

    yield
    registry.EXPORTERS.clear()
    registry.EXPORTERS.update(before)


def test_a_registered_exporter_appears_in_export_help_and_works(toy_exporters, small_project, tmp_path):
    runner = CliRunner()
    listing = runner.invoke(cli, ["export", "--help"])
    assert listing.exit_code == 0
    assert "toy" in listing.output.split("Commands:")[1].split("Formats:")[0]
    assert "csv, xlsx, tsv" in listing.output
    assert "tsv" in runner.invoke(cli, ["export", "excerpts", "--help"]).output
    out = runner.invoke(cli, ["--db", small_project, "export", "toy", "-o", str(tmp_path / "c.toy"), "--json"])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "c.toy").read_text().split("\n") == ["demand", "skills", "skills_ageing"]
    out = runner.invoke(cli, ["--db", small_project, "export", "excerpts", "--format", "tsv", "-o", str(tmp_path / "e.tsv")])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "e.tsv").read_text().startswith("code_id\ttext")


def test_a_registered_exporter_appears_on_the_export_page(toy_exporters, small_project):
    app = run("export.py")
    labels = [b.label for b in app.get("download_button")]
    assert "Download codes.toy" in labels and "Download excerpts.tsv" in labels
    assert {f"Download {e.download_name}" for e in registry.exporters()} == set(labels)


def test_the_api_writes_through_the_registry_and_names_unknown_formats(toy_exporters, small_project, tmp_path):
    from workbench.errors import ExportError
    from workbench.project import Project

    with Project(small_project) as project:
        report = project.exports.write(tmp_path / "c.toy", "project", "toy")
        assert report["format"] == "toy" and report["codes"] == 3
        with pytest.raises(ExportError, match="unknown project format 'pdf'") as caught:
            project.exports.write(tmp_path / "c.pdf", "project", "pdf")
        assert "toy" in caught.value.hint
