"""Blind coding: while the project setting is on, a viewer who is not a lead sees only their own codings.

Accessors apply it where they read codings (`visible_coder`), so the CLI, the app and scripts that open a
project for a viewer see the same thing; a project opened without a viewer (scripts) sees everything.
"""

from __future__ import annotations

import json

from workbench.errors import BlindError, CodingError
from workbench.store import settings

BLIND = "blind"
LEADS = "leads"
NOBODY = "\x00hidden"  # a coder name no coding has: another coder's codings asked for while blind match nothing
HIDDEN_AGREEMENT = "agreement is hidden until a lead reveals the codings"


def is_blind(db) -> bool:
    """Whether blind coding is on for the project."""
    return settings.get_setting(db, BLIND, "off") == "on"


def leads(db) -> list[str]:
    """The coders who see everyone's codings while blind coding is on (and may turn it off)."""
    return json.loads(settings.get_setting(db, LEADS, "[]"))


def set_leads(db, names: list[str]) -> list[str]:
    """Make these coders the leads (names trimmed, duplicates dropped); returns them."""
    chosen = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    settings.set_setting(db, LEADS, json.dumps(chosen))
    return chosen


def hides_others(db, viewer: str | None) -> bool:
    """True when `viewer` may see only their own codings (blind on, a viewer given, not a lead)."""
    return bool(viewer) and is_blind(db) and viewer not in leads(db)


def visible_coder(db, viewer: str | None, coder: str | None) -> str | None:
    """The coder filter a read must use: `coder` as asked, or the viewer's own under blind coding (another
    coder asked for then matches nothing)."""
    if not hides_others(db, viewer):
        return coder
    return viewer if coder in (None, "", viewer) else NOBODY


def check_agreement(db, viewer: str | None) -> None:
    """BlindError when agreement figures are hidden from this viewer."""
    if hides_others(db, viewer):
        raise BlindError(HIDDEN_AGREEMENT)


def set_blind(db, on: bool, by: str | None = None) -> bool:
    """Turn blind coding on or off (only a lead may, once leads are named); logged in the change log."""
    from workbench.store.changes import record_change
    from workbench.store.database import writing

    named = leads(db)
    if named and by is not None and by not in named:
        raise CodingError(f"only a lead turns blind coding {'on' if on else 'off'}: {by} is not one",
                          hint=f"the leads are {', '.join(named)}; set them with `workbench leads NAME...`")
    was = is_blind(db)
    with writing(db):
        settings.set_setting(db, BLIND, "on" if on else "off")
        if was != on:
            record_change(db, "blind.on" if on else "blind.off", "settings", BLIND, None,
                          {"summary": {"blind": "on" if on else "off"}}, coder=by)
    return on


def status(db, viewer: str | None = None) -> dict:
    """Whether blind coding is on, who the leads are and whether this viewer sees only their own codings."""
    return {"blind": is_blind(db), "leads": leads(db), "viewer": viewer, "own_only": hides_others(db, viewer)}
