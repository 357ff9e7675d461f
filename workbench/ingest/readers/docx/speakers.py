"""Speaker turns in Word transcripts: a bold name (maybe after a timestamp) opening a paragraph."""

from __future__ import annotations

import re
from collections import Counter

from workbench.ingest._base import Block

# A speaker label may follow a timestamp such as [00:12:31], (12:31) or 00:12:31.5
_TIMESTAMP = re.compile(r"[\[(]?(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,](\d{1,3}))?[\])]?")


def _timestamp_seconds(match: re.Match) -> float:
    a, b, c, frac = match.groups()
    if c is None:  # mm:ss
        seconds = int(a) * 60 + int(b)
    else:  # hh:mm:ss
        seconds = int(a) * 3600 + int(b) * 60 + int(c)
    if frac:
        seconds += int(frac) / (10 ** len(frac))
    return float(seconds)


def split_speaker(segments: list[tuple[str, bool]]):
    """Find a bold speaker label at the start of a paragraph.

    segments: (text, bold) pieces in order. Returns (text, speaker, time_start)
    with the text rewritten as "[ts] Name: rest", or None when the paragraph
    does not start with a bold label of 1-5 words followed by non-bold text.
    """
    text = "".join(t for t, _ in segments)
    mask: list[bool] = []
    for piece, bold in segments:
        mask.extend([bold] * len(piece))
    pos = 0
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    time_start = None
    ts_text = ""
    match = _TIMESTAMP.match(text, pos)
    if match and (match.end() == len(text) or not text[match.end()].isalnum()):
        ts_text = match.group(0)
        time_start = _timestamp_seconds(match)
        pos = match.end()
        while pos < len(text) and text[pos] in " \t":
            pos += 1
    if pos >= len(text) or not mask[pos]:
        return None
    end = pos
    while end < len(text) and text[end] != "\n" and (mask[end] or text[end] in " \t"):
        end += 1
    label = text[pos:end].strip()
    rest = text[end:]
    if not rest.strip(" \t:"):
        return None  # the whole paragraph is bold: a heading, not a speaker turn
    if ":" in label:
        speaker, _, after = label.partition(":")
        rest = after + rest
        had_colon = True
    else:
        speaker = label
        had_colon = rest.lstrip(" \t").startswith(":")
    speaker = speaker.strip()
    words = speaker.split()
    if not 1 <= len(words) <= 5 or len(speaker) > 60 or not any(ch.isalpha() for ch in speaker):
        return None
    if speaker[-1] in ".!?,;\"'" or speaker[0] in "(\"'[":
        return None
    if not had_colon and not all(w[0].isupper() or w[0].isdigit() for w in words):
        return None
    rest = rest.lstrip(" \t")
    if rest.startswith(":"):
        rest = rest[1:].lstrip(" \t")
    if not rest.strip():
        return None
    prefix = f"{ts_text.strip()} " if ts_text else ""
    return f"{prefix}{speaker}: {rest}", speaker, time_start, had_colon or bool(ts_text)


def drop_lone_bold_leads(blocks: list[Block], unmarked: dict[int, str]) -> None:
    """A bold lead-in with no colon or timestamp is a speaker only if the name recurs.

    Reports use bold lead-ins ("**Skills** The region lacks...") that look like
    speaker names; transcripts repeat their speakers. Lone ones get their text back.
    """
    counts = Counter(b.speaker for b in blocks if b.speaker)
    for block in blocks:
        if id(block) in unmarked and counts[block.speaker] < 2:
            block.text, block.speaker, block.time_start = unmarked[id(block)], None, None
