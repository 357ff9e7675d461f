"""The code tree as typed records, what store.codes reads and writes and codebook files parse into:
Code (with its sub-codes) and Codebook, and what a valid code id and colour look like."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@dataclass
class Code:
    """One code of a codebook, with its sub-codes."""

    id: str
    label: str
    description: str = ""
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    color: str | None = None
    patterns: dict[str, list] = field(default_factory=dict)
    children: list[Code] = field(default_factory=list)
    line: int | None = None

    def walk(self, parent: str | None = None):
        """(code, parent id) for this code and every descendant, depth first."""
        yield self, parent
        for child in self.children:
            yield from child.walk(self.id)


@dataclass
class Codebook:
    name: str
    version: str
    codes: list[Code]
    title: str = ""
    description: str = ""
    source: str = ""

    def walk(self):
        for code in self.codes:
            yield from code.walk()
