"""Compare page: code x document / type / attribute matrices as heatmaps, co-occurrence, bars, and the excerpts behind a cell."""

import streamlit as st

from workbench.render import excerpt_html
from workbench.ui.pickers import code_paths
from workbench.ui.session import guarded, open_project, page_gate

page_gate()
st.title("Compare")


def heatmap(frame, labels, title, key):
    """A plotly heatmap of a codes x columns table; returns the clicked (row, column) if any."""
    import plotly.express as px

    shown = frame.rename(index=lambda i: labels.get(i, i))
    figure = px.imshow(shown, text_auto=True, aspect="auto", color_continuous_scale="Blues", title=title)
    figure.update_layout(height=max(300, 28 * len(shown) + 120), margin={"l": 10, "r": 10, "t": 40, "b": 10})
    event = st.plotly_chart(figure, on_select="rerun", selection_mode="points", key=key)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points:
        back = {v: k for k, v in labels.items()}
        return back.get(points[0].get("y"), points[0].get("y")), points[0].get("x")
    return None


with open_project() as project:
    codes = project.codebook.codes()
    labels = {c["id"]: c["label"] for c in codes}
    paths = code_paths(codes)
    attributes = sorted(project.summary()["attributes"])
    coders = [c["name"] for c in project.codings.coders()]
    if not coders:
        st.info("Nothing coded yet: code on the Code page or accept suggestions first.")
        st.stop()
    options = ["type", *[f"attribute:{a}" for a in attributes], "document"]
    row = st.columns(4)
    cols = row[0].selectbox("Columns", options, format_func=lambda o: o.replace("attribute:", ""), key="compare_cols")
    count = row[1].selectbox("Count", ["segments", "documents"], key="compare_count")
    coder = row[2].selectbox("Coder", ["(all)", *coders], key="compare_coder")
    rollup = row[3].checkbox("Count sub-codes in their parents", value=True, key="compare_rollup")
    chosen_coder = None if coder == "(all)" else coder
    frame = None
    with guarded():
        frame = project.codings.matrix(cols, count, chosen_coder, rollup)
    if frame is None or frame.empty:
        st.info("No codings to compare for these choices.")
        st.stop()
    view = st.radio("View", ["Matrix", "Bars", "Co-occurrence"], horizontal=True, key="compare_view",
                    help="One figure at a time, so a large project stays quick.")
    clicked = None
    if view == "Matrix":
        clicked = heatmap(frame, labels, f"Codes x {cols.replace('attribute:', '')} ({count})", "matrix_chart")
        with st.expander("As a table"):
            st.dataframe(frame.rename(index=lambda i: labels.get(i, i)), key="matrix_table")
    elif view == "Bars":
        import plotly.express as px

        long = frame.rename(index=lambda i: labels.get(i, i)).reset_index().melt(id_vars=frame.index.name or "index")
        long.columns = ["code", "column", "count"]
        st.plotly_chart(px.bar(long, x="code", y="count", color="column", barmode="group",
                               title=f"Codes by {cols.replace('attribute:', '')}"), key="bars_chart")
    else:
        unit = st.radio("Unit", ["segment", "document"], horizontal=True, key="cooc_unit")
        with guarded():
            heatmap(project.codings.cooccurrence(unit, chosen_coder, rollup), labels, f"Codes together in one {unit}",
                    "cooccurrence_chart")

    st.subheader("Excerpts behind a cell")
    row_ids, col_values = list(frame.index), [str(c) for c in frame.columns]
    pick = st.columns(2)
    code = pick[0].selectbox("Code", row_ids, format_func=lambda i: paths.get(i, i), key="cell_code",
                             index=row_ids.index(clicked[0]) if clicked and clicked[0] in row_ids else 0)
    column = pick[1].selectbox("Column", col_values, key="cell_column",
                               index=col_values.index(str(clicked[1])) if clicked and str(clicked[1]) in col_values else 0)
    with guarded():
        excerpts = project.codings.excerpts(code=code, with_subcodes=rollup, coder=chosen_coder)
        if cols == "document":
            excerpts = excerpts[excerpts["document_id"].astype(str) == column.split(":", 1)[0]]
        elif cols == "type":
            excerpts = excerpts[excerpts["type"] == column]
        else:
            name = cols.split(":", 1)[1]
            values = excerpts[name].fillna("(none)").astype(str) if name in excerpts else None
            excerpts = excerpts[values == column] if values is not None else excerpts.iloc[0:0]
        st.caption(f"{len(excerpts)} excerpts")
        for record in excerpts.head(50).to_dict("records"):
            st.html(excerpt_html(record["text"], record["title"], paths.get(record["code_id"], record["code_id"]),
                                 f"{record['coder']}" + (f" · {record['speaker']}" if record.get("speaker") else "")))
