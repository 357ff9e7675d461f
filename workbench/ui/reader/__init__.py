"""The reader component (Streamlit custom components v2, inline HTML/CSS/JS, no iframe, no build step).

The JavaScript is in text.js, picker.js, card.js, reader.js, selection.js, suggestions.js and reconcile.js next
to this file, joined into one module.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

HERE = Path(__file__).parent
SCRIPTS = ("text.js", "picker.js", "card.js", "reader.js", "selection.js", "suggestions.js", "reconcile.js")


@cache
def _component():
    js = "\n".join((HERE / name).read_text(encoding="utf-8") for name in SCRIPTS)
    css = (HERE / "reader.css").read_text(encoding="utf-8")
    return st.components.v2.component("workbench_reader", css=css, js=js, isolate_styles=False)


def reader(data: dict[str, Any], key: str, on_action: Callable[[dict[str, Any]], None]) -> None:
    """Mount the reader with `data`; each action the coder takes reaches `on_action` before the next run."""

    def _handle() -> None:
        state = st.session_state.get(key) or {}
        action = state.get("action") if hasattr(state, "get") else None
        if isinstance(action, dict):
            on_action(action)

    _component()(key=key, data=data, on_action_change=_handle, height="content")
