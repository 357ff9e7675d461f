"""Reader page: read a document turn by turn and code it by selecting text; codings as stripes, suggestions in place;
passages like a coding or a selection ("More like this"), and the passages to code next. Reconcile mode walks the
disagreements of two coders in the document and decides them into the team's agreed set."""

import logging
import time

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.render import md_escape
from workbench.ui.links import passage_list, requested_target
from workbench.ui.pickers import code_paths
from workbench.ui.reader import reader
from workbench.ui.reader.model import ReaderView, apply_action, reader_data
from workbench.ui.session import guarded, open_project, page_gate, require_coder

page_gate()
st.title("Reader")

SIMILAR, NEXT = "reader_similar", "reader_next"


def kappa(figures) -> str:
    return "–" if not figures or figures.get("kappa") is None else f"{figures['kappa']:.2f}"


def reconcile_summary(project, chosen: dict) -> None:
    """Under the reader in reconcile mode: agreement per code before (A vs B) and after (each vs the team), and how
    many disagreements are open and decided, over the documents both coders coded."""
    try:
        summary = project.codings.reconciliation_summary(chosen["a"], chosen["b"], chosen.get("team"))
    except WorkbenchError as exc:
        st.info(f"{exc.message} ({exc.hint})" if exc.hint else exc.message)
        return
    a, b, team = summary["coder_a"], summary["coder_b"], summary["team"]
    st.markdown(f"**Reconciling {md_escape(a)} and {md_escape(b)} into {md_escape(team)}**: "
                f"{summary['open']} open, {summary['decided']} decided over {len(summary['documents'])} documents")
    rows = [{"code": c["label"], f"{a} vs {b} kappa": kappa(c["before"]), f"{a} vs {team} kappa": kappa(c["a_team"]),
             f"{b} vs {team} kappa": kappa(c["b_team"])} for c in summary["codes"]]
    if rows:
        st.dataframe(rows, hide_index=True)
    st.caption("Agreement by segment, per code: before (the two coders) and after (each coder against the agreed "
               "set). Undo a decision with Ctrl+Z in the reader or on the History page.")


def similar_list() -> None:
    """The passages "More like this" found last (from a coding's card or a selection), each opening the reader."""
    found = st.session_state.get(SIMILAR)
    if not found:
        return
    head, close = st.columns([6, 1], vertical_alignment="center")
    head.markdown(f"**More like {md_escape(found['about'])}**")
    if close.button("Clear", key="reader_similar_clear"):
        st.session_state.pop(SIMILAR, None)
        st.rerun(scope="fragment")
    if not found["passages"]:
        st.caption("No passages found.")
    passage_list(found["passages"], "reader_similar_open", note=lambda p: f"similarity {p['similarity']:.2f}")


@st.fragment
def reader_panel(doc_id: int, coder: str | None, view: ReaderView) -> None:
    """The reader and its actions, rerun on their own so the page around it stays put."""

    def on_action(action: dict) -> None:
        with open_project() as project:
            try:
                done = apply_action(project, doc_id, coder, action)
                if isinstance(done, dict):  # "More like this": the passages, listed under the reader
                    st.session_state[SIMILAR] = done
                    done = done["message"]
                st.session_state["reader_message"] = done
            except WorkbenchError as exc:
                st.session_state["reader_error"] = f"{exc.message} ({exc.hint})" if exc.hint else exc.message
            except Exception as exc:  # shown in the reader, not lost in a callback; the server log has the trace
                logging.getLogger(__name__).exception("reader action %r failed", action)
                st.session_state["reader_error"] = f"That did not work ({type(exc).__name__}: {exc}); nothing was saved."

    view.error = st.session_state.pop("reader_error", "")
    view.message = st.session_state.pop("reader_message", "")
    with open_project() as project:
        data = reader_data(project, doc_id, coder, view)
    data["run"] = time.time_ns()  # a new value each run: the reader redraws even when nothing else changed
    reader(data, key=f"reader_{doc_id}", on_action=on_action)
    if view.reconcile is not None:
        with open_project() as project:
            reconcile_summary(project, view.reconcile)
    similar_list()


def next_panel(project, coder: str | None) -> None:
    """"Code these next": the passages whose coding would teach the suggestions most, each opening the reader."""
    with st.expander("Code these next", expanded=bool(st.session_state.get(NEXT))):
        st.caption("Passages the classifiers are least sure about, spread over documents: coding them teaches the "
                   "suggestions most (before anything is coded: those closest to the codes' definitions).")
        if st.button("Find passages to code next", key="reader_next_find"):
            with_codings = [c["name"] for c in project.codings.coders() if c.get("codings")]
            with guarded():
                st.session_state[NEXT] = project.validation.next(10, coder=coder if coder in with_codings else None)
        picked = st.session_state.get(NEXT)
        if picked is not None and not picked:
            st.info("Nothing to suggest: every passage in scope is coded.")
        passage_list(picked or [], "reader_next_open", note=lambda p: p.get("why") or "")


target = requested_target()
with open_project() as project:
    documents = project.documents.list()
    if not documents:
        st.info("No documents yet: bring some in on the Import page.")
        st.stop()
    codes = project.codebook.codes()
    if not codes:
        st.info("No codes yet: load or write a codebook on the Codebook page.")
    titles = {d["id"]: f"{d['id']}: {d['title']} ({d['type'].replace('_', ' ')})" for d in documents}
    if target and target["doc"] in titles:
        st.session_state["reader_document"] = target["doc"]
    top = st.columns([3, 2, 3, 1.3])
    doc_id = top[0].selectbox("Document", list(titles), format_func=titles.get, key="reader_document")
    coder = require_coder(project)
    coders = [c["name"] for c in project.codings.coders()]
    paths = code_paths(codes)
    # no "Select all" entry: typing a code's name and Enter picks that code, not every match
    shown_coders = top[1].multiselect("Codings of", coders, key="reader_coders", placeholder="every coder",
                                      select_all=False)
    shown_codes = top[2].multiselect("Codes (with sub-codes)", list(paths), format_func=paths.get, key="reader_codes",
                                     placeholder="every code", select_all=False)
    row = st.columns([1.8, 2, 2, 2, 3], vertical_alignment="center")
    reconciling = row[0].toggle("Reconcile", key="reader_reconcile",
                                help="Walk the disagreements of two coders in this document and decide each into "
                                     "the team's agreed set")
    suggestions = top[3].toggle("Suggestions", value=True, key="reader_suggestions", disabled=reconciling)
    chosen = None
    if reconciling:
        pair = [c for c in coders if c != coder] or coders
        chosen = {"a": row[1].selectbox("Coder A", coders, index=coders.index(pair[0]) if pair else None,
                                        key="reader_rec_a"),
                  "b": row[2].selectbox("Coder B", coders, index=coders.index(pair[1]) if len(pair) > 1 else None,
                                        key="reader_rec_b"),
                  "team": row[3].text_input("Agreed set kept under", key="reader_rec_team",
                                            placeholder="the project's team name").strip() or None}
        row[4].caption("Disagreements are outlined, with ≠ in the margin: n / k move through them; 1 keep A, "
                       "2 keep B, 3 keep both, x reject, or select words in the passage to agree on them.")
    document = next(d for d in documents if d["id"] == doc_id)
    attributes = " · ".join(f"{k}: {v}" for k, v in (document.get("attributes") or {}).items())
    st.caption(f"{document['type'].replace('_', ' ')} · {document.get('word_count', 0):,} words"
               + (f" · {attributes}" if attributes else ""))
view = ReaderView(coders=shown_coders or None, codes=shown_codes or None, suggestions=suggestions, reconcile=chosen,
                  target={"start": target["start"], "end": target["end"]} if target and "start" in target else None)
reader_panel(doc_id, coder, view)
with open_project() as project:
    next_panel(project, coder)
