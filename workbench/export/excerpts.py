"""Coded excerpts as a table: CSV, or XLSX with one sheet per top-level code and a summary sheet."""

from __future__ import annotations

import io
import re

from workbench.coding.filters import ExcerptFilter
from workbench.render import clock

FIRST_COLUMNS = ["coding_id", "code_id", "code_path", "text", "title", "type", "speaker", "page", "timestamp"]
LAST_COLUMNS = ["coder", "memo", "start", "end", "document_id", "source", "created_at"]
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def excerpt_table(db, filters: ExcerptFilter | None = None, pseudonymiser=None):
    """One row per coding in a fixed column order: code path, text, document, speaker, page or time,
    attributes (sorted), coder, memo, offsets. With a pseudonymiser, names in texts are replaced."""
    import pandas as pd

    from workbench.coding.queries import excerpts

    frame = excerpts(db, filters)
    frame["timestamp"] = [clock(None if pd.isna(s) else s) for s in frame["time_start"]]
    frame["page"] = frame["page"].astype("Int64")
    fixed = set(FIRST_COLUMNS) | set(LAST_COLUMNS) | {"time_start"}
    attribute_columns = sorted(c for c in frame.columns if c not in fixed)
    frame = frame[FIRST_COLUMNS + attribute_columns + LAST_COLUMNS]
    frame = frame.sort_values(["document_id", "start", "end", "code_id", "coder", "coding_id"], kind="stable")
    frame = frame.reset_index(drop=True)
    if pseudonymiser is not None:
        frame = pseudonymiser.frame(frame, ["text", "title", "speaker", "memo"] + attribute_columns)
    return frame



def to_csv(frame) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Excel opens accents and quotes correctly."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def _top_codes(db) -> dict[str, dict]:
    """Code id -> its top-level code row."""
    from workbench.store.codes import ancestor_chains, code_rows

    rows = {r["id"]: r for r in code_rows(db)}
    return {cid: rows[chain[-1]] for cid, chain in ancestor_chains(db).items()}


def sheet_names(labels: list[str]) -> list[str]:
    """Excel-safe, unique sheet names (31 characters, no []:*?/\\)."""
    out, seen = [], {"summary"}
    for label in labels:
        base = _SHEET_BAD.sub(" ", label).strip()[:31] or "Code"
        name, n = base, 2
        while name.lower() in seen:
            suffix = f" ({n})"
            name, n = base[:31 - len(suffix)] + suffix, n + 1
        seen.add(name.lower())
        out.append(name)
    return out


def summary_rows(frame, themes: list[str], attribute_columns: list[str]) -> list[list]:
    """Rows of (attribute, value, codings per theme..., total codings, documents)."""
    rows = [["(all)", "", *[int((frame["theme"] == t).sum()) for t in themes], len(frame),
             frame["document_id"].nunique()]]
    for name in attribute_columns:
        values = frame[name].fillna("(none)").astype(str)
        for value in sorted(values.unique()):
            part = frame[values == value]
            rows.append([name, value, *[int((part["theme"] == t).sum()) for t in themes], len(part),
                         part["document_id"].nunique()])
    return rows


def to_xlsx(db, frame) -> bytes:
    """An XLSX workbook: a Summary sheet (codings per theme by attribute value), then one sheet per theme."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from workbench.files.zips import rezip_deterministic
    from workbench.store.maintenance import project_time

    tops = _top_codes(db)
    frame = frame.copy()
    frame["theme"] = frame["code_id"].map(lambda c: tops[c]["label"] if c in tops else c)
    order = list(dict.fromkeys(row["label"] for row in tops.values()))
    themes = sorted(set(frame["theme"]), key=lambda t: (order.index(t) if t in order else len(order), t))
    attribute_columns = [c for c in frame.columns if c not in FIRST_COLUMNS + LAST_COLUMNS + ["theme"]]
    book = Workbook(write_only=True)  # streamed rows: linear time and little memory for large tables
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    summary = book.create_sheet("Summary")
    summary.append(_styled(summary, ["attribute", "value", *themes, "codings", "documents"], font=bold))
    for row in summary_rows(frame, themes, attribute_columns):
        summary.append(row)
    columns = [c for c in frame.columns if c != "theme"]
    text_index = columns.index("text")
    for theme, name in zip(themes, sheet_names(themes)):
        sheet = book.create_sheet(name)
        sheet.column_dimensions["D"].width = 80
        sheet.freeze_panes = "A2"
        sheet.append(_styled(sheet, columns, font=bold))
        for record in frame[frame["theme"] == theme][columns].itertuples(index=False):
            values = [_cell(v) for v in record]
            sheet.append(_styled(sheet, values, wrap_at=text_index, wrap=wrap))
    book.properties.creator = "workbench"
    buffer = io.BytesIO()
    book.save(buffer)
    return rezip_deterministic(buffer.getvalue(), project_time(db))


def _styled(sheet, values, font=None, wrap_at=None, wrap=None):
    """A row for a write-only sheet: cells where a style is needed; text starting with "=" stays text."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for index, value in enumerate(values):
        if font is None and index != wrap_at and not (isinstance(value, str) and value.startswith("=")):
            cells.append(value)  # a plain value: much cheaper than a cell object
            continue
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"
        if font is not None:
            cell.font = font
        if index == wrap_at:
            cell.alignment = wrap
        cells.append(cell)
    return cells


def _cell(value):
    """A value openpyxl accepts: NaN and pandas NA become empty cells."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def render_csv(data) -> bytes:
    """The excerpts exporter for CSV (see workbench.export.registry)."""
    return to_csv(data.content)


def render_xlsx(data) -> bytes:
    """The excerpts exporter for XLSX (see workbench.export.registry)."""
    return to_xlsx(data.db, data.content)
