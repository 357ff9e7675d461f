"""The review sections of the Suggestions page: one suggestion at a time (keys or buttons), and bulk decisions
on the filtered queue or the selected rows, each asked to confirm with the exact count first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from workbench.ui.links import open_in_reader
from workbench.ui.review.component import review_card
from workbench.ui.review.items import after_decision, card, position_of
from workbench.ui.session import guarded, require_coder

CURRENT, POSITION, CONFIRM, MESSAGE = "review_current", "review_position", "review_confirm", "review_message"


def restart() -> None:
    """Back to the top of the queue (when its order or code changes)."""
    st.session_state.pop(CURRENT, None)
    st.session_state[POSITION] = 0


def _decide(project, action: str, ids: list[int]) -> int | None:
    """Accept or reject these suggestions as the session's coder; how many were decided (None: no coder yet)."""
    name = require_coder(project)
    if not name:
        return None
    if action == "accept":
        return len(project.suggestions.accept(ids, name))
    return project.suggestions.reject(ids, name)


def one_by_one(project, queue: Sequence[Mapping[str, Any]], paths: Mapping[str, str],
               colors: Mapping[str, str | None], latest: Mapping[str, Any] | None = None) -> None:
    """The current suggestion in its passage, with accept/reject/move buttons and the same on the keyboard; with
    the newest validation (`latest`), how often suggestions like it were right."""
    ids = [s["id"] for s in queue]
    at = position_of(ids, st.session_state.get(CURRENT), st.session_state.get(POSITION, 0))
    current = queue[at]
    st.session_state[CURRENT], st.session_state[POSITION] = current["id"], at
    asking = bool(st.session_state.get(CONFIRM))  # a bulk question is open: no single decisions meanwhile
    with guarded():
        item = project.suggestions.in_context(current["id"])
        trust = project.validation.trust(item["code_id"], item["method"], item["score"], latest=latest)
        data = card(item, paths.get(item["code_id"], item["code_id"]), colors.get(item["code_id"]), at, len(ids),
                    enabled=not asking, trust=trust)
        pressed = review_card(data)
        buttons = st.columns([1, 1, 1, 1, 1.4])
        clicked = [name for name, hit in (
            ("accept", buttons[0].button("Accept (a)", key="review_accept", type="primary", disabled=asking)),
            ("reject", buttons[1].button("Reject (r)", key="review_reject", disabled=asking)),
            ("previous", buttons[2].button("◀ Previous (k)", key="review_previous", disabled=at == 0)),
            ("next", buttons[3].button("Next ▶ (j)", key="review_next", disabled=at == len(ids) - 1)),
            ("open", buttons[4].button("Open in reader (o)", key="review_open"))) if hit]
        action = clicked[0] if clicked else pressed["action"] if pressed and pressed["id"] == current["id"] else None
        if action in ("accept", "reject"):
            done = _decide(project, action, [current["id"]])
            if done is not None:
                st.session_state[CURRENT] = after_decision(ids, current["id"])
                st.session_state[MESSAGE] = (f"{action.title()}ed {paths.get(item['code_id'], item['code_id'])} "
                                             f"in {item['title']}.")
                st.rerun()
        elif action in ("next", "previous"):
            moved = max(0, min(len(ids) - 1, at + (1 if action == "next" else -1)))
            st.session_state[CURRENT], st.session_state[POSITION] = ids[moved], moved
            st.rerun()
        elif action == "open":
            open_in_reader(item["document_id"], item["start"], item["end"])


def ask_bulk(project, action: str, ids: list[int], what: str) -> None:
    """Remember a bulk decision to confirm: the action, the exact ids and the coder."""
    name = require_coder(project)
    if name and ids:
        st.session_state[CONFIRM] = {"action": action, "ids": list(ids), "coder": name, "what": what}
        st.rerun()


def confirm_bulk(project) -> bool:
    """Ask 'Accept 37 suggestions as ann?' with Confirm and Cancel; True while a question is open."""
    asked = st.session_state.get(CONFIRM)
    if not asked:
        return False
    count, verb = len(asked["ids"]), asked["action"].title()
    st.warning(f"{verb} {count} suggestion{'s' if count != 1 else ''} ({asked['what']}) as {asked['coder']}?")
    yes, no = st.columns([1, 6])
    if yes.button(f"Confirm: {verb.lower()} {count}", key="review_confirm_yes", type="primary"):
        st.session_state.pop(CONFIRM, None)
        with guarded():
            done = _decide(project, asked["action"], asked["ids"])
            if done is not None:
                st.session_state[MESSAGE] = f"{verb}ed {done} suggestions as {asked['coder']}."
                st.rerun()
    if no.button("Cancel", key="review_confirm_no"):
        st.session_state.pop(CONFIRM, None)
        st.rerun()
    return True


def bulk(project, queue: Sequence[Mapping[str, Any]], paths: Mapping[str, str]) -> None:
    """The queue as a table; accept or reject the selected rows or the whole filtered queue, after a confirm."""
    table = [{"id": s["id"], "code": paths.get(s["code_id"], s["code_id"]), "score": round(s["score"], 3),
              "text": s["snippet"], "reason": s["reason"], "document": s["title"]} for s in queue]
    picked = st.dataframe(table, hide_index=True, on_select="rerun", selection_mode="multi-row", key="review_table",
                          column_config={"text": st.column_config.TextColumn(width="large")})
    rows = picked.selection.rows if picked else []
    chosen = [queue[i]["id"] for i in rows if i < len(queue)]
    if confirm_bulk(project):
        return
    shown = [s["id"] for s in queue]
    buttons = st.columns(4)
    if buttons[0].button(f"Accept {len(chosen)} selected", disabled=not chosen, key="review_accept_selected"):
        ask_bulk(project, "accept", chosen, "the selected rows")
    if buttons[1].button(f"Reject {len(chosen)} selected", disabled=not chosen, key="review_reject_selected"):
        ask_bulk(project, "reject", chosen, "the selected rows")
    if buttons[2].button(f"Accept all {len(shown)} shown", key="review_accept_shown"):
        ask_bulk(project, "accept", shown, "all shown")
    if buttons[3].button(f"Reject all {len(shown)} shown", key="review_reject_shown"):
        ask_bulk(project, "reject", shown, "all shown")


def message() -> None:
    """The outcome of the last decision, once."""
    if st.session_state.get(MESSAGE):
        st.success(st.session_state.pop(MESSAGE))
