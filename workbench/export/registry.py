"""Every export format, by scope and format: what the CLI's `export` group, `project.exports` and the app's
Export page offer. A new format is one module with a render function plus one line here (or a call to
`register_exporter` from anywhere, e.g. a plug-in or a test).

Scopes: `excerpts` renders the excerpt table (a DataFrame), `briefing` renders a Briefing, `project`
renders the whole project from the database.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workbench.errors import ExportError, InvalidValueError

SCOPES = ("excerpts", "briefing", "project")


@dataclass(frozen=True)
class ExportInput:
    """What a render function gets: the database, the project's name, the scope's content and a fixed time."""

    db: Any
    project_name: str
    content: Any = None  # the excerpt DataFrame, the Briefing, or None for the whole project


@dataclass(frozen=True)
class Exporter:
    """One format of one scope; render is a function ExportInput -> bytes, or "module:function" loaded on use."""

    scope: str
    fmt: str
    mime: str
    render: Callable[[ExportInput], bytes] | str
    description: str
    file_name: str = ""

    @property
    def download_name(self) -> str:
        """The file name the app offers (excerpts.csv, briefing.md, project.qdpx...)."""
        return self.file_name or f"{self.scope}.{self.fmt}"

    def render_bytes(self, data: ExportInput) -> bytes:
        render = self.render
        if isinstance(render, str):
            module, _, name = render.partition(":")
            render = getattr(importlib.import_module(module), name)
        return render(data)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXPORTERS: dict[tuple[str, str], Exporter] = {(e.scope, e.fmt): e for e in (
    Exporter("excerpts", "csv", "text/csv", "workbench.export.excerpts:render_csv", "CSV, one row per coding"),
    Exporter("excerpts", "xlsx", XLSX, "workbench.export.excerpts:render_xlsx",
             "XLSX with a summary sheet and one sheet per top-level code"),
    Exporter("briefing", "md", "text/markdown", "workbench.export.briefing_md:render", "Markdown"),
    Exporter("briefing", "docx", DOCX, "workbench.export.briefing_docx:render", "Word"),
    Exporter("briefing", "html", "text/html", "workbench.export.briefing_html:render", "HTML"),
    Exporter("project", "qdpx", "application/zip", "workbench.export.refi_export:render_qdpx",
             "The whole project as REFI-QDA (.qdpx) for NVivo, ATLAS.ti, MAXQDA or QualCoder"),
    Exporter("project", "qdc", "application/xml", "workbench.export.refi_export:render_qdc",
             "The code tree as a REFI-QDA codebook (.qdc)", file_name="codebook.qdc"),
)}


def register_exporter(scope: str, fmt: str, mime: str, description: str, file_name: str = ""):
    """Decorator: register a render function (ExportInput -> bytes) as the exporter of `fmt` in `scope`."""
    if scope not in SCOPES:
        raise ValueError(f"unknown export scope {scope!r}; scopes: {', '.join(SCOPES)}")

    def register(render: Callable[[ExportInput], bytes]):
        EXPORTERS[(scope, fmt)] = Exporter(scope, fmt, mime, render, description, file_name)
        return render
    return register


def exporters(scope: str | None = None) -> list[Exporter]:
    """The registered exporters (of one scope), in registration order."""
    return [e for e in EXPORTERS.values() if scope is None or e.scope == scope]


def formats(scope: str) -> list[str]:
    """The formats one scope can be written in."""
    return [e.fmt for e in exporters(scope)]


def exporter(scope: str, fmt: str) -> Exporter:
    """The exporter of a format in a scope, or ExportError naming the formats there are."""
    found = EXPORTERS.get((scope, fmt))
    if found is None:
        names = {"excerpts": "excerpt", "briefing": "briefing", "project": "project"}
        known = formats(scope)
        hint = (", ".join(known[:-1]) + " or " + known[-1]) if len(known) > 1 else (known[0] if known else
                                                                                     f"no {scope} exporters")
        raise ExportError(f"unknown {names.get(scope, scope)} format {fmt!r}", hint=hint)
    return found


def by_download_name(name: str) -> Exporter:
    """The exporter offered under a download name such as excerpts.csv."""
    for found in EXPORTERS.values():
        if found.download_name == name:
            return found
    raise InvalidValueError(f"unknown export {name!r}", hint="exports: " + ", ".join(e.download_name for e in exporters()))
