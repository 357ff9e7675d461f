"""The Export page's downloads: one per registered exporter, made through the Project API (no streamlit here)."""

from __future__ import annotations

from collections.abc import Mapping

from workbench.export.registry import by_download_name, exporters


def downloads() -> dict[str, str]:
    """{download file name: MIME type} of every registered exporter, in registry order."""
    return {e.download_name: e.mime for e in exporters()}


def export_bytes(db_path, name: str, code: str | None = None, coder: str | None = None, doc_type: str | None = None,
                 attributes: Mapping[str, str] | None = None, speaker: str | None = None, pseudonymise: bool = False,
                 max_quotes: int = 5) -> bytes:
    """One export (a download name such as excerpts.csv) of the project at db_path, as bytes; filters apply to
    the excerpt and briefing scopes, the project scope is always whole."""
    from workbench.project import Project

    found = by_download_name(name)
    with Project(db_path, create=False) as project:
        options = {}
        if found.scope != "project":
            options = {"coder": coder, "doc_type": doc_type, "attributes": dict(attributes or {}) or None,
                       "speaker": speaker, "pseudonymiser": project.pseudonymiser() if pseudonymise else None}
            if found.scope == "excerpts":
                options["code"] = code
            else:
                options.update(codes=[code] if code else None, max_quotes=max_quotes)
        data, _ = project.exports.render(found.scope, found.fmt, **options)
        return data
