"""Which segments a run works on, as the Suggestions and Topics forms ask it."""

from __future__ import annotations

import streamlit as st

STRUCTURE_HELP = ("Left out by default: headings, figure and table captions, Source:/Note: lines, bibliography "
                  "entries, cover pages, licences and contents lines.")


def scope_checkboxes() -> tuple[bool, bool]:
    """(include interviewer and moderator turns, include structure): two checkboxes inside a form."""
    interviewer = st.checkbox("Include interviewer and moderator turns")
    structure = st.checkbox("Include headings, captions, references and front matter", help=STRUCTURE_HELP)
    return interviewer, structure
