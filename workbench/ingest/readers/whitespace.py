"""Text of markup formats (HTML, ODF) built from raw runs, whose whitespace collapses, and literal runs."""

from __future__ import annotations

import re


class CollapsingText:
    """Raw runs: any run of whitespace becomes one space, and none follows a space or starts the text."""

    WHITESPACE = re.compile(r"[ \t\n\r\f]+")

    def __init__(self):
        self.parts: list[str] = []
        self.after_space = True  # leading whitespace is dropped

    def raw(self, text: str | None) -> None:
        if not text:
            return
        text = self.WHITESPACE.sub(" ", text)
        if text.startswith(" ") and self.after_space:
            text = text[1:]
        if text:
            self._add(text)
            self.after_space = text.endswith(" ")

    def _add(self, text: str) -> None:
        self.parts.append(text)
