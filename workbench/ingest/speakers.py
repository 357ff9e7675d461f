"""Speaker labels at the start of a paragraph: `I:`, `P3:`, `Jane Smith [00:12:31]:`."""

from __future__ import annotations

import re
from dataclasses import dataclass

TIMESTAMP = r"[\[(]?(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?(?![:\d])[\])]?"
# A label: up to five words, starting with a capital letter or digit-free role word.
_LABEL = r"[A-Z][\w.'’&/-]*(?:[ \t]+[\w.'’&/-]+){0,4}"
_KNOWN = re.compile(
    r"^(?:I|R|Q|A|P\d{1,2}|Participant \d{1,2}|Speaker \d{1,2}|Interviewer|Respondent|Interviewee|"
    r"Moderator|Facilitator|Researcher|Note-?taker)$",
    re.IGNORECASE,
)
# Words before a colon that start ordinary lines of documents and notes, not speakers.
NOT_SPEAKERS = {
    "note", "notes", "nb", "source", "sources", "figure", "fig", "table", "example", "examples",
    "action", "actions", "date", "time", "attendees", "present", "apologies", "agenda", "subject",
    "re", "location", "venue", "chair", "summary", "outcome", "outcomes", "decision", "decisions",
    "tel", "phone", "email", "e-mail", "web", "website", "address", "keywords", "key", "priority",
    "objective", "objectives", "aim", "aims", "purpose", "step", "phase", "theme", "themes",
    "recommendation", "recommendations", "status", "owner", "deadline", "due", "result", "results",
    "background", "context", "conclusion", "conclusions", "warning", "important", "tip", "update",
    "title", "author", "authors", "version", "draft", "contents", "page", "ref", "reference",
    "http", "https", "www", "total", "budget", "cost", "costs", "target", "targets", "issue",
    "issues", "risk", "risks", "next steps", "in summary", "for example", "in short",
    # cover pages and citation blocks of papers and reports
    "doi", "license", "licence", "creative commons", "copyright", "citation", "isbn", "issn", "download date",
    "document version", "published", "received", "accepted", "abstract", "jel", "jel codes", "suggested citation",
    "how to cite", "please cite",
    # numbered headings of reports ("CHALLENGE 4: Skills", "Chapter 2: Context"), never speakers
    "challenge", "chapter", "part", "section", "annex", "appendix", "pillar", "stage", "mission", "goal", "box",
}
_TS = re.compile(TIMESTAMP)
_BOLD = r"\*{0,2}"  # Markdown emphasis around a label: **Q:**, **Jane**:, *A:*
# timestamp? label timestamp? ':' timestamp?   (inline label, speech follows on the same line)
_INLINE = re.compile(
    rf"^(?:(?P<ts1>{TIMESTAMP})[ \t]*)?{_BOLD}(?P<label>{_LABEL}?)[ \t]*(?:(?P<ts2>{TIMESTAMP})[ \t]*)?{_BOLD}:"
    rf"{_BOLD}(?!\d)[ \t]*(?:(?P<ts3>{TIMESTAMP})[ \t]*)?"
)
# A label alone on its line (optionally with timestamp), speech on the following lines.
_OWN_LINE = re.compile(
    rf"^(?:(?P<ts1>{TIMESTAMP})[ \t]*)?{_BOLD}(?P<label>{_LABEL}?)[ \t]*(?:(?P<ts2>{TIMESTAMP}))?[ \t]*{_BOLD}:?"
    rf"{_BOLD}[ \t]*$"
)


@dataclass
class LabelMatch:
    """A speaker label found at the start of a block."""

    label: str
    speech_start: int  # offset in the block where the speech begins
    time_start: float | None
    own_line: bool


def parse_timestamp(text: str | None) -> float | None:
    """Seconds from `[01:02:03]`, `12:31`, `00:00:01,500`; None when absent."""
    if not text:
        return None
    parts = text.strip("[]() ").replace(",", ".").split(":")
    try:
        seconds = 0.0
        for part in parts:
            seconds = seconds * 60 + float(part)
        return seconds
    except ValueError:
        return None


def clean_label(label: str) -> str:
    """Collapse whitespace and trailing punctuation of a speaker label."""
    return " ".join(label.split()).strip(" .-")


def label_key(label: str) -> str:
    return clean_label(label).casefold()


def is_plausible(label: str) -> bool:
    """False for empty labels, list markers, stop words and sentence-like text."""
    key = label_key(label)
    if not key or key in NOT_SPEAKERS or key.split(" ")[0] in NOT_SPEAKERS:
        return False
    if _KNOWN.match(clean_label(label)):
        return True
    words = clean_label(label).split(" ")
    if len(words) > 5 or re.fullmatch(r"[\d.]+", key):
        return False
    # Role labels ("SME owner 2") may have lower-case words; names are capitalised.
    return sum(1 for w in words if w[:1].isupper() or w[:1].isdigit()) >= max(1, len(words) // 2)


def is_known(label: str) -> bool:
    return bool(_KNOWN.match(clean_label(label)))


def find_label(block_text: str) -> LabelMatch | None:
    """The speaker label at the start of a block, if the block begins with one."""
    first_line, _, rest = block_text.partition("\n")
    m = _INLINE.match(first_line)
    if m and m.group("label") and m.end() < len(first_line) and is_plausible(m.group("label")):
        ts = m.group("ts1") or m.group("ts2") or m.group("ts3")
        return LabelMatch(clean_label(m.group("label")), m.end(), parse_timestamp(ts), False)
    if len(first_line) <= 60:
        m = _OWN_LINE.match(first_line)
        if m and m.group("label") and is_plausible(m.group("label")):
            ts = m.group("ts1") or m.group("ts2")
            has_marker = bool(ts) or first_line.rstrip().endswith(":") or is_known(m.group("label"))
            # A bare name line counts only if it recurs; the segmenter checks that.
            if has_marker or len(first_line.split()) <= 4:
                start = len(first_line) + 1 if rest else len(block_text)
                return LabelMatch(clean_label(m.group("label")), start, parse_timestamp(ts), True)
    return None
