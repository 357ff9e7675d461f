"""Codebook page: the tree of codes with definitions and counts; add, edit, move, merge, delete; YAML in and out."""

from functools import partial

import streamlit as st

from workbench.render import legend_html
from workbench.ui.downloads import export_bytes
from workbench.ui.pickers import code_paths
from workbench.ui.session import (
    guarded,
    open_project,
    page_gate,
    project_path,
    save_upload,
)


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


page_gate()
st.title("Codebook")

with open_project() as project:
    codes = project.codebook.codes()
    paths = code_paths(codes)
    if codes:
        # One rule with Compare and `workbench matrix`: coded segments, a sub-code's counting for its parents too.
        totals = project.codings.matrix("document", "segments", rollup=True).sum(axis=1)
        counted = [{**c, "codings": int(totals.get(c["id"], 0))} for c in codes]
        st.html(legend_html([c for c in counted if c["depth"] == 0]))
        st.caption("Counts are coded segments and include sub-codes (the same rule as Compare and `workbench matrix`).")
        st.dataframe([{"code": "\u2003" * c["depth"] + c["label"], "id": c["id"], "coded segments": c["codings"],
                       "colour": c.get("color") or "", "definition": c.get("description") or ""} for c in counted],
                     hide_index=True, column_config={"definition": st.column_config.TextColumn(width="large")})
    else:
        st.info("No codes yet: import a YAML codebook below or add a code.")

    edit_tab, add_tab, io_tab = st.tabs(["Edit a code", "Add a code", "Import / export"])
    with edit_tab:
        if codes:
            code_id = st.selectbox("Code", [c["id"] for c in codes], format_func=paths.get, key="codebook_code")
            code = next(c for c in codes if c["id"] == code_id)
            with st.form(f"edit_{code_id}"):
                label = st.text_input("Label", code["label"])
                description = st.text_area("Definition", code.get("description") or "")
                include = st.text_area("Include (one a line)", "\n".join(code.get("include") or []))
                exclude = st.text_area("Exclude (one a line)", "\n".join(code.get("exclude") or []))
                examples = st.text_area("Examples (one a line)", "\n".join(code.get("examples") or []))
                color = st.color_picker("Colour", code.get("color") or "#1f77b4")
                if st.form_submit_button("Save"):
                    with guarded():
                        project.codebook.update_code(code_id, label=label, description=description, include=lines(include),
                                            exclude=lines(exclude), examples=lines(examples), color=color)
                        st.success(f"Saved {label}.")
                        st.rerun()
            others = [c["id"] for c in codes if c["id"] != code_id]
            move, merge, delete = st.columns(3)
            with move:
                parent = st.selectbox("Move under", ["(top level)", *others], format_func=lambda i: paths.get(i, i),
                                      key="move_parent")
                if st.button("Move"):
                    with guarded():
                        project.codebook.move_code(code_id, None if parent == "(top level)" else parent)
                        st.rerun()
            with merge:
                target = st.selectbox("Merge into", others, format_func=paths.get, key="merge_target")
                if st.button("Merge", disabled=not others):
                    with guarded():
                        moved = project.codebook.merge_codes(code_id, target)
                        st.success(f"Merged; {moved} codings moved.")
                        st.rerun()
            with delete:
                what = st.radio("Its codings", ["refuse", "parent", "delete"], key="delete_codings",
                                format_func={"refuse": "keep me from deleting codings", "parent": "move to the parent",
                                             "delete": "delete them"}.get)
                if st.button("Delete code"):
                    with guarded():
                        project.codebook.delete_code(code_id, what)
                        st.rerun()
    with add_tab, st.form("add_code", clear_on_submit=True):
        new_id = st.text_input("Id (snake_case)")
        new_label = st.text_input("Label")
        new_parent = st.selectbox("Parent", ["(top level)", *[c["id"] for c in codes]],
                                  format_func=lambda i: paths.get(i, i))
        new_description = st.text_area("Definition")
        if st.form_submit_button("Add code"):
            with guarded():
                project.codebook.add_code(new_id.strip(), new_label.strip() or new_id.strip(),
                                 None if new_parent == "(top level)" else new_parent,
                                 description=new_description)
                st.rerun()
    with io_tab:
        upload = st.file_uploader("Import a codebook: YAML, or REFI-QDA .qdc from another QDA tool",
                                  type=["yaml", "yml", "qdc"], key="codebook_upload")
        if upload and st.button("Load codebook"):
            with guarded():
                path = save_upload(upload, "codebooks")
                if path.suffix.lower() == ".qdc":
                    result = project.exports.import_refi(path, kind="qdc")
                    st.success("Imported " + ", ".join(f"{k}: {v}" for k, v in result.items()
                                                       if isinstance(v, int | str) and k != "path"))
                else:
                    result = project.codebook.load(path)
                    st.success(f"Codebook {result.get('codebook', '')}: {result.get('added', 0)} codes added, "
                               f"{result.get('updated', 0)} updated.")
        if codes:
            yaml_column, qdc_column = st.columns(2)
            with guarded():
                yaml_column.download_button("Download the codebook (YAML)", project.codebook.to_yaml(),
                                            file_name="codebook.yaml", mime="application/x-yaml")
                qdc_column.download_button("Download the codebook (REFI-QDA .qdc)",
                                           partial(export_bytes, project_path(), "codebook.qdc"),
                                           file_name="codebook.qdc", mime="application/xml")
