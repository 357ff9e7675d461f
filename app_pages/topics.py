"""Topics page: fit a topic run with progress, its figures, each topic's representative segments (opening in the
reader), topics x codes (themes the codebook misses), topics x attributes, and promoting a topic to a draft code."""

import streamlit as st

from workbench.render import excerpt_html
from workbench.ui.links import reader_button
from workbench.ui.pickers import code_paths
from workbench.ui.scope import scope_checkboxes
from workbench.ui.session import guarded, open_project, page_gate

page_gate()
st.title("Topics")

FIGURES = {"barchart": "Word bars", "distance": "Intertopic map", "heatmap": "Heatmap by attribute",
           "hierarchy": "Hierarchy", "time": "Over time"}

with open_project() as project:
    summary = project.summary()
    attributes = sorted(summary["attributes"])
    with st.expander("Fit a new run", expanded=not project.topics.runs()):
        with st.form("fit_topics"):
            row = st.columns(4)
            name = row[0].text_input("Run name", placeholder="e.g. interviews_2025")
            embedder = row[1].selectbox("Embedder", ["minilm", "tfidf"],
                                        help="minilm: the packaged sentence model (better); tfidf: fast, no model.")
            min_size = row[2].number_input("Smallest topic (segments)", 2, 500, 10)
            n_topics = row[3].number_input("Number of topics (0: let the data decide)", 0, 200, 0)
            filters = st.text_area("Only documents with (name=value a line, e.g. type=interview)", height=68)
            interviewer, structure = scope_checkboxes()
            fit = st.form_submit_button("Fit topics")
        if fit:
            bar = st.progress(0.0, text="Starting…")

            def progress(stage, done=0, total=0):
                bar.progress(min(done / total, 1.0) if total else 0.0, text=str(stage))

            with guarded():
                result = project.topics.fit(name.strip() or None, embedder=embedder, min_topic_size=int(min_size),
                                            n_topics=int(n_topics) or None,
                                            filters=[line for line in filters.splitlines() if line.strip()] or None,
                                            include_interviewer=interviewer, include_structure=structure,
                                            progress=progress)
                bar.progress(1.0, text="Done")
                st.success(f"Run {result['name']}: {result['topic_count']} topics over {result['segment_count']} "
                           f"segments ({result['outlier_count']} outliers) in {result['seconds']:.0f} s.")
    runs = project.topics.runs()
    if not runs:
        st.info("No topic runs yet: fit one above.")
        st.stop()
    names = [r["name"] for r in runs]
    run_name = st.selectbox("Run", names, index=len(names) - 1, key="topic_run")
    run = next(r for r in runs if r["name"] == run_name)
    st.caption(f"{run['topic_count']} topics · {run['segment_count']} segments · {run['outlier_count']} outliers · "
               f"{run['embedder']} + {run['clusterer']} · {run['created_at']}")
    topics = project.topics.run(run_name)["topics"]
    st.dataframe([{"topic": t["topic"], "label": t["label"], "size": t["size"],
                   "words": ", ".join(w for w, _ in t["words"][:8])} for t in topics], hide_index=True, key="topic_table")

    figures_tab, segments_tab, codes_tab, attributes_tab, promote_tab = st.tabs(
        ["Figures", "Segments", "Topics x codes", "Topics x attributes", "Promote a topic"])
    with figures_tab:
        kind = st.radio("Figure", list(FIGURES), format_func=FIGURES.get, horizontal=True, key="topic_figure")
        by = st.selectbox("Attribute", ["type", *attributes], key="topic_by") if kind in ("heatmap", "time") else "type"
        with guarded():
            st.plotly_chart(project.topics.figure(run_name, kind, by=by), key="topic_chart")
    with segments_tab:
        shown = st.selectbox("Topic", [t["topic"] for t in topics], key="topic_segments",
                             format_func=lambda i: next(f"{t['topic']}: {t['label']} ({t['size']})"
                                                        for t in topics if t["topic"] == i))
        chosen = next(t for t in topics if t["topic"] == shown)
        st.caption(f"The {len(chosen['representative'])} segments most typical of the topic; open one in the reader.")
        for n, seg in enumerate(chosen["representative"]):
            st.html(excerpt_html(seg["text"], seg["title"], meta=seg.get("speaker") or ""))
            reader_button("Open in reader", seg["document_id"], seg["start"], seg["end"],
                          key=f"topic_open_{shown}_{n}")
    with codes_tab:
        coverage = st.slider("A topic is covered when at least this share of its segments is coded", 0.0, 1.0, 0.2, 0.05)
        with guarded():
            table = project.topics.by_codes(run_name, min_coverage=coverage)
            missing = [t for t in table["topics"] if t["uncovered"]]
            if missing:
                st.warning("Themes the codebook misses: " + "; ".join(f"{t['topic']}: {t['label']}" for t in missing))
            st.dataframe([{"topic": t["topic"], "label": t["label"], "size": t["size"], "coded": t["coded"],
                           "coverage": t["coverage"], "misses codebook": t["uncovered"],
                           "top codes": ", ".join(f"{c['label']} ({c['count']})" for c in t["codes"][:3])}
                          for t in table["topics"]], hide_index=True, key="topics_codes")
    with attributes_tab:
        name = st.selectbox("By", ["type", *attributes], key="topic_attr")
        with guarded():
            table = project.topics.by_attribute(run_name, name)
            st.dataframe([{"topic": t["topic"], "label": t["label"], **t["counts"]} for t in table["topics"]],
                         hide_index=True, key="topics_attributes")
    with promote_tab:
        codes = project.codebook.codes()
        paths = code_paths(codes)
        with st.form("promote"):
            topic = st.selectbox("Topic", [t["topic"] for t in topics if t["topic"] != -1],
                                 format_func=lambda i: next(f"{t['topic']}: {t['label']}" for t in topics if t["topic"] == i))
            parent = st.selectbox("Under", ["(top level)", *[c["id"] for c in codes]], format_func=lambda i: paths.get(i, i))
            code_id = st.text_input("Code id (optional)")
            label = st.text_input("Label (optional)")
            promote = st.form_submit_button("Promote to a draft code")
        if promote:
            with guarded():
                result = project.topics.promote(run_name, int(topic), None if parent == "(top level)" else parent,
                                               code_id.strip() or None, label.strip() or None)
                st.success(f"Added draft code {result['code_id']} ({result['label']}); its segments wait as "
                           "suggestions on the Suggestions page.")
