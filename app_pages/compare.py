"""Compare page: code x document / type / attribute matrices as heatmaps, co-occurrence, bars, and the excerpts behind a cell."""

import streamlit as st

from workbench.render import excerpt_html
from workbench.ui.links import reader_button
from workbench.ui.pickers import code_paths
from workbench.ui.session import guarded, open_project, page_gate

page_gate()
st.title("Compare")

MOST_COLUMNS = 25  # a heatmap wider than this is hard to read: the default picks a narrower split


def default_columns(summary) -> str:
    """Documents when there are a few; else the document type when there are several; else the attribute that
    splits the documents into the most (2..25) columns."""
    if 2 <= summary["documents"] <= MOST_COLUMNS:
        return "document"
    if 2 <= len(summary["documents_by_type"]) <= MOST_COLUMNS:
        return "type"
    widths = {f"attribute:{a}": n for a, n in summary["attributes"].items()}
    fitting = {option: n for option, n in widths.items() if 2 <= n <= MOST_COLUMNS}
    return max(fitting, key=fitting.get) if fitting else "document"


def column_titles(columns, cols):
    """Human column titles: document titles (without the id unless two share a title), else the values."""
    if cols != "document":
        return {str(c): str(c) for c in columns}
    titles = {str(c): str(c).split(": ", 1)[-1] for c in columns}
    repeated = {t for t in titles.values() if list(titles.values()).count(t) > 1}
    return {c: (c if t in repeated else t) for c, t in titles.items()}


def heatmap(frame, rows, columns, title, axes, key):
    """A plotly heatmap of a codes x columns table with human labels; returns the clicked (row id, column) if any."""
    import plotly.express as px

    shown = frame.rename(index=lambda i: rows.get(i, i), columns=lambda c: columns.get(str(c), str(c)))
    shown = shown.rename_axis(index=axes[1], columns=axes[0])
    figure = px.imshow(shown, text_auto=True, aspect="auto", color_continuous_scale="Blues", title=title, zmin=0,
                       labels={"x": axes[0], "y": axes[1], "color": axes[2]})
    figure.update_xaxes(automargin=True, tickangle=-30 if len(shown.columns) > 6 else 0)
    figure.update_yaxes(automargin=True)
    figure.update_layout(height=max(320, 28 * len(shown) + 200), margin={"l": 10, "r": 10, "t": 50, "b": 10})
    event = st.plotly_chart(figure, on_select="rerun", selection_mode="points", key=key)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points:
        back_rows, back_cols = {v: k for k, v in rows.items()}, {v: k for k, v in columns.items()}
        y, x = points[0].get("y"), points[0].get("x")
        return back_rows.get(y, y), back_cols.get(x, x)
    return None


with open_project() as project:
    codes = project.codebook.codes()
    paths = code_paths(codes)
    summary = project.summary()
    attributes = sorted(summary["attributes"])
    coders = [c["name"] for c in project.codings.coders()]
    if not coders:
        st.info("Nothing coded yet: code on the Code page or accept suggestions first.")
        st.stop()
    options = ["document", "type", *[f"attribute:{a}" for a in attributes]]
    row = st.columns(4)
    cols = row[0].selectbox("Columns", options, index=options.index(default_columns(summary)),
                            format_func=lambda o: o.replace("attribute:", ""), key="compare_cols")
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
    across = {"document": "Document", "type": "Document type"}.get(cols, cols.replace("attribute:", "").capitalize())
    measure = "Coded segments" if count == "segments" else "Documents coded"
    titles = column_titles(frame.columns, cols)
    view = st.radio("View", ["Matrix", "Bars", "Co-occurrence"], horizontal=True, key="compare_view",
                    help="One figure at a time, so a large project stays quick.")
    clicked = None
    if view == "Matrix":
        clicked = heatmap(frame, paths, titles, f"{measure}: codes x {across.lower()}", (across, "Code", measure),
                          "matrix_chart")
        with st.expander("As a table"):
            st.dataframe(frame.rename(index=lambda i: paths.get(i, i), columns=lambda c: titles.get(str(c), str(c)))
                         .rename_axis(index="Code", columns=across), key="matrix_table")
    elif view == "Bars":
        import plotly.express as px

        long = frame.rename(index=lambda i: paths.get(i, i), columns=lambda c: titles.get(str(c), str(c)))
        long = long.reset_index().melt(id_vars=long.index.name or "index")
        long.columns = ["code", "column", "count"]
        st.plotly_chart(px.bar(long, x="code", y="count", color="column", barmode="group",
                               labels={"code": "Code", "count": measure, "column": across},
                               title=f"{measure}: codes by {across.lower()}"), key="bars_chart")
    else:
        unit = st.radio("Unit", ["segment", "document"], horizontal=True, key="cooc_unit")
        with guarded():
            together = project.codings.cooccurrence(unit, chosen_coder, rollup)
            heatmap(together, paths, {str(c): paths.get(c, c) for c in together.columns},
                    f"Codes together in one {unit}", ("Code", "Code", f"{unit.capitalize()}s"), "cooccurrence_chart")

    st.subheader("Excerpts behind a cell")
    row_ids, col_values = list(frame.index), [str(c) for c in frame.columns]
    pick = st.columns(2)
    code = pick[0].selectbox("Code", row_ids, format_func=lambda i: paths.get(i, i), key="cell_code",
                             index=row_ids.index(clicked[0]) if clicked and clicked[0] in row_ids else 0)
    column = pick[1].selectbox(across, col_values, key="cell_column", format_func=lambda c: titles.get(c, c),
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
            reader_button("Open in reader", record["document_id"], record["start"], record["end"],
                          key=f"cell_open_{record['coding_id']}")
