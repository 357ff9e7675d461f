"""`project.exports`: excerpt tables, briefings and REFI-QDA files, through the exporter registry; REFI-QDA import."""

from __future__ import annotations

import os
from typing import Any

from workbench.coding.filters import ExcerptFilter
from workbench.export.registry import ExportInput, exporter
from workbench.store.database import ProjectPart


class Exports(ProjectPart):
    """What one project can be written as, and read from."""

    def _visible(self, chosen: ExcerptFilter) -> ExcerptFilter:
        """The filter limited to the viewer's own codings while blind coding of the whole project hides the others
        (blind coding of a code set: reads inside `reading_as` leave out the others' codings of those codes)."""
        from workbench.coding.blind import codings_coder

        return ExcerptFilter.of(chosen, coder=codings_coder(self.db, self.viewer, chosen.coder))

    def excerpt_table(self, filters: ExcerptFilter | None = None, pseudonymiser=None, **criteria):
        """The excerpt export table (one row per coding, fixed columns, attributes sorted) as a DataFrame."""
        from workbench.coding.blind import reading_as
        from workbench.export.excerpts import excerpt_table

        with reading_as(self.db, self.viewer):
            return excerpt_table(self.db, self._visible(ExcerptFilter.of(filters, **criteria)), pseudonymiser)

    def briefing_content(self, options=None, filters: ExcerptFilter | None = None, pseudonymiser=None, **criteria):
        """The content of a briefing per theme: definition, counts by region/firm type, chosen quotations;
        criteria are BriefingOptions or ExcerptFilter fields."""
        from dataclasses import fields, replace

        from workbench.coding.blind import reading_as
        from workbench.export.briefing import BriefingOptions, build_briefing

        option_names = {f.name for f in fields(BriefingOptions)}
        options = replace(options or BriefingOptions(), **{k: v for k, v in criteria.items() if k in option_names})
        options = replace(options, title=options.title or f"Briefing: {self.path.stem}")
        chosen = ExcerptFilter.of(filters, **{k: v for k, v in criteria.items() if k not in option_names})
        with reading_as(self.db, self.viewer):
            return build_briefing(self.db, options, self._visible(chosen), pseudonymiser)

    def render(self, scope: str, fmt: str, name: str | None = None, **options) -> tuple[bytes, dict[str, Any]]:
        """The bytes of one export and what it holds; options are those of the scope's content
        (excerpt_table or briefing_content)."""
        found = exporter(scope, fmt)
        if scope == "project" and fmt != "qdc":
            from workbench.coding.blind import hides_others
            from workbench.errors import BlindError

            if hides_others(self.db, self.viewer):
                raise BlindError("the whole project holds other coders' codings, hidden while blind coding is on")
        pseudonymiser = options.get("pseudonymiser")
        content, report = None, {}
        if scope == "excerpts":
            content = self.excerpt_table(**options)
            report = {"rows": len(content),
                      "replacements": pseudonymiser.report() if pseudonymiser is not None else None}
        elif scope == "briefing":
            content = self.briefing_content(**options)
            report = {"themes": [t.code_id for t in content.themes], "quotes": sum(len(t.quotes) for t in content.themes),
                      "replacements": content.replacements if pseudonymiser is not None else None}
        data = found.render_bytes(ExportInput(self.db, name or self.path.stem, content))
        if scope == "project":
            from workbench.store.overview import project_counts

            report = {"bytes": len(data), **project_counts(self.db)}
        return data, {"format": fmt, **report}

    def write(self, output: str | os.PathLike, scope: str, fmt: str, name: str | None = None,
              **options) -> dict[str, Any]:
        """Write one export atomically (nothing half-written); returns the path and what it holds."""
        from workbench.files.atomic import write_file

        data, report = self.render(scope, fmt, name, **options)
        write_file(output, data)
        return {"path": str(output), **report}

    def excerpts(self, output: str | os.PathLike, fmt: str = "csv", **options) -> dict[str, Any]:
        """Write coded excerpts to CSV or XLSX (a summary sheet and one sheet per top-level code)."""
        return self.write(output, "excerpts", fmt, **options)

    def briefing(self, output: str | os.PathLike, fmt: str = "md", **options) -> dict[str, Any]:
        """Write a briefing as Markdown, DOCX or HTML; options are those of `briefing_content`."""
        return self.write(output, "briefing", fmt, **options)

    def qdpx(self, output: str | os.PathLike, name: str | None = None) -> dict[str, Any]:
        """Write the whole project as a REFI-QDA .qdpx (GUIDs stable across exports of this project)."""
        return self.write(output, "project", "qdpx", name)

    def qdc(self, output: str | os.PathLike, name: str | None = None) -> dict[str, Any]:
        """Write the code tree as a REFI-QDA .qdc codebook."""
        return self.write(output, "project", "qdc", name)

    def import_refi(self, path: str | os.PathLike, kind: str = "qdpx") -> dict[str, Any]:
        """Import a .qdpx project or .qdc codebook from another QDA tool in one transaction; returns a report
        of what was imported, what was adapted and which codings could not be mapped."""
        from workbench.export.refi_import import import_refi

        return import_refi(self.db, path, kind)
