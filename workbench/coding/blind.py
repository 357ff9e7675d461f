"""Blind coding: while the project setting is on, a viewer who is not a lead sees only their own codings.

Blind coding covers the whole project, or a set of codes (with their sub-codes): then only the codings of those
codes are private to their coder, and other coders' codings of other codes stay visible. Accessors apply it where
they read codings (`codings_coder` for the whole project, `private_codes` for a code set), so the CLI, the app and
scripts that open a project for a viewer see the same thing; a project opened without a viewer (scripts) sees
everything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from workbench.errors import BlindError, CodingError
from workbench.store import settings
from workbench.store.blinding import (  # noqa: F401  (the settings' readers, used from here too)
    BLIND,
    BLIND_CODES,
    LEADS,
    blind_codes,
    hides_all,
    hides_others,
    is_blind,
    leads,
    private_codes,
)
from workbench.store.sql import Private

NOBODY = "\x00hidden"  # a coder name no coding has: another coder's codings asked for while blind match nothing
HIDDEN_AGREEMENT = "agreement is hidden until a lead reveals the codings"
_READING: ContextVar[tuple[int, Private] | None] = ContextVar("blind_reading", default=None)


def set_leads(db, names: list[str]) -> list[str]:
    """Make these coders the leads (names trimmed, duplicates dropped); returns them."""
    chosen = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    settings.set_setting(db, LEADS, json.dumps(chosen))
    return chosen


def visible_coder(db, viewer: str | None, coder: str | None) -> str | None:
    """The coder filter of a read that cannot tell codes apart (the change log): `coder` as asked, or the
    viewer's own under any blind coding (another coder asked for then matches nothing)."""
    if not hides_others(db, viewer):
        return coder
    return viewer if coder in (None, "", viewer) else NOBODY


def codings_coder(db, viewer: str | None, coder: str | None) -> str | None:
    """The coder filter of a read of codings: `coder` as asked, or the viewer's own under blind coding of the
    whole project (of a code set, `private_codes` hides the rest)."""
    return visible_coder(db, viewer, coder) if hides_all(db, viewer) else coder


@contextmanager
def reading_as(db, viewer: str | None) -> Iterator[None]:
    """Within the block, excerpt reads of `db` not told otherwise hide what blind coding of a code set hides from
    `viewer` (exports read excerpts through the exporters, which know nothing of viewers)."""
    private = private_codes(db, viewer)
    token = _READING.set((id(db), private) if private else None)
    try:
        yield
    finally:
        _READING.reset(token)


def reading_private(db) -> Private | None:
    """What the enclosing `reading_as` block hides in reads of `db`, or None."""
    found = _READING.get()
    return found[1] if found and found[0] == id(db) else None


def check_agreement(db, viewer: str | None) -> None:
    """BlindError when agreement figures are hidden from this viewer (blind coding of the whole project)."""
    if hides_all(db, viewer):
        raise BlindError(HIDDEN_AGREEMENT)


def agreement_codes(db, viewer: str | None, asked: list[str] | None, used: list[str],
                    with_subcodes: bool) -> list[str] | None:
    """The codes agreement may be computed over for this viewer: `asked` (None: every code `used`) without the
    codes blind coding of a code set covers, nor (with sub-codes) their parents; BlindError when a code asked
    for is covered or nothing is left. None when nothing is hidden."""
    from workbench.store.codes import descendants

    private = private_codes(db, viewer)
    if private is None:
        return asked
    hidden = set(private.codes)

    def covered(code: str) -> bool:
        return code in hidden or (with_subcodes and bool(hidden.intersection(descendants(db, code))))

    if asked is not None:
        blocked = [c for c in asked if covered(c)]
        if blocked:
            raise BlindError(f"agreement on {', '.join(blocked)} is hidden until a lead reveals the codings",
                             hint="leave those codes out, or ask a lead to reveal them with `workbench blind off`")
        return asked
    left = [c for c in used if not covered(c)]
    if not left:
        raise BlindError(HIDDEN_AGREEMENT, hint="every code these coders used is blind; a lead reveals them "
                                                "with `workbench blind off`")
    return left


def set_blind(db, on: bool, by: str | None = None, codes: list[str] | None = None) -> bool:
    """Turn blind coding on (for the whole project, or for `codes` and their sub-codes) or off; only a lead may,
    once leads are named; logged in the change log."""
    from workbench.store.changes import record_change
    from workbench.store.codes import get_code
    from workbench.store.database import writing

    named = leads(db)
    if named and by is not None and by not in named:
        raise CodingError(f"only a lead turns blind coding {'on' if on else 'off'}: {by} is not one",
                          hint=f"the leads are {', '.join(named)}; set them with `workbench leads NAME...`")
    chosen = list(dict.fromkeys(c.strip() for c in codes or [] if c and c.strip())) if on else []
    for code in chosen:
        get_code(db, code)
    was, was_codes = is_blind(db), blind_codes(db) or []
    with writing(db):
        settings.set_setting(db, BLIND, "on" if on else "off")
        settings.set_setting(db, BLIND_CODES, json.dumps(chosen))
        if was != on or was_codes != chosen:
            summary = {"blind": "on" if on else "off", **({"codes": chosen} if chosen else {})}
            record_change(db, "blind.on" if on else "blind.off", "settings", BLIND, None, {"summary": summary},
                          coder=by)
    return on


def status(db, viewer: str | None = None) -> dict:
    """Whether blind coding is on and for which codes (None: the whole project), who the leads are, whether this
    viewer sees only their own codings of every code (`own_only`) or of the blind codes (`private_codes`, with
    their sub-codes)."""
    private = private_codes(db, viewer)
    return {"blind": is_blind(db), "codes": blind_codes(db) if is_blind(db) else None, "leads": leads(db),
            "viewer": viewer, "own_only": hides_all(db, viewer),
            "private_codes": list(private.codes) if private else []}
