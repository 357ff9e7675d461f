"""The content of a briefing: per theme its definition, counts by region or firm type, and chosen quotations."""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.errors import ExportError

SELECTIONS = ("longest", "all", "memo", "picked")
TYPE_LABELS = {"interview": "interview", "focus_group": "focus group", "notes": "meeting notes",
               "document": "document", "survey": "survey"}
DEFAULT_BY = ("region", "role")
BY_LABELS = {"region": "Region", "role": "Firm type", "sector": "Sector", "firm_size": "Firm size"}


@dataclass
class Quote:
    """One quotation of a theme, with its citation and the coding it comes from."""

    coding_id: int
    text: str
    citation: str
    document_id: int
    title: str
    code_path: str
    memo: str | None = None


@dataclass
class Breakdown:
    """Documents and interviews mentioning a theme, for each value of one attribute."""

    attribute: str
    label: str
    rows: list[tuple[str, int, int]]  # value, documents, interviews


@dataclass
class Theme:
    """One top-level code (or chosen code) of a briefing: its definition, counts, breakdowns and quotations."""

    code_id: str
    label: str
    path: str
    definition: str
    include: list[str]
    codings: int
    documents: int
    interviews: int
    breakdowns: list[Breakdown] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class Briefing:
    """What a briefing file holds, whatever its format: title, date, filters and themes."""

    title: str
    date: str  # YYYY-MM-DD of the project's last change, not of the clock
    filters: str
    themes: list[Theme]
    selection: str
    replacements: list[dict] = field(default_factory=list)


def citation(row, fields=("role", "region")) -> str:
    """'SME owner 1, Tier 2+, West Midlands, interview 2024-10': speaker role, attributes, type and month."""
    parts = []
    speaker = row.get("speaker")
    # A speaker label that holds a lower-case word is a role ("College lead"); names and I/R/P3 are left out.
    if isinstance(speaker, str) and any(word.islower() for word in speaker.split()):
        parts.append(speaker)
    for name in fields:
        value = row.get(name)
        if isinstance(value, str) and value.strip() and value not in parts:
            parts.append(value.strip())
    kind = TYPE_LABELS.get(row.get("type"), row.get("type") or "")
    date = row.get("date")
    parts.append(f"{kind} {str(date)[:7]}".strip() if isinstance(date, str) and date else kind)
    return ", ".join(p for p in parts if p)


def shorten(text: str, limit: int | None) -> str:
    """Text cut at a word boundary near limit characters, with an ellipsis."""
    text = " ".join(text.split())
    if not limit or len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + " …"


def choose(frame, select: str, max_quotes: int | None, picked: list[int] | None):
    """The rows to quote: all (document order), the longest, those with a memo, or hand-picked ids."""
    frame = frame.drop_duplicates(["document_id", "start", "end"])
    if select == "picked":
        order = {cid: i for i, cid in enumerate(picked or [])}
        frame = frame[frame["coding_id"].isin(order)]
        frame = frame.assign(_order=frame["coding_id"].map(order)).sort_values("_order")
    elif select == "longest":
        frame = frame.assign(_length=frame["text"].str.len()).sort_values(
            ["_length", "coding_id"], ascending=[False, True], kind="stable")
    elif select == "memo":
        frame = frame[frame["memo"].notna() & (frame["memo"].astype(str).str.strip() != "")]
    return frame.head(max_quotes) if max_quotes else frame


def build_briefing(db, codes: list[str] | None = None, max_quotes: int | None = 5, select: str = "longest",
                   picked: list[int] | None = None, coder: str | None = None, doc_type: str | None = None,
                   attributes: dict[str, str] | None = None, speaker: str | None = None, by=DEFAULT_BY,
                   max_quote_chars: int | None = 700, title: str | None = None, pseudonymiser=None) -> Briefing:
    """A briefing per theme (top-level codes with codings, or the given codes with their sub-codes)."""
    from workbench.coding.queries import code_paths
    from workbench.export.excerpts import excerpt_table
    from workbench.store.codes import code_rows, descendants, get_code
    from workbench.store.maintenance import project_time

    if select not in SELECTIONS:
        raise ExportError(f"unknown quotation choice {select!r}", hint="choose " + ", ".join(SELECTIONS))
    if select == "picked" and not picked:
        raise ExportError("hand-picked quotations need coding ids", hint="give --pick CODING_ID (repeatable)")
    if max_quotes is not None and max_quotes < 0:
        raise ExportError("--max-quotes cannot be negative")
    frame = excerpt_table(db, None, True, coder, doc_type, attributes, speaker)
    rows = code_rows(db)
    if codes:
        themes = [get_code(db, c) for c in codes]
    else:
        themes = [r for r in rows if r["parent_id"] is None]
    paths = code_paths(db)
    built = []
    for code in themes:
        part = frame[frame["code_id"].isin(descendants(db, code["id"]))]
        if part.empty and not codes:
            continue
        theme = Theme(code["id"], code["label"], paths[code["id"]], code["description"] or "",
                      _include(code), len(part), part["document_id"].nunique(),
                      part[part["type"] == "interview"]["document_id"].nunique())
        for name in by:
            if name in part.columns:
                theme.breakdowns.append(_breakdown(part, name))
        for record in choose(part, select, max_quotes, picked).to_dict(orient="records"):
            record = {k: (None if _missing(v) else v) for k, v in record.items()}
            theme.quotes.append(Quote(int(record["coding_id"]), shorten(record["text"], max_quote_chars),
                                      citation(record), int(record["document_id"]), record["title"],
                                      record["code_path"], record.get("memo")))
        built.append(theme)
    if not built:
        raise ExportError("nothing is coded for this briefing", hint="check --codes and the filters, "
                          "or code some excerpts first")
    shown = {"coder": coder, "type": doc_type, "speaker": speaker, **(attributes or {})}
    briefing = Briefing(title or "Briefing", project_time(db)[:10],
                        ", ".join(f"{k} = {v}" for k, v in shown.items() if v), built, select)
    if pseudonymiser is not None:
        pseudonymiser.briefing(briefing)
    return briefing


def _missing(value) -> bool:
    """True for None, NaN and pandas NA."""
    import pandas as pd

    return value is None or (not isinstance(value, (str, list, dict)) and bool(pd.isna(value)))


def _include(code) -> list[str]:
    import json

    value = code.get("include") if isinstance(code, dict) else None
    if isinstance(value, str):
        value = json.loads(value)
    return list(value or [])


def _breakdown(part, name: str) -> Breakdown:
    values = part[name].fillna("(not recorded)").astype(str)
    rows = []
    for value in sorted(values.unique()):
        docs = part[values == value]
        rows.append((value, docs["document_id"].nunique(), docs[docs["type"] == "interview"]["document_id"].nunique()))
    return Breakdown(name, BY_LABELS.get(name, name.replace("_", " ").capitalize()), rows)


def coverage_line(theme: Theme) -> str:
    """'12 codings in 5 documents, 3 of them interviews.'"""
    plural = "s" if theme.documents != 1 else ""
    return (f"{theme.codings} coded excerpt{'s' if theme.codings != 1 else ''} in {theme.documents} document{plural}, "
            f"{theme.interviews} of them interview{'s' if theme.interviews != 1 else ''}.")
