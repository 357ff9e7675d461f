"""CSV and XLSX of open survey answers: one document per row, or one per file.

The answer column is the one given with --text-column, else every column whose
values are long free text. The other columns become attributes (row mode) or
label each answer (file mode, where the respondent id becomes the speaker).
"""

from __future__ import annotations

import csv
import io

from workbench.errors import CorruptFileError, IngestError, NoTextError, WorkbenchError
from workbench.files.archive import open_zip, refuse_dtds
from workbench.ingest._base import Block, ReadOptions, ReadResult
from workbench.ingest.encoding import decode_text

_ID_COLUMNS = ("respondent_id", "respondent", "id", "response_id", "participant", "participant_id")
_MIN_TEXT_CHARS = 40  # mean length that marks a free-text column


def read_table(data: bytes, name: str, options: ReadOptions) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV (any delimiter, any encoding) or the first XLSX sheet."""
    if name.lower().endswith(".xlsx"):
        return _read_xlsx(data, name, options)
    text, _ = decode_text(data, name)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]
    except csv.Error as exc:
        raise CorruptFileError(f"{name}: not a readable CSV file ({exc})") from exc
    if len(rows) < 2:
        raise NoTextError(f"{name}: no rows below the header")
    return [h.strip() for h in rows[0]], rows[1:]


def _read_xlsx(data: bytes, name: str, options: ReadOptions):
    import openpyxl

    package = open_zip(data, name, options.max_archive_bytes, options.max_archive_members)
    refuse_dtds(package, name)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    except WorkbenchError:
        raise
    except Exception as exc:  # openpyxl raises many types for damaged files, also while reading rows
        raise CorruptFileError(f"{name}: not a readable XLSX workbook ({exc.__class__.__name__})",
                               hint="open it in a spreadsheet program, save it again as .xlsx or .csv") from exc
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise NoTextError(f"{name}: no rows below the header")
    return [h.strip() for h in rows[0]], rows[1:]


def text_columns(header: list[str], rows: list[list[str]], name: str, chosen: str | None) -> list[int]:
    """Indexes of the answer columns."""
    if chosen:
        if chosen not in header:
            raise IngestError(f"{name}: no column named {chosen!r}",
                              hint="columns are: " + ", ".join(header))
        return [header.index(chosen)]
    found = []
    for i, _ in enumerate(header):
        values = [r[i] for r in rows if i < len(r) and r[i].strip()]
        if values and sum(len(v) for v in values) / len(values) >= _MIN_TEXT_CHARS:
            found.append(i)
    if not found:
        raise IngestError(f"{name}: no column of free-text answers found",
                          hint="name the answer column with --text-column")
    return found


def read(data: bytes, name: str, options: ReadOptions) -> list[ReadResult]:
    """One ReadResult per row (survey_mode 'row') or one for the file ('file')."""
    header, rows = read_table(data, name, options)
    answer_cols = text_columns(header, rows, name, options.text_column)
    id_col = next((header.index(h) for h in header if h.lower() in _ID_COLUMNS), None)
    stem = name.rsplit(".", 1)[0]  # title of a whole-file survey
    results: list[ReadResult] = []
    file_blocks: list[Block] = []
    skipped = []
    for n, row in enumerate(rows, start=1):
        row = row + [""] * (len(header) - len(row))
        rid = row[id_col].strip() if id_col is not None and row[id_col].strip() else f"row {n}"
        blocks = []
        for col in answer_cols:
            if row[col].strip():
                if len(answer_cols) > 1:
                    blocks.append(Block(header[col], "heading"))
                blocks.append(Block(row[col], "answer", speaker=rid if options.survey_mode == "file" else None))
        if not blocks:
            skipped.append(rid)
            continue
        if options.survey_mode == "file":
            file_blocks.extend(blocks)
            continue
        attributes = {h: row[i].strip() for i, h in enumerate(header)
                      if i not in answer_cols and h and row[i].strip()}
        results.append(ReadResult(blocks=blocks, title=rid, attributes=attributes,
                                  doc_type="survey", part=f"row {n}"))
    warnings = [f"{name}: {len(skipped)} rows without an answer were skipped ({', '.join(skipped[:5])})"] if skipped else []
    if options.survey_mode == "file":
        return [ReadResult(blocks=file_blocks, title=stem, doc_type="survey", warnings=warnings)]
    for r in results:
        r.warnings.extend(warnings[:1] if r is results[0] else [])
    return results
