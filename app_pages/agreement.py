"""Agreement page: two coders' percent agreement, kappa and alpha per code, and their disagreements resolved one by one
or reconciled into the team's agreed set (with agreement per code before and after); or a coder against the machine
(the held-out suggestions of the newest validation)."""

import streamlit as st

from workbench.render import excerpt_html, md_escape
from workbench.ui.links import reader_button
from workbench.ui.pickers import code_paths
from workbench.ui.session import guarded, open_project, page_gate, require_coder
from workbench.ui.tables import disagreement_label

page_gate()
st.title("Agreement")

MACHINE = "machine (suggestions, held out)"
WALK, RECONCILE = "Walk through", "Reconcile into the agreed set"
ACTIONS = {"keep_a": ("Keep {a}", "a"), "keep_b": ("Keep {b}", "b"), "keep_both": ("Keep both", "k"),
           "reject": ("Reject", "x")}


def fmt(value):
    return "–" if value is None else f"{value:.2f}"


def percent(value):
    """A share as a percentage that never rounds a disagreement away (0.9996 shows as >99.9%, not 100%)."""
    if value is None:
        return "–"
    return ">99.9%" if 0.999 < value < 1 else f"{value:.1%}"


def spans_text(codings) -> str:
    """Each coding as "start-end: “text”" (and its memo), escaped for markdown."""
    lines = [f"{c['start']}-{c['end']}: “{md_escape(c['text'])}”" + (f" — {md_escape(c['memo'])}" if c["memo"]
                                                                    else "") for c in codings]
    return "  \n".join(lines) or "–"


def figures_table(summary, paths):
    a, b, team = summary["coder_a"], summary["coder_b"], summary["team"]
    rows = []
    for c in [*summary["codes"], {"code": "overall (pooled)", **summary["overall"]}]:
        row = {"code": paths.get(c["code"], c["code"])}
        for key, name in (("before", f"{a} vs {b}"), ("a_team", f"{a} vs {team}"), ("b_team", f"{b} vs {team}")):
            row[f"{name} kappa"] = (c[key] or {}).get("kappa")
            row[f"{name} alpha"] = (c[key] or {}).get("alpha")
        rows.append(row)
    st.dataframe(rows, hide_index=True)


def reconcile_queue(project, coder_a, coder_b, documents, paths):
    """One open disagreement at a time, decided into the team's agreed set; agreement per code before and after."""
    team = st.text_input("Agreed set kept under", placeholder="team", key="reconcile_team").strip() or None
    summary = items = None
    with guarded():
        summary = project.codings.reconciliation_summary(coder_a, coder_b, team, documents=documents)
        items = project.codings.reconciliation_queue(coder_a, coder_b, team, documents=documents)
    if items is None:
        return
    team = summary["team"]
    st.subheader(f"Reconcile ({len(items)} open, {summary['decided']} decided)")
    st.caption(f"Per segment. Before: {md_escape(coder_a)} vs {md_escape(coder_b)}; after: each coder vs "
               f"{md_escape(team)}, the agreed set. Undo a decision on the History page.")
    figures_table(summary, paths)
    if st.button(f"Adopt the passages both coders coded into {team}", key="reconcile_adopt") and \
            (by := require_coder(project)):
        with guarded():
            done = project.codings.adopt_agreements(coder_a, coder_b, by, team, documents=documents)
            st.toast(f"{done['units']} agreed passages adopted")
            st.rerun()
    if not items:
        st.success("Every disagreement is decided.")
        return
    key = f"reconcile_{coder_a}_{coder_b}"
    index = min(st.session_state.get(key, 0), len(items) - 1)
    item = items[index]
    nav = st.columns([1, 1, 3])
    if nav[0].button("◀ Previous", disabled=index == 0, key="reconcile_prev"):
        st.session_state[key] = index - 1
        st.rerun()
    if nav[1].button("Next ▶", disabled=index >= len(items) - 1, key="reconcile_next"):
        st.session_state[key] = index + 1
        st.rerun()
    nav[2].caption(f"{index + 1} of {len(items)} · {item['id']}")
    st.html(excerpt_html(item["text"], item["document"], disagreement_label(item, paths)))
    sides = st.columns(2)
    sides[0].markdown(f"**{md_escape(coder_a)}**  \n{spans_text(item['a'])}")
    sides[1].markdown(f"**{md_escape(coder_b)}**  \n{spans_text(item['b'])}")
    reader_button("Open in reader", item["document_id"], item["start"], item["end"], key="reconcile_open")
    action = None
    for column, (name, (label, shortcut)) in zip(st.columns(len(ACTIONS)), ACTIONS.items()):
        if column.button(label.format(a=coder_a, b=coder_b), key=f"reconcile_{name}", shortcut=shortcut,
                         help=f"shortcut: {shortcut.upper()}"):
            action = name
    span = None
    with st.expander("Agree on another span"):
        row = st.columns(3)
        start = row[0].number_input("Start", item["start"], item["end"] - 1, item["start"],
                                    key=f"reconcile_start_{item['id']}")
        end = row[1].number_input("End", item["start"] + 1, item["end"], item["end"], key=f"reconcile_end_{item['id']}")
        if row[2].button("Record the agreed span", key="reconcile_custom"):
            action, span = "agree_custom", (int(start), int(end))
    if action and (by := require_coder(project)):
        with guarded():
            project.codings.decide(item, action, by, coder_a, coder_b, team, *(span or (None, None)))
            st.rerun()


with open_project() as project:
    if project.codings.blind()["own_only"]:
        st.info("Blind coding is on: agreement is hidden until a lead reveals the codings.")
        st.stop()
    everyone = project.codings.coders()
    coders = [c["name"] for c in everyone]
    with_codings = [c["name"] for c in everyone if c.get("codings")]
    if len(coders) < 2 and not with_codings:
        st.info("Agreement needs two coders: code the same documents under two coder names (or validate "
                "suggestions on the Suggestions page to compare a coder with the machine).")
        st.stop()
    paths = code_paths(project.codebook.codes())
    row = st.columns(3)
    coder_a = row[0].selectbox("Coder A", coders, key="agree_a")
    coder_b = row[1].selectbox("Coder B", [*(c for c in coders if c != coder_a), MACHINE], key="agree_b")
    machine = coder_b == MACHINE
    if machine:
        st.caption("The machine as a second coder: what each code's chosen method suggests at its threshold, over "
                   f"the passages of the newest validation of {md_escape(coder_a)}'s codings; every passage was scored "
                   "by classifiers that never saw its document, so this is how far suggestions would agree with "
                   "you on documents you have not coded yet.")
        unit, chosen = "segment", []
    else:
        unit = row[2].radio("Unit", ["segment", "character"], horizontal=True, key="agree_unit")
        titles = {d["id"]: d["title"] for d in project.documents.list()}
        chosen = st.multiselect("Documents to compare (empty: every document both coders coded)", list(titles),
                                format_func=lambda i: titles.get(i, str(i)), key="agree_docs")
    result = None
    with guarded():
        result = (project.validation.machine_agreement(coder_a) if machine
                  else project.codings.agreement(coder_a, coder_b, unit, documents=chosen or None))
    if not result:
        st.stop()
    overall = result["overall"]
    metrics = st.columns(4)
    metrics[0].metric("Percent agreement", percent(overall["percent_agreement"]))
    metrics[1].metric("Cohen's kappa", fmt(overall["kappa"]))
    metrics[2].metric("Krippendorff's alpha", fmt(overall["alpha"]))
    metrics[3].metric("Disagreements", overall["disagreements"])
    used = result["document_titles"]
    noun = "document" if len(used) == 1 else "documents"
    which = ("validated " + noun + f" (validation {result.get('validation')})" if machine
             else "chosen " + noun if chosen else noun + " both coded")
    st.caption(f"Over {len(used)} {which}: " + "; ".join(md_escape(t) for t in used) + f" ({result['units']} {unit}s).")
    st.dataframe([{"code": paths.get(c["code"], c["code"]), "percent agreement": c["percent_agreement"],
                   "kappa": c["kappa"], "alpha": c["alpha"], f"{coder_a}": c["coded_by_a"],
                   ("machine" if machine else f"{coder_b}"): c["coded_by_b"],
                   "both": c["coded_by_both"], "disagreements": c["disagreements"],
                   **({"method": c.get("method"), "suggested by default": "yes" if c.get("passed") else "no"}
                      if machine else {})} for c in result["codes"]],
                 hide_index=True)
    if machine:  # the machine's disagreements are not resolved here: its suggestions are reviewed as suggestions
        st.stop()

    if st.radio("Disagreements", [WALK, RECONCILE], horizontal=True, key="agree_mode") == RECONCILE:
        reconcile_queue(project, coder_a, coder_b, chosen or None, paths)
        st.stop()
    items = result["disagreements"]
    st.subheader(f"Disagreements ({len(items)})")
    if not items:
        st.success("The two coders agree everywhere.")
        st.stop()
    key = f"disagreement_{coder_a}_{coder_b}_{unit}"
    index = min(st.session_state.get(key, 0), len(items) - 1)
    item = items[index]
    nav = st.columns([1, 1, 3])
    if nav[0].button("◀ Previous", disabled=index == 0):
        st.session_state[key] = index - 1
        st.rerun()
    if nav[1].button("Next ▶", disabled=index >= len(items) - 1):
        st.session_state[key] = index + 1
        st.rerun()
    nav[2].caption(f"{index + 1} of {len(items)}")
    st.html(excerpt_html(item["text"], item["document"], disagreement_label(item, paths)))
    reader_button("Open in reader", item["document_id"], item["start"], item["end"], key="agree_open")
    resolve = st.columns(2)
    if resolve[0].button(f"Add the code for {item['not_coded_by']}", key="resolve_add") and require_coder(project):
        with guarded():
            project.codings.code(item["document_id"], item["start"], item["end"], item["code"], item["not_coded_by"],
                         memo="resolved in agreement review")
            st.rerun()
    if resolve[1].button(f"Remove {item['coded_by']}'s coding", key="resolve_remove") and require_coder(project):
        with guarded():
            ids = [c["id"] for c in project.codings.list(code=item["code"], coder=item["coded_by"],
                                                     document=item["document_id"])
                   if c["start"] < item["end"] and c["end"] > item["start"]]
            for coding_id in ids:
                project.codings.uncode(coding_id)
            st.rerun()
