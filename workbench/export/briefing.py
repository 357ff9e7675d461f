"""The content of a briefing: per theme its definition, counts by region or firm type, and chosen quotations."""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.coding.filters import ExcerptFilter
from workbench.errors import ExportError

SELECTIONS = ("longest", "all", "memo", "picked")
TYPE_LABELS = {"interview": "interview", "focus_group": "focus group", "notes": "meeting notes",
               "document": "document", "survey": "survey"}
# Documents of each type counted in words: (one, several).
TYPE_NOUNS = {"interview": ("interview", "interviews"), "focus_group": ("focus group", "focus groups"),
              "notes": ("set of meeting notes", "sets of meeting notes"), "document": ("document", "documents"),
              "survey": ("survey response", "survey responses")}
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
    automatic: str | None = None  # "rules, run 1" when the coding was made by accepting a suggestion (marked)


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
    types: dict[str, int] = field(default_factory=dict)  # documents of each type (interview, notes...)


@dataclass
class Briefing:
    """What a briefing file holds, whatever its format: title, date, filters and themes."""

    title: str
    date: str  # YYYY-MM-DD of the project's last change, not of the clock
    filters: str
    themes: list[Theme]
    selection: str
    replacements: list[dict] = field(default_factory=list)
    automatic: list[str] = field(default_factory=list)  # the methods and runs of marked quotations, in order


AUTOMATIC_MARK = "†"


def automatic_line(briefing: Briefing) -> str | None:
    """'† coded by accepting an automatic suggestion (classifier, run 3)' when quotations are marked, else None."""
    if not briefing.automatic:
        return None
    return f"{AUTOMATIC_MARK} coded by accepting an automatic suggestion ({'; '.join(briefing.automatic)})"


def quote_text(quote: Quote) -> str:
    """The quotation, followed by the mark when it came from an accepted suggestion."""
    return f"{quote.text} {AUTOMATIC_MARK}" if quote.automatic else quote.text


def citation(row, fields=("role", "region")) -> str:
    """'SME owner 1, Tier 2+, West Midlands, interview 2024-10': speaker role, attributes, type and month; a
    document without those attributes is cited by its title, section or page, speaker and time instead."""
    described = [row.get(name).strip() for name in fields if isinstance(row.get(name), str) and row.get(name).strip()]
    if not described:
        return _located(row)
    parts = []
    speaker = row.get("speaker")
    # A speaker label that holds a lower-case word is a role ("College lead"); names and I/R/P3 are left out.
    if isinstance(speaker, str) and any(word.islower() for word in speaker.split()):
        parts.append(speaker)
    parts += [value for value in described if value not in parts]
    return ", ".join(p for p in [*parts, _kind_and_month(row)] if p)


def _kind_and_month(row, plain_documents: bool = True) -> str:
    kind = TYPE_LABELS.get(row.get("type"), row.get("type") or "")
    kind = "" if kind == "document" and not plain_documents else kind
    date = row.get("date")
    return f"{kind} {str(date)[:7]}".strip() if isinstance(date, str) and date else kind


def _located(row) -> str:
    """'Cluster board meeting notes, section “Actions”, p. 2, Chair, meeting notes 2025-03' (a plain document's
    type is left out: the title says what it is)."""
    section, page, speaker, time = (row.get(name) for name in ("section", "page", "speaker", "timestamp"))
    parts = [str(row.get("title") or "").strip(), f"section “{shorten(section, 80)}”" if section else "",
             f"p. {int(page)}" if page is not None else "", speaker.strip() if isinstance(speaker, str) else "",
             time if isinstance(time, str) else "", _kind_and_month(row, plain_documents=False)]
    return ", ".join(p for p in parts if p)


def _section(db, headings: dict[int, list], document_id: int, title: str, start: int) -> str | None:
    """The text of the last heading before `start` in the document (not the title repeated), if any."""
    from workbench.store.documents import document_segments

    if document_id not in headings:
        headings[document_id] = [(s["start"], s["text"]) for s in document_segments(db, document_id)
                                 if s["kind"] == "heading" and s["text"].strip() != title.strip()]
    before = [text for at, text in headings[document_id] if at <= start]
    return before[-1] if before else None


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


@dataclass(frozen=True)
class BriefingOptions:
    """What a briefing covers and how it quotes: themes (code ids; default every top-level code with codings),
    quotations per theme and which (longest, all, memo, picked ids), attributes to count documents by, the
    length a quotation is shortened to, the title, and whether quotations from accepted suggestions are marked."""

    codes: list[str] | None = None
    max_quotes: int | None = 5
    select: str = "longest"
    picked: list[int] | None = None
    by: tuple = DEFAULT_BY
    max_quote_chars: int | None = 700
    title: str | None = None
    mark_automatic: bool = False


def build_briefing(db, options: BriefingOptions | None = None, filters: ExcerptFilter | None = None,
                   pseudonymiser=None) -> Briefing:
    """A briefing per theme (top-level codes with codings, or the given codes with their sub-codes)."""
    from workbench.coding.queries import code_paths
    from workbench.export.excerpts import excerpt_table
    from workbench.store.codes import code_rows, descendants, get_code
    from workbench.store.maintenance import project_time

    options, filters = options or BriefingOptions(), filters or ExcerptFilter()
    codes, select, picked, max_quotes = options.codes, options.select, options.picked, options.max_quotes
    if select not in SELECTIONS:
        raise ExportError(f"unknown quotation choice {select!r}", hint="choose " + ", ".join(SELECTIONS))
    if select == "picked" and not picked:
        raise ExportError("hand-picked quotations need coding ids", hint="give --pick CODING_ID (repeatable)")
    if max_quotes is not None and max_quotes < 0:
        raise ExportError("--max-quotes cannot be negative")
    frame = excerpt_table(db, ExcerptFilter(coder=filters.coder, doc_type=filters.doc_type,
                                            attributes=filters.attributes, speaker=filters.speaker))
    rows = code_rows(db)
    if codes:
        themes = [get_code(db, c) for c in codes]
    else:
        themes = [r for r in rows if r["parent_id"] is None]
    paths = code_paths(db)
    built, headings = [], {}
    automatic = _automatic(db) if options.mark_automatic else {}
    for code in themes:
        part = frame[frame["code_id"].isin(descendants(db, code["id"]))]
        if part.empty and not codes:
            continue
        theme = Theme(code["id"], code["label"], paths[code["id"]], code["description"] or "",
                      _include(code), len(part), part["document_id"].nunique(),
                      part[part["type"] == "interview"]["document_id"].nunique(),
                      types=part.groupby("type")["document_id"].nunique().to_dict())
        for name in options.by:
            if name in part.columns:
                theme.breakdowns.append(_breakdown(part, name))
        for record in choose(part, select, max_quotes, picked).to_dict(orient="records"):
            record = {k: (None if _missing(v) else v) for k, v in record.items()}
            record["section"] = _section(db, headings, int(record["document_id"]), record["title"], int(record["start"]))
            theme.quotes.append(Quote(int(record["coding_id"]), shorten(record["text"], options.max_quote_chars),
                                      citation(record), int(record["document_id"]), record["title"],
                                      record["code_path"], record.get("memo"),
                                      automatic.get(int(record["coding_id"]))))
        built.append(theme)
    if not built:
        raise ExportError("nothing is coded for this briefing", hint="check --codes and the filters, "
                          "or code some excerpts first")
    shown = {"coder": filters.coder, "type": filters.doc_type, "speaker": filters.speaker, **(filters.attributes or {})}
    briefing = Briefing(options.title or "Briefing", project_time(db)[:10],
                        ", ".join(f"{k} = {v}" for k, v in shown.items() if v), built, select,
                        automatic=list(dict.fromkeys(q.automatic for t in built for q in t.quotes if q.automatic)))
    if pseudonymiser is not None:
        pseudonymiser.briefing(briefing)
    return briefing


def _automatic(db) -> dict[int, str]:
    """{coding id: "method, run N"} of the codings made by accepting an automatic suggestion."""
    from workbench.autocode.provenance import automatic_codings, method_label

    return {coding_id: method_label(row) + (f", run {row['run_id']}" if row["run_id"] is not None else "")
            for coding_id, row in automatic_codings(db).items()}


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


def count_headers(theme: Theme) -> list[str]:
    """The count columns of a theme's breakdown tables: interviews only where the theme has any."""
    return ["Documents", "Interviews"] if theme.interviews else ["Documents"]


def coverage_line(theme: Theme) -> str:
    """'12 coded excerpts from 4 sources (2 documents, 2 sets of meeting notes).' or '3 ... from 2 interviews.'"""
    excerpts = f"{theme.codings} coded excerpt{'s' if theme.codings != 1 else ''}"
    kinds = sorted(((n, t) for t, n in theme.types.items() if n), key=lambda k: (-k[0], _type_order(k[1])))
    nouns = [f"{n} {TYPE_NOUNS.get(t, (t, t))[n != 1]}" for n, t in kinds]
    if len(nouns) == 1:
        return f"{excerpts} from {nouns[0]}."
    sources = f"{theme.documents} source{'s' if theme.documents != 1 else ''}"
    return f"{excerpts} from {sources}" + (f" ({', '.join(nouns)})." if nouns else ".")


def _type_order(doc_type: str) -> int:
    return list(TYPE_NOUNS).index(doc_type) if doc_type in TYPE_NOUNS else len(TYPE_NOUNS)
