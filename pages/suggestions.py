"""Suggestions page: run rules or semantic suggestions, review them by code and score, accept or reject in bulk."""

import streamlit as st

from workbench.autocode.combine import describe_withdrawn
from workbench.ui.pickers import code_paths
from workbench.ui.session import (
    coder,
    guarded,
    open_project,
    page_gate,
    require_coder,
    save_upload,
)

page_gate()
st.title("Suggestions")

with open_project() as project:
    codes = project.codebook.codes()
    paths = code_paths(codes)
    if not codes:
        st.info("No codes yet: load a codebook on the Codebook page first.")
        st.stop()

    with st.expander("Run suggestions", expanded=not project.suggestions.pending_count()):
        with st.form("autocode"):
            method = st.radio("Method", ["rules", "semantic", "both"], horizontal=True,
                              help="Rules: the codebook's patterns (fast). Semantic: similarity with the packaged "
                                   "all-MiniLM-L6-v2 model (slower the first time, embeddings are cached). Both: "
                                   "rule suggestions that the theme's classifier gives at least 0.4 (one keyword "
                                   "can be enough), and classifier suggestions at 0.8 or more without a rule; "
                                   "each reason says why it stands.")
            only = st.multiselect("Only these codes", [c["id"] for c in codes], format_func=paths.get)
            threshold = st.slider("Similarity threshold (semantic)", 0.0, 1.0, 0.5, 0.05)
            interviewer = st.checkbox("Include interviewer and moderator turns")
            run = st.form_submit_button("Run")
        if run:
            bar = st.progress(0.0, text="Starting…")

            def progress(done, total):
                bar.progress(min(done / max(total, 1), 1.0), text=f"{done} of {total} segments")

            with guarded():
                result = project.suggestions.run(method, codes=only or None, threshold=threshold if method != "rules" else None,
                                          progress=progress, include_interviewer=interviewer)
                bar.progress(1.0, text="Done")
                withdrawn = describe_withdrawn(result.pop("withdrawn", None))
                st.success(" · ".join([*(f"{name}: {r.get('new', r.get('suggestions', ''))} new suggestions"
                                         for name, r in result.items()), *([withdrawn] if withdrawn else [])]))

    st.subheader("Review")
    pending = project.suggestions.list()
    counts = {}
    for s in pending:
        counts[s["code_id"]] = counts.get(s["code_id"], 0) + 1
    left, right = st.columns(2)
    code = left.selectbox("Code", ["(all)", *[c["id"] for c in codes if c["id"] in counts]],
                          format_func=lambda i: f"all codes ({len(pending)})" if i == "(all)" else f"{paths[i]} ({counts[i]})",
                          key="review_code")
    min_score = right.slider("Score at least", 0.0, 1.0, 0.0, 0.05, key="review_min")
    shown = [s for s in pending if (code == "(all)" or s["code_id"] == code) and s["score"] >= min_score]
    st.caption(f"{len(shown)} suggestions waiting for a decision")
    if shown:
        table = [{"id": s["id"], "code": paths.get(s["code_id"], s["code_id"]), "score": round(s["score"], 3),
                  "text": s["snippet"], "reason": s["reason"], "document": s["title"]} for s in shown]
        picked = st.dataframe(table, hide_index=True, on_select="rerun", selection_mode="multi-row", key="review_table",
                              column_config={"text": st.column_config.TextColumn(width="large")})
        rows = picked.selection.rows if picked else []
        ids = [shown[i]["id"] for i in rows]
        buttons = st.columns(4)
        actions = {"accept_selected": buttons[0].button(f"Accept {len(ids)} selected", disabled=not ids),
                   "reject_selected": buttons[1].button(f"Reject {len(ids)} selected", disabled=not ids),
                   "accept_shown": buttons[2].button(f"Accept all {len(shown)} shown"),
                   "reject_shown": buttons[3].button(f"Reject all {len(shown)} shown")}
        action = next((name for name, clicked in actions.items() if clicked), None)
        if action:
            name = require_coder(project)
            if name:
                with guarded():
                    chosen = ids if action.endswith("selected") else [s["id"] for s in shown]
                    if action.startswith("accept"):
                        done = len(project.suggestions.accept(chosen, name))
                    else:
                        done = project.suggestions.reject(chosen, name)
                    st.session_state["review_message"] = f"{action.split('_')[0].title()}ed {done} suggestions as {name}."
                    st.rerun()
    if st.session_state.get("review_message"):
        st.success(st.session_state.pop("review_message"))

    st.subheader("Evaluation")
    coders = [c["name"] for c in project.codings.coders()]
    with st.form("evaluate"):
        gold_file = st.file_uploader("Gold standard (CSV)", type=["csv"])
        gold_coder = st.selectbox("…or a gold coder", ["(none)", *coders])
        predicted = st.selectbox("Compare", ["suggestions", *[f"coder {c}" for c in coders]])
        evaluate = st.form_submit_button("Evaluate")
    if evaluate:
        with guarded():
            gold_path = save_upload(gold_file, "gold") if gold_file else None
            result = project.suggestions.evaluate(gold_path, None if gold_path or gold_coder == "(none)" else gold_coder,
                                      coder=predicted.removeprefix("coder ") if predicted != "suggestions" else None)
            for level in ("code", "theme"):
                macro = result[level]["macro"]
                st.markdown(f"**By {level}** · macro precision {macro['precision']:.2f}, recall {macro['recall']:.2f}, "
                            f"F1 {macro['f1']:.2f}")
                st.dataframe([{"label": label, **values} for label, values in result[level]["per_label"].items()],
                             hide_index=True)
    elif len(coders) < 2:
        st.caption("Evaluation needs a gold file or a second coder." + (f" You code as {coder()}." if coder() else ""))
