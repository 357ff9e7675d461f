"""Why a suggestion was made, in words a reviewer can check: the rule hits with their patterns, and
with `--method both` why each suggestion stands (confirmed by its theme's classifier, or the
classifier sure enough alone). The rule id stays in the suggestion's `source` as its provenance.
"""

from __future__ import annotations

import json
import re

MAX_REASON = 400  # characters of a rule reason's hits; the ones beyond are counted ("and 3 more")
MAX_WORDS = 4  # words of an IN / NOT_IN list shown before the rest is elided
# The verdict `both` appends; a later run replaces it rather than adding another.
VERDICT = re.compile(r"(?:^|; )(?:confirmed by the \S+ classifier at |classifier alone at |kept unchecked: ).*\Z",
                     re.DOTALL)


def show_pattern(value, top: bool = True) -> str:
    """A spaCy token pattern as compact JSON, long word lists cut to their first words and '…'."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {show_pattern(v, False)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        cut = not top and len(value) > MAX_WORDS + 1
        shown = [show_pattern(v, False) for v in (value[:MAX_WORDS] if cut else value)]
        return "[" + ", ".join(shown + (["…"] if cut else [])) + "]"
    return json.dumps(value, ensure_ascii=False)


def describe(rs, hits: list[tuple[int, str, str]]) -> dict:
    """Score, source (first rule to fire) and reason for one code's hits in one segment of a RuleSet."""
    hits = sorted(hits, key=lambda h: (h[0], rs.rules[h[1]].order))
    seen: dict[str, str] = {}
    for _, rule_id, text in hits:
        seen.setdefault(rule_id, text)
    parts = []
    for rule_id, text in seen.items():
        rule = rs.rules[rule_id]
        name = f"token pattern {rule.shown}" if rule.kind == "token" else f"{rule.kind} {rule.pattern!r}"
        parts.append(name + (f" ({text})" if text.lower() != rule.pattern.lower() else ""))
    reason = f"{len(seen)} rule hit{'s' if len(seen) > 1 else ''}: " + parts[0]
    for n, part in enumerate(parts[1:], 1):
        if len(reason) + 2 + len(part) > MAX_REASON:
            reason += f"; and {len(parts) - n} more"
            break
        reason += "; " + part
    return {"source": hits[0][1], "score": round(1 - 0.5 ** len(seen), 4), "reason": reason}


def verdict(method: str, theme: str, score: float | None, confirm: float, alone: float) -> str:
    """Why a suggestion of `method` stands after `both`, given its theme's classifier probability (None: the
    theme has no classifier)."""
    if score is None:
        return f"kept unchecked: the {theme} theme has no classifier (too few coded passages and examples)"
    if method == "rules":
        return f"confirmed by the {theme} classifier at {score:.2f} (a rule hit stands from {confirm:.2f})"
    if method == "classifier":
        return f"classifier alone at {score:.2f} for the {theme} theme (a suggestion without a rule needs {alone:.2f})"
    return "kept unchecked: a similarity suggestion (too few examples for a classifier of this code)"


def with_verdict(reason: str | None, why: str) -> str:
    """The reason with `why` after it, in place of the verdict of an earlier run."""
    base = VERDICT.sub("", reason or "")
    return f"{base}; {why}" if base else why
