"""Why a suggestion was made, in words a reviewer can check: the rule hits with their patterns, and
with `--method both` why each suggestion stands (confirmed by its theme's classifier, or the
classifier sure enough alone). The rule id stays in the suggestion's `source` as its provenance.
"""

from __future__ import annotations

import re

MAX_REASON = 400  # characters of a rule reason's hits; the ones beyond are counted ("and 3 more")
MAX_WORDS = 4  # words of an IN / NOT_IN list shown before the rest is elided
# The verdict `both` appends; a later run replaces it rather than adding another.
VERDICT = re.compile(r"(?:^|; )(?:confirmed by the \S+ classifier at |classifier alone at |kept unchecked: ).*\Z",
                     re.DOTALL)


WORD_KEYS = ("LOWER", "ORTH", "TEXT", "NORM")
OPTIONAL = {"?": "?", "*": "*", "+": "+", "!": " (not)"}


def _token_words(token: dict) -> str:
    """One token of a spaCy pattern as a reader writes it: `word`, `a|b|c|…`, `word*` for a lemma, `(any word)`."""
    for key in (*WORD_KEYS, "LEMMA"):
        if key not in token:
            continue
        value = token[key]
        mark = "*" if key == "LEMMA" else ""
        if isinstance(value, dict) and "IN" in value:
            words = [str(w) + mark for w in value["IN"]]
            return "|".join(words[:MAX_WORDS] + (["…"] if len(words) > MAX_WORDS else []))
        if isinstance(value, dict) and "NOT_IN" in value:
            return "not " + "|".join(str(w) for w in value["NOT_IN"][:MAX_WORDS])
        return str(value) + mark
    if token.get("IS_ALPHA") or token.get("IS_ASCII") or not token or set(token) == {"OP"}:
        return "(any word)"
    return "(" + ", ".join(f"{k.lower()} {v}" for k, v in token.items() if k != "OP") + ")"


def show_pattern(value) -> str:
    """A spaCy token pattern as the words it looks for, in order: `moving|move|… into (any word)? aerospace|…`.

    `|` separates alternatives, `*` after a word means any of its forms (a lemma), `?` an optional word;
    long word lists are cut to their first words and `…`."""
    if not isinstance(value, list):
        return str(value)
    shown = []
    for token in value:
        token = token if isinstance(token, dict) else {}
        shown.append(_token_words(token) + OPTIONAL.get(str(token.get("OP", "")), ""))
    return " ".join(shown)


def describe(rs, hits: list[tuple[int, str, str]]) -> dict:
    """Score, source (first rule to fire) and reason for one code's hits in one segment of a RuleSet."""
    hits = sorted(hits, key=lambda h: (h[0], rs.rules[h[1]].order))
    seen: dict[str, str] = {}
    for _, rule_id, text in hits:
        seen.setdefault(rule_id, text)
    parts = []
    for rule_id, text in seen.items():
        rule = rs.rules[rule_id]
        name = f"words «{rule.shown}»" if rule.kind == "token" else f"{rule.kind} {rule.pattern!r}"
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
