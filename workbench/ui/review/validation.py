"""The Validate section of the Suggestions page: run a validation on one coder's codings and show the newest one
as a table (per code: evidence, chosen method, threshold, precision and recall with 95% intervals, F1, whether
its suggestions are on by default and why), with the theme macro F1 and a warning when it is stale."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from workbench.ui.review.llm import page_hints
from workbench.ui.session import guarded, progress_bar

STATE = "validate_message"


def interval(figures: Mapping[str, Any], key: str) -> str:
    """`0.82 (0.70–0.91)`: a figure with its 95% interval."""
    value = figures.get(key)
    if value is None:
        return "–"
    lo, hi = (figures.get("ci") or {}).get(key) or (None, None)
    return f"{value:.2f}" + (f" ({lo:.2f}–{hi:.2f})" if lo is not None and hi is not None else "")


def validation_rows(latest: Mapping[str, Any], paths: Mapping[str, str]) -> list[dict[str, Any]]:
    """One table row per code of a stored validation, in codebook order."""
    rows = []
    for code_id, entry in latest["results"]["codes"].items():
        method = entry.get("method")
        figures = (entry.get("methods") or {}).get(method) or {}
        threshold = entry.get("threshold")
        rows.append({
            "code": paths.get(code_id, entry.get("label") or code_id),
            "coded passages": entry.get("support", 0),
            "method": method or "–",
            "threshold": "–" if threshold is None else f"{threshold:.2f}",
            "precision (95% interval)": interval(figures, "precision"),
            "recall (95% interval)": interval(figures, "recall"),
            "F1": "–" if figures.get("f1") is None else f"{figures['f1']:.2f}",
            # why not, when not: "no: not enough evidence yet: code 12 more passages"
            "suggested by default": "yes" if entry.get("passed") else f"no: {entry.get('message') or 'not measured'}",
        })
    return rows


def macro_line(latest: Mapping[str, Any]) -> str:
    """'Theme macro F1: gated 0.61 · rules 0.55 · …': the mean F1 over themes, gated suggestions first."""
    macro = latest["results"].get("macro") or {}
    names = (["gated"] if "gated" in macro else []) + [m for m in macro if m != "gated"]
    if not names:
        return ""
    return "Theme macro F1: " + " · ".join(
        f"{'gated (as suggested by default)' if name == 'gated' else name} {macro[name]['f1']:.2f}" for name in names)


def validate_section(project, paths: Mapping[str, str]) -> None:
    """The form that runs a validation, then the newest validation's table."""
    coders = [c["name"] for c in project.codings.coders() if c.get("codings")]
    if not coders:
        st.info("Nobody has coded anything yet, so there is nothing to measure suggestions against: code passages "
                "by hand in the reader (20 per code is the least the gate accepts).")
        return
    st.caption("Cross-validation on your own coding: classifiers that never saw a document score its passages, "
               "and each code's suggestions are on by default only once they reach the target precision.")
    with st.form("validate"):
        left, right = st.columns(2)
        who = left.selectbox("Coder whose codings are the evidence", coders, key="validate_coder")
        target = right.number_input("Target precision", min_value=0.05, max_value=1.0, step=0.05,
                                    value=float(project.validation.target()), key="validate_target")
        measure_llm, allow_remote = llm_checkboxes(project)
        run = st.form_submit_button("Validate")
    if run:
        bar, progress = progress_bar()

        with guarded():
            with page_hints(allow="tick \"Allow …\" below \"Also measure the language model\""):
                result = project.validation.run(coder=who, target=target, progress=progress, llm=measure_llm,
                                                allow_remote=allow_remote)
            bar.progress(1.0, text="Done")
            on = sum(1 for e in result["results"]["codes"].values() if e["passed"])
            st.session_state[STATE] = (f"Validation {result['id']} of {result['coder']}'s {result['codings']} codings "
                                       f"in {result['documents']} documents: {on} of "
                                       f"{len(result['results']['codes'])} codes suggested by default.")
    if st.session_state.get(STATE):
        st.success(st.session_state.pop(STATE))
    latest = project.validation.latest()
    if latest is None:
        st.caption("No validation yet.")
        return
    if latest.get("stale"):
        st.warning(f"Codings changed since this validation ({latest['coder']} has {latest.get('codings_now')} codings "
                   f"now, {latest.get('codings')} then): validate again for figures that hold.")
    st.markdown(f"**Newest validation** · {latest['coder']}'s codings · target precision "
                f"{float(latest.get('target_precision') or 0):.2f}")
    st.dataframe(validation_rows(latest, paths), hide_index=True, key="validate_table",
                 column_config={"suggested by default": st.column_config.TextColumn(width="large")})
    line = macro_line(latest)
    if line:
        st.caption(line)
    measured = llm_line(latest)
    if measured:
        st.caption(measured)


def llm_checkboxes(project) -> tuple[bool, bool]:
    """(measure the language model too, allow its host when it is not this machine): checkboxes inside the form,
    for the model of the project's settings (those the Run suggestions form saves)."""
    from workbench.llm.config import LLMConfigError, load_config
    from workbench.ui.review.llm import remote_host

    try:
        config = load_config(project.db)
    except LLMConfigError:
        config = None
    which = (f"{config.model} at {config.url}" if config and config.model
             else "the project's model (none is set yet: run the llm method above once, saving its settings)")
    measure = st.checkbox("Also measure the language model (asks it about every coded passage not answered before)",
                          key="validate_llm", help=f"Measures {which}, from the project's settings. Its answers "
                                                   "are stored and reused by later runs and validations.")
    host = remote_host(config.url) if config else None
    allow = False
    if host:
        allow = st.checkbox(f"Allow {host}, which is not this machine (the coded passages are sent to it)",
                            key="validate_llm_allow_remote")
    return measure, allow


def llm_line(latest: Mapping[str, Any]) -> str:
    """'Language model measured: MODEL at URL (prompt template v1); 40 segments asked…' when the validation
    measured one, else ''."""
    measured = (latest.get("settings") or {}).get("llm")
    if not measured:
        return ""
    from workbench.llm.session import describe_stats

    stats = describe_stats(measured["stats"]).removeprefix("llm: ") if measured.get("stats") else ""
    return (f"Language model measured (method llm): {measured.get('model')} at {measured.get('url')}, prompt "
            f"template {measured.get('prompt_template')}" + (f"; {stats}" if stats else "."))
