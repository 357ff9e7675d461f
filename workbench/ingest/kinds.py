"""What a block of text is by its shape: heading, caption, source note, front matter, table of contents
line, reference entry, footnote. Pure functions over one line or block; `structure` applies them in order.

Segment kinds: paragraph, heading, list_item, table_row, caption, source_note, references, front_matter,
footnote, endnote, turn, cue.
"""

from __future__ import annotations

import re

from workbench.ingest.sentences import ends_sentence

_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to",
                "with", "vs", "via", "per", "but", "nor", "its", "their", "our", "is", "are", "&", "-", "–", "—"}
_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,4})\.?[ \t]+(?P<rest>\S.*)$")
_LETTERED = re.compile(r"^(?P<num>[IVX]{1,5}|[A-H])\.[ \t]+(?P<rest>[A-Z].*)$")
_KEYWORD = re.compile(r"^(?:challenge|chapter|part|section|annex|appendix|priority|theme|pillar|step|stage|"
                      r"objective|mission)[ \t]+(?:\d{1,3}|[IVXLC]{1,6}|[A-Z])\b[.:–—-]?", re.IGNORECASE)
CAPTION = re.compile(r"^(?:figure|fig\.|table|chart|graph|exhibit|box|map|diagram|image|plate|infographic)"
                     r"[ \t]+(?:\d{1,3}(?:\.\d{1,3})?[a-z]?|[A-Z]\d{0,2}|[IVX]{1,5})(?P<after>[ \t]*[.:–—-]|\s*$)?",
                     re.IGNORECASE)
SOURCE_NOTE = re.compile(r"^\(?(?P<word>sources?|notes?|nb|data|base)\b[ \t]*(?:\(\w{1,3}\))?[ \t]*[:.]",
                         re.IGNORECASE)
FRONT_MATTER = re.compile(
    r"\bdoi\b|doi\.org/|creative commons|\bcc[ -]by\b|\blicen[cs]ed under\b|\bopen access\b.*\blicen[cs]e|"
    r"all rights reserved|\bcopyright\b|©|\(c\) \d{4}|\bisbn\b|\bissn\b|document version|"
    r"citation for published version|link to (?:the )?publication|peer[- ]reviewed version|"
    r"accepted (?:author )?manuscript|general rights|take ?down policy|suggested citation|how to cite|"
    r"please cite|cite this (?:article|paper|report)|published version \(apa\)|"
    r"arxiv:\d|^(?:received|accepted|published)[ \t]*:?[ \t]*\d|^download date\b",
    re.IGNORECASE)
# Words one of which every FRONT_MATTER match holds: a cheap test before the expression.
_FRONT_WORDS = ("doi", "creative commons", "cc by", "cc-by", "licen", "rights reserved", "copyright", "©", "(c) ",
                "isbn", "issn", "document version", "citation", "link to", "peer", "manuscript", "general rights",
                "take", "cite", "published", "arxiv", "received", "accepted", "open access", "download date")
STRONG_FRONT = re.compile(r"doi\.org/|\bdoi:|creative commons|\bcc[ -]by\b|all rights reserved|©|\bisbn\b|\bissn\b|"
                          r"document version|citation for published version|take ?down policy", re.IGNORECASE)
TOC_HEADING = re.compile(r"^(?:table of )?contents?$|^contents page$", re.IGNORECASE)
TOC_LINE = re.compile(r"(?:\.{3,}|…{2,}|(?:\. ){3,}|_{3,}|\t)[ \t.]*\d{1,3}$|[ \t]\d{1,3}$")
REFERENCE_HEADING = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})*\.?[ \t]+)?(?:references?|bibliography|works cited|reference list|"
    r"literature(?: cited)?|cited (?:works|literature)|sources and references|references and notes|"
    r"further reading)[ \t]*:?$", re.IGNORECASE)
YEAR = re.compile(r"\(?\b(?:19|20)\d{2}[a-z]?\b\)?|\(n\.d\.\)|\(forthcoming\)")
REFERENCE_START = re.compile(
    r"^(?:\[\d{1,3}\][ \t]*|\d{1,3}\.[ \t]+)?(?:[A-Z][\w'’\-]+(?:[ \t][A-Z][\w'’\-]+){0,2},[ \t]*(?:[A-Z]\.|[A-Z][a-z]+)"
    r"|[A-Z][\w'’\-]+(?:,? (?:&|and) [A-Z][\w'’\-]+| et al\.?)?[ \t]*\((?:19|20)\d{2}"
    r"|[A-Z][A-Za-z&'’\- ]{1,60}[ \t]*\((?:19|20)\d{2}[a-z]?\)[.,]"
    r"|\[\d{1,3}\])")
# "London: Macmillan." / "New York, NY: Free Press, 1990." : the place and publisher line of a reference entry
PUBLISHER_LINE = re.compile(r"^[A-Z][A-Za-z .'’-]{1,30}(?:,[ \t][A-Z]{2})?:[ \t]+[A-Z][\w&.,'’ ()/-]{1,80}?"
                            r"(?:,[ \t]*(?:19|20)\d{2}[a-z]?)?\.?$")
_CITED_YEAR = re.compile(r"\((?:19|20)\d{2}[a-z]?\)")
FOOTNOTE = re.compile(r"^(?:\[\^?\w{1,4}\]:?|\^\d{1,3})[ \t]+\S")
_LIST_MARK = re.compile(r"^(?:[-*•–·▪◦][ \t]|\(?(?:\d{1,3}|[a-z]|[ivxlc]{1,6})[.)][ \t])", re.IGNORECASE)


def heading_level(text: str) -> int | None:
    """The level a numbered heading shows ("4.2 Apprenticeships" is 2); None when it shows none."""
    m = _NUMBERED.match(text)
    if m:
        return m.group("num").count(".") + 1
    if _LETTERED.match(text) or _KEYWORD.match(text):
        return 1
    return None


def looks_like_heading(line: str, strict: bool = False) -> bool:
    """A short line without a sentence end that is numbered, a keyword heading ("CHALLENGE 4: Skills"),
    in capitals or, unless strict, in title case."""
    line = line.strip()
    words = line.split()
    if not words or len(line) > 120 or len(words) > 14 or "\n" in line:
        return False
    if line[-1] in ".,;!?…" and not line.endswith("..."):
        return False
    if line.endswith(":") or CAPTION.match(line) or SOURCE_NOTE.match(line) or FOOTNOTE.match(line):
        return False
    if _KEYWORD.match(line):
        return True
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 3:
        return False
    m = _NUMBERED.match(line) or _LETTERED.match(line)
    rest = m.group("rest") if m else line
    if m and len(rest.split()) <= 10 and rest[:1].isupper() and ":" not in rest[-2:]:
        multi_level = "." in m.group("num").strip(".")  # "4.2 Apprenticeships": no list is numbered so
        return _mostly_capitalised(rest) or multi_level or not strict
    if ":" in line or not line[0].isupper():
        return False
    if sum(c.isupper() for c in letters) / len(letters) > 0.8 and len(words) >= 1 and len(letters) >= 4:
        return True
    return not strict and len(words) <= 10 and _mostly_capitalised(line)


def is_sentence_case_heading(line: str) -> bool:
    """A short line in sentence case without end punctuation ("What the evidence says"): a heading when a longer
    paragraph follows (the caller checks)."""
    line = line.strip()
    words = line.split()
    return (1 <= len(words) <= 8 and len(line) <= 70 and line[:1].isupper() and line[-1] not in ".,;:!?…)"
            and ":" not in line and not CAPTION.match(line) and not SOURCE_NOTE.match(line)
            and sum(c.isalpha() for c in line) >= 0.7 * len(line.replace(" ", "")))


def _mostly_capitalised(text: str) -> bool:
    words = [w.strip("()'\"‘’“”,") for w in text.split()]
    content = [w for w in words if w and w.lower() not in _SMALL_WORDS]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper() or w[0].isdigit())
    return capitalised / len(content) >= 0.75


def is_caption(text: str, above_table: bool = False) -> bool:
    """Figure/Table/Chart N followed by a title (a line, not a sentence that cites the figure). `Figure 2. ...` with
    punctuation after the number may run on as a legend; `Table 4 Emissions by source.` counts above a table."""
    m = CAPTION.match(text)
    if not m or len(text) > 2000:
        return False
    after = m.group("after")
    if after is not None and after.strip():
        return True
    if len(text) > 400:
        return False
    return after is not None or (len(text) <= 160 and (above_table or not ends_sentence(text)))


def is_source_note(text: str, after_figure: bool) -> bool:
    """`Source: ONS` anywhere; `Note:` only under a figure, table or caption."""
    m = SOURCE_NOTE.match(text)
    if not m or len(text) > 600:
        return False
    return m.group("word").lower().startswith("source") or after_figure


def is_front_matter(text: str, early: bool) -> bool:
    """Licence, DOI, citation block or version notice: anywhere when short and plain, else on the cover pages."""
    if len(text) > 1200 or (not early and len(text) > 300):
        return False
    low = text.lower()
    if not any(word in low for word in _FRONT_WORDS) or not FRONT_MATTER.search(text):
        return False
    if STRONG_FRONT.search(text) and len(text) <= 1200:
        return early or len(text) <= 300
    return early and len(text) <= 600


def is_toc_line(line: str) -> bool:
    """A contents line: a title with dot leaders or ending in a page number."""
    line = line.strip()
    return 2 <= len(line) <= 160 and bool(TOC_LINE.search(line)) and not ends_sentence(line)


def is_reference_entry(text: str) -> bool:
    """A bibliography entry by its shape: authors then a year, in one short block."""
    return len(text) <= 700 and bool(REFERENCE_START.match(text)) and bool(YEAR.search(text[:250]))


def opens_reference(line: str) -> bool:
    """A line that opens like a bibliography entry (`Marshall, A. (1920) Principles...`) or cites a work by its
    year in brackets (`Suggested citation: Tyne and Wear Partnership (2026) Making...`)."""
    return (bool(REFERENCE_START.match(line.strip())) and bool(YEAR.search(line[:250]))) or bool(_CITED_YEAR.search(line))


def continues_reference(block: str, line: str) -> bool:
    """A `Place: Publisher.` line in a block that holds a reference entry, not a speaker turn (`London: Macmillan.`
    under `Marshall, A. (1920) Principles of Economics.`)."""
    return (len(line.split()) <= 12 and bool(PUBLISHER_LINE.match(line.strip()))
            and any(opens_reference(entry) for entry in block.split("\n")))


def starts_list_item(line: str) -> bool:
    """A line opening with a bullet or list number (1. 1) a) (iv) iv.)."""
    return bool(_LIST_MARK.match(line.lstrip()))
