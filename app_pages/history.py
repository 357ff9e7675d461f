"""History page: the project's change log, newest first, and undo of any change still in effect."""

import streamlit as st

from workbench.ui.session import guarded, open_project, page_gate, require_coder

page_gate()
st.title("History")

with open_project() as project:
    coders = [c["name"] for c in project.codings.coders()]
    left, right = st.columns([2, 1])
    who = left.selectbox("Changes by", ["(everyone)", *coders], key="history_coder")
    limit = right.number_input("Newest", 10, 5000, 200, step=50, key="history_limit")
    changes = project.history(coder=None if who == "(everyone)" else who, limit=int(limit))
    if not changes:
        st.info("No changes recorded yet: codings, memos, codebook and attribute edits and decisions on "
                "suggestions appear here as they are made.")
        st.stop()
    rows = [{"change": c["id"], "when": c["at"][:19].replace("T", " "), "who": c["coder"] or "",
             "what": c["kind"].replace(".", " "), "summary": c["summary"],
             "state": f"undone by {c['undone_by']}" if c.get("undone_by") else
                      (f"undoes {c['undoes']}" if c.get("undoes") else "")} for c in changes]
    st.caption(f"{len(rows)} newest changes. Select one to undo it; an undo is a change too, so undoing it redoes.")
    picked = st.dataframe(rows, hide_index=True, on_select="rerun", selection_mode="single-row", key="history_table",
                          column_config={"summary": st.column_config.TextColumn(width="large")})
    chosen = [rows[i] for i in (picked.selection.rows if picked else [])]
    if chosen:
        change = chosen[0]
        if st.button(f"Undo change {change['change']}: {change['what']} ({change['summary'][:60]})", type="primary",
                     disabled=bool(change["state"].startswith("undone"))):
            coder = require_coder(project)
            if coder:
                with guarded():
                    [done] = project.undo(change_id=change["change"], coder=coder)
                    st.session_state["history_message"] = f"Undid change {done['undone']} ({done['summary']})."
                    st.rerun()
    if st.session_state.get("history_message"):
        st.success(st.session_state.pop("history_message"))
