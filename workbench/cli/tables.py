"""Tables on the terminal and CSV on stdout, for commands that print rows or counts.

Terminal tables go through rich: cell text is never read as markup, passages are cut with an
ellipsis and wrapped, counts are right-aligned, and a table of counts wider than the terminal
goes on in further blocks that repeat the row labels. `--csv` prints the same data whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import click

from workbench.cli._common import console

LABEL_WIDTH = 28  # most characters of a row label (code id, document title) before it is cut
HEADER_WIDTH = 12  # most characters a count column's header takes before it wraps
EMPTY = "(nothing coded)"

csv_option = click.option("--csv", "as_csv", is_flag=True, help="Print CSV on stdout (for spreadsheets and scripts).")


@dataclass
class Column:
    """One column of a text table: header, alignment, widest it may be and whether its text wraps."""

    header: str
    justify: str = "left"
    max_width: int | None = None
    wrap: bool = False  # wrapped over lines; otherwise kept on one line and cut with an ellipsis
    min_width: int | None = None


def one_format(as_json: bool, as_csv: bool) -> None:
    """Refuse --json together with --csv."""
    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")


def clip(text, limit: int) -> str:
    """Text on one line, cut near `limit` characters at a word boundary and ended with '…' where it was cut."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    head, space, _ = cut.rpartition(" ")
    if space and len(head) >= limit // 2:
        cut = head
    return cut.rstrip(" ,;:") + "…"


def echo_csv(frame, index_label: str | None = None) -> None:
    """A DataFrame as CSV on stdout; its index comes first, headed index_label, when one is given."""
    if frame.empty and not len(frame.columns):
        click.echo(index_label or "")
        return
    click.echo(frame.to_csv(index=index_label is not None, index_label=index_label, lineterminator="\n"), nl=False)


def _table(lines: bool = False):
    from rich import box
    from rich.table import Table

    return Table(box=box.SIMPLE_HEAD, show_edge=False, highlight=False, show_lines=lines)


def print_rows(columns: list[Column], rows, empty: str = EMPTY, lines: bool = False) -> None:
    """Rows of plain values as a table that fits the terminal (with a rule between rows when `lines`);
    `empty` when there are none."""
    from rich.text import Text

    rows = list(rows)
    if not rows:
        click.echo(empty)
        return
    table = _table(lines)
    for column in columns:
        table.add_column(Text(column.header), justify=column.justify, max_width=column.max_width,
                         min_width=column.min_width, no_wrap=not column.wrap,
                         overflow="fold" if column.wrap else "ellipsis")
    for row in rows:
        table.add_row(*(Text("" if value is None else str(value)) for value in row))
    console().print(table)


def _blocks(lead: int, widths: list[int], room: int) -> list[range]:
    """Runs of column numbers whose widths fit `room` after `lead` (each run holds at least one column)."""
    blocks, start = [], 0
    while start < len(widths):
        used, end = lead, start
        while end < len(widths) and (end == start or used + widths[end] <= room):
            used += widths[end]
            end += 1
        blocks.append(range(start, end))
        start = end
    return blocks


def print_counts(labels: list[tuple[str, list[str]]], headers: list[str], counts: list[list[int]],
                 empty: str = EMPTY) -> None:
    """Counts right-aligned under their headers, after the label columns (header, one value a row); columns
    beyond the terminal's width go on in further blocks that repeat the labels."""
    from rich.text import Text

    if not headers or not counts:
        click.echo(empty)
        return
    lead = sum(min(max(len(h), *(len(v) for v in values)), LABEL_WIDTH) + 3 for h, values in labels)
    # A header wraps at HEADER_WIDTH characters, but never inside a word (up to LABEL_WIDTH).
    widths = [min(max(min(len(h), HEADER_WIDTH), *(len(w) for w in h.split() or [""]),
                      *(len(str(row[i])) for row in counts)), LABEL_WIDTH) for i, h in enumerate(headers)]
    for n, block in enumerate(_blocks(lead, [w + 3 for w in widths], console().width)):
        if n:
            click.echo("")
        table = _table()
        for header, _ in labels:
            table.add_column(Text(header), no_wrap=True, max_width=LABEL_WIDTH, overflow="ellipsis")
        for i in block:
            table.add_column(Text(headers[i]), justify="right", max_width=widths[i], overflow="fold")
        for k, row in enumerate(counts):
            table.add_row(*(Text(values[k]) for _, values in labels), *(str(row[i]) for i in block))
        console().print(table)
