"""Blind coding on the Project page: say when a coder sees only their own codings; a lead turns it off or on."""

from __future__ import annotations

import streamlit as st

from workbench.ui.session import guarded


def show_blind(project) -> None:
    """The blind-coding notice, and a button for a lead (or anyone, while no leads are named)."""
    status = project.codings.blind()
    scope = f" for codes {', '.join(status['codes'])} (and their sub-codes)" if status.get("codes") else ""
    if status["own_only"]:
        st.info("Blind coding is on: you see only your own codings.")
    elif status.get("private_codes"):
        st.info(f"Blind coding is on{scope}: you see only your own codings of them, and no agreement on them.")
    elif status["blind"]:
        st.info(f"Blind coding is on{scope}: coders who are not leads see only their own codings"
                + (" of them." if scope else "."))
    viewer = status["viewer"]
    if viewer and (not status["leads"] or viewer in status["leads"]):
        codes = []
        if not status["blind"]:
            ids = [c["id"] for c in project.codebook.codes()]
            codes = st.multiselect("Codes to blind (none: the whole project)", ids, key="blind_codes")
        label = "Reveal codings (turn blind coding off)" if status["blind"] else "Turn blind coding on"
        if st.button(label, key="blind_toggle"):
            with guarded():
                project.codings.set_blind(not status["blind"], by=viewer, codes=codes or None)
                st.rerun()
