"""The review card as a Streamlit custom component (v2, no iframe): it draws one suggestion and sends the keys
a (accept), r (reject), j/k or the arrows (move) and o (open in reader) back as one action per press."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

HERE = Path(__file__).parent
ACTIONS = ("accept", "reject", "next", "previous", "open")

_card = st.components.v2.component(
    "wb_review_card",
    html=(HERE / "review.html").read_text(encoding="utf-8"),
    css=(HERE / "review.css").read_text(encoding="utf-8"),
    js=(HERE / "review.js").read_text(encoding="utf-8"),
    isolate_styles=True,
)


def review_card(data: dict[str, Any], key: str = "review_card") -> dict[str, Any] | None:
    """Show the card; the key pressed on it this run as {action, id}, else None."""
    result = _card(key=key, data=data, on_action_change=lambda: None)
    action = getattr(result, "action", None)
    if isinstance(action, dict) and action.get("action") in ACTIONS and isinstance(action.get("id"), int):
        return {"action": action["action"], "id": action["id"]}
    return None
