"""Blind coding as the project's settings hold it: whether it is on, for which codes, who the leads are, and
what that hides from a viewer. Read by the accessors of every layer (`workbench.coding.blind` acts on it)."""

from __future__ import annotations

import json

from workbench.store import settings
from workbench.store.sql import Private

BLIND = "blind"
BLIND_CODES = "blind_codes"  # a JSON list of code ids; empty: the whole project
LEADS = "leads"


def is_blind(db) -> bool:
    """Whether blind coding is on for the project."""
    return settings.get_setting(db, BLIND, "off") == "on"


def blind_codes(db) -> list[str] | None:
    """The codes blind coding covers, as named (their sub-codes too), or None for the whole project."""
    return json.loads(settings.get_setting(db, BLIND_CODES, "[]")) or None


def leads(db) -> list[str]:
    """The coders who see everyone's codings while blind coding is on (and may turn it off)."""
    return json.loads(settings.get_setting(db, LEADS, "[]"))


def hides_others(db, viewer: str | None) -> bool:
    """True when blind coding hides some of other coders' work from `viewer` (blind on, for the whole project or
    a code set, a viewer given, not a lead): what shows everyone's work whole (change log, reconciliation,
    a project export) keeps to the viewer's own then."""
    return bool(viewer) and is_blind(db) and viewer not in leads(db)


def hides_all(db, viewer: str | None) -> bool:
    """True when `viewer` may see only their own codings of every code (blind coding of the whole project)."""
    return hides_others(db, viewer) and blind_codes(db) is None


def counted_codes(db, viewer: str | None) -> Private | None:
    """The codes whose other coders' codings a viewer's counts leave out: every code under blind coding of the
    whole project, the blinded set under blind coding of a code set, None when nothing is hidden."""
    if hides_all(db, viewer):
        return Private(viewer, tuple(r[0] for r in db.execute("SELECT id FROM codes")))
    return private_codes(db, viewer)


def private_codes(db, viewer: str | None) -> Private | None:
    """Under blind coding of a code set, for a viewer who is not a lead: those codes and their sub-codes, whose
    codings only their coder sees; None otherwise."""
    from workbench.store.codes import descendants

    codes = blind_codes(db)
    if codes is None or not hides_others(db, viewer):
        return None
    return Private(viewer, tuple(dict.fromkeys(c for code in codes for c in descendants(db, code))))
