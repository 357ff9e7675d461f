"""Suggestions page: run suggestions (auto: the codes that passed the measured gate; rules; semantic; both; llm: a
language model on a server, see `workbench.ui.review.llm`), review them one by one (keys a/r/j/k) or in bulk after
a confirm, filtered by code and score, ordered by score or by document; validate how far each code's suggestions can
be trusted."""

import streamlit as st

from workbench.autocode.accessor import METHODS
from workbench.autocode.combine import describe_withdrawn
from workbench.render import code_styles
from workbench.ui.pickers import code_paths
from workbench.ui.review import llm as llm_ui
from workbench.ui.review.items import SORTS, sort_queue
from workbench.ui.review.panel import bulk, message, one_by_one, restart
from workbench.ui.review.validation import validate_section
from workbench.ui.scope import scope_checkboxes
from workbench.ui.session import (
    coder,
    guarded,
    open_project,
    page_gate,
    progress_bar,
    save_upload,
)

page_gate()
st.title("Suggestions")

CHOICES = {"auto": "auto: codes that passed the measured gate", "rules": "rules", "semantic": "semantic",
           "both": "both", "llm": llm_ui.LABEL}

with open_project() as project:
    codes = project.codebook.codes()
    paths = code_paths(codes)
    if not codes:
        st.info("No codes yet: load a codebook on the Codebook page first.")
        st.stop()

    with st.expander("Run suggestions", expanded=not project.suggestions.pending_count()):
        choices = [m for m in CHOICES if m in METHODS]
        # auto is the default once someone has coded; before that it could only say "not enough evidence"
        evidence = any(c.get("codings") for c in project.codings.coders())
        # outside the form: the llm method's address, model and warning follow the choice at once
        method = st.radio("Method", choices, horizontal=True, format_func=CHOICES.get, key="autocode_method",
                          index=choices.index("auto" if "auto" in choices and evidence else "rules"),
                          help="Auto (the default once something is coded): only the codes whose suggestions "
                               "passed the validation below, each with its measured method and threshold. "
                               "Rules: the codebook's patterns (fast). Semantic: similarity with the packaged "
                               "all-MiniLM-L6-v2 model (slower the first time, embeddings are cached). Both: "
                               "rule suggestions that the theme's classifier gives at least 0.4 (one keyword "
                               "can be enough), and classifier suggestions at 0.8 or more without a rule; "
                               "each reason says why it stands. " + llm_ui.HELP)
        choice = llm_ui.llm_inputs(project) if method == "llm" else None
        with st.form("autocode"):
            only = st.multiselect("Only these codes", [c["id"] for c in codes], format_func=paths.get)
            threshold = (st.slider("Similarity threshold (semantic)", 0.0, 1.0, 0.5, 0.05) if method != "llm"
                         else None)
            interviewer, structure = scope_checkboxes()
            run = st.form_submit_button("Run")
        if run and choice is not None:
            bar, progress = progress_bar("segments")
            with guarded():
                stats = llm_ui.run_llm(project, choice, only or None, progress, interviewer, structure, coder())
                bar.progress(1.0, text="Done")
                llm_ui.show_result(stats)
        elif run:
            bar, progress = progress_bar("segments")

            with guarded():
                result = project.suggestions.run(method, codes=only or None,
                                                 threshold=threshold if method in ("semantic", "both") else None,
                                                 progress=progress, include_interviewer=interviewer,
                                                 include_structure=structure, who=coder())
                bar.progress(1.0, text="Done")
                withdrawn = describe_withdrawn(result.pop("withdrawn", None))
                result.pop("run_id", None)
                # one result per method ({"rules": {...}}), or the gated run's own ({"new", "off", ...})
                parts = ({method: result} if "off" in result or "new" in result
                         else {name: r for name, r in result.items() if isinstance(r, dict)})
                st.success(" · ".join([*(f"{name}: {r.get('new', r.get('suggestions', ''))} new suggestions"
                                         + (" (validated again first: the codings had changed)"
                                            if r.get("revalidated") else "")
                                         for name, r in parts.items()), *([withdrawn] if withdrawn else [])]))
                st.session_state["autocode_off"] = {code_id: why for r in parts.values()
                                                    for code_id, why in (r.get("off") or {}).items()}
        off = st.session_state.get("autocode_off")
        if off:
            st.info(f"{len(off)} code{'s were' if len(off) != 1 else ' was'} left off by the last auto run, "
                    "each until its suggestions pass the measured gate (see Validate):")
            st.dataframe([{"code": paths.get(c, c), "why": why} for c, why in off.items()], hide_index=True)

    st.subheader("Review")
    pending = project.suggestions.list()
    counts = {}
    for s in pending:
        counts[s["code_id"]] = counts.get(s["code_id"], 0) + 1
    left, middle, right = st.columns([2, 2, 2])
    code = left.selectbox("Code", ["(all)", *[c["id"] for c in codes if c["id"] in counts]],
                          format_func=lambda i: f"all codes ({len(pending)})" if i == "(all)" else f"{paths[i]} ({counts[i]})",
                          key="review_code", on_change=restart)
    min_score = middle.slider("Score at least", 0.0, 1.0, 0.0, 0.05, key="review_min")
    order = right.radio("Order", list(SORTS), format_func=SORTS.get, horizontal=True, key="review_sort",
                         on_change=restart)
    shown = sort_queue([s for s in pending if (code == "(all)" or s["code_id"] == code) and s["score"] >= min_score],
                       order)
    st.caption(f"{len(shown)} suggestions waiting for a decision")
    message()
    if shown:
        one_by_one(project, shown, paths, {code_id: style["color"] for code_id, style in code_styles(codes).items()},
                   latest=project.validation.latest())
        st.markdown(f"**All {len(shown)} in a table**: select rows, or decide on the whole filtered queue.")
        bulk(project, shown, paths)

    st.subheader("Validation")
    with st.expander("Validate: how far each code's suggestions can be trusted", expanded=True):
        validate_section(project, paths)

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
