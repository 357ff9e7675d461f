"""WebVTT and SRT captions: each cue becomes a timestamped segment.

Voice tags (`<v Name>`) and `Name:` prefixes give speakers; cue identifiers,
NOTE/STYLE/REGION blocks and inline markup are dropped. A cue with malformed
timings is skipped with a warning naming its line.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from workbench.errors import CorruptFileError, EmptyFileError, NoTextError
from workbench.ingest._base import Block, ReadOptions, ReadResult
from workbench.ingest.encoding import decode_text
from workbench.ingest.normalise import normalise_text
from workbench.ingest.speakers import find_label, is_known, label_key

_VTT_TIME = r"(?:\d+:)?\d{2}:\d{2}\.\d{3}"
_SRT_TIME = r"\d+:\d{2}:\d{2}[,.]\d{1,3}"
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>]*>")


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def _cue_text(lines: list[str]) -> tuple[str, str | None]:
    """Plain cue text and the speaker of its voice tag, if any."""
    raw = " ".join(line.strip() for line in lines if line.strip())
    voice = _VOICE.search(raw)
    speaker = " ".join(voice.group(1).split()) if voice else None
    text = html.unescape(_TAG.sub("", raw))
    return " ".join(text.split()), speaker


def parse_cues(text: str, name: str, srt: bool) -> tuple[list[Block], list[str]]:
    """Cues as blocks (kind 'cue') plus warnings for cues that were skipped."""
    timing = re.compile(rf"^\s*({_SRT_TIME if srt else _VTT_TIME})\s*-->\s*({_SRT_TIME if srt else _VTT_TIME})(?:\s|$)")
    lines = normalise_text(text).split("\n")
    blocks: list[Block] = []
    warnings: list[str] = []
    i = 0
    if not srt:
        if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
            raise CorruptFileError(f"{name}: not a WebVTT file (the first line must be WEBVTT)")
        i = 1
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        group_start = i
        group = []
        while i < len(lines) and lines[i].strip():
            group.append(lines[i])
            i += 1
        if not srt and group[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        arrow = next((k for k, line in enumerate(group) if "-->" in line), None)
        if arrow is None:
            warnings.append(f"{name}: line {group_start + 1}: text without a cue timing was skipped")
            continue
        m = timing.match(group[arrow])
        if not m:
            form = "HH:MM:SS,mmm --> HH:MM:SS,mmm" if srt else "HH:MM:SS.mmm --> HH:MM:SS.mmm"
            warnings.append(f"{name}: line {group_start + arrow + 1}: malformed cue timing "
                            f"{group[arrow].strip()!r} (expected {form}); cue skipped")
            continue
        cue_text, speaker = _cue_text(group[arrow + 1:])
        if cue_text:
            blocks.append(Block(cue_text, "cue", speaker=speaker,
                                time_start=_seconds(m.group(1)), time_end=_seconds(m.group(2))))
    return blocks, warnings


def assign_prefix_speakers(blocks: list[Block]) -> None:
    """`Name:` prefixes that recur become speakers; unlabelled cues keep the last speaker."""
    if any(b.speaker for b in blocks):
        return
    found = [find_label(b.text) for b in blocks]
    counts = Counter(label_key(m.label) for m in found if m and not m.own_line)
    accepted = {k for k, n in counts.items() if n >= 2}
    accepted |= {label_key(m.label) for m in found if m and is_known(m.label)}
    if not accepted:
        return
    current = None
    for block, m in zip(blocks, found):
        if m and not m.own_line and label_key(m.label) in accepted:
            current = m.label
        block.speaker = current


def read(data: bytes, name: str, options: ReadOptions) -> ReadResult:
    """Read a .vtt or .srt caption file."""
    if not data.strip(b"\xef\xbb\xbf\xff\xfe\x00 \r\n\t"):
        raise EmptyFileError(f"{name}: empty caption file, no cues")
    text, encoding = decode_text(data, name)
    srt = name.lower().endswith(".srt")
    blocks, warnings = parse_cues(text, name, srt)
    if not blocks:
        if warnings:
            raise CorruptFileError(f"{name}: no valid cues; {warnings[0].removeprefix(name + ': ').removesuffix('; cue skipped')}",
                                   hint="fix the cue timings and ingest the file again")
        raise NoTextError(f"{name}: no cues found")
    assign_prefix_speakers(blocks)
    return ReadResult(blocks=blocks, warnings=warnings,
                      metadata={"encoding": encoding, "cues": len(blocks)})
