"""Word styles and paragraph properties: which styles make headings, lists and bold text."""

from __future__ import annotations

import re

_FALSE = {"0", "false", "off", "none"}
_HEADING_NAME = re.compile(r"^(heading\s*(?P<n>\d+)|title)$", re.IGNORECASE)


class Styles:
    """Paragraph and character styles from styles.xml, resolved through basedOn."""

    def __init__(self, root, w: str):
        self.w = w
        self.styles: dict[str, dict] = {}
        self.default_para: str | None = None
        if root is None:
            return
        for st in root.iter(f"{{{w}}}style"):
            sid = st.get(f"{{{w}}}styleId")
            if not sid:
                continue
            name_el = st.find(f"{{{w}}}name")
            based = st.find(f"{{{w}}}basedOn")
            ppr = st.find(f"{{{w}}}pPr")
            rpr = st.find(f"{{{w}}}rPr")
            info = {
                "name": (name_el.get(f"{{{w}}}val") or "") if name_el is not None else "",
                "based": based.get(f"{{{w}}}val") if based is not None else None,
                "numbered": has_numbering(ppr, w),
                "outline": outline_level(ppr, w),
                "bold": bold_value(rpr, w),
            }
            self.styles[sid] = info
            if st.get(f"{{{w}}}type") == "paragraph" and st.get(f"{{{w}}}default") in ("1", "true", "on"):
                self.default_para = sid

    def chain(self, sid: str | None):
        """The style and the styles it is based on, nearest first (cycles cut)."""
        seen = set()
        while sid and sid in self.styles and sid not in seen and len(seen) < 20:
            seen.add(sid)
            yield self.styles[sid]
            sid = self.styles[sid]["based"]

    def is_heading(self, sid: str | None) -> bool:
        """Whether the style is a heading (by name or outline level)."""
        for st in self.chain(sid):
            if _HEADING_NAME.match(st["name"].strip()):
                return True
            if st["outline"] is not None:
                return st["outline"] < 9
        return False

    def heading_level(self, sid: str | None) -> int | None:
        """A heading style's level, 1 = top: `Heading 2` is 2, `Title` 1, an outline level n is n + 1."""
        for st in self.chain(sid):
            m = _HEADING_NAME.match(st["name"].strip())
            if m:
                return int(m.group("n")) if m.group("n") else 1
            if st["outline"] is not None:
                return st["outline"] + 1 if st["outline"] < 9 else None
        return None

    def is_list(self, sid: str | None) -> bool:
        """Whether the style numbers its paragraphs or is a List style."""
        for st in self.chain(sid):
            if st["numbered"] or st["name"].strip().lower().startswith("list"):
                return True
        return False

    def bold(self, sid: str | None) -> bool | None:
        """The style's bold setting, inherited; None when no style in the chain sets it."""
        for st in self.chain(sid):
            if st["bold"] is not None:
                return st["bold"]
        return None


def has_numbering(ppr, w: str) -> bool:
    """Whether paragraph properties (w:pPr) attach a numbering (w:numPr other than numId 0)."""
    if ppr is None:
        return False
    num = ppr.find(f"{{{w}}}numPr")
    if num is None:
        return False
    num_id = num.find(f"{{{w}}}numId")
    return num_id is None or num_id.get(f"{{{w}}}val", "1") != "0"


def outline_level(ppr, w: str) -> int | None:
    """The outline level set in paragraph properties (w:pPr), if any."""
    if ppr is None:
        return None
    el = ppr.find(f"{{{w}}}outlineLvl")
    if el is None:
        return None
    try:
        return int(el.get(f"{{{w}}}val", "9"))
    except ValueError:
        return None


def bold_value(rpr, w: str) -> bool | None:
    """The bold setting in run properties (w:rPr): True, False, or None when not set."""
    if rpr is None:
        return None
    b = rpr.find(f"{{{w}}}b")
    if b is None:
        return None
    return (b.get(f"{{{w}}}val") or "1").lower() not in _FALSE
