"""render.py: everything from documents, codes, memos and attributes is escaped; highlights and overlaps are right."""

import re

from workbench import render
from workbench.coding.spans import sentence_spans

CODES = [{"id": "skills", "label": "Skills", "color": "#112233"},
         {"id": "demand", "label": "Demand <b>", "color": "red; background:url(http://x)"}]


def strip_tags(markup: str) -> str:
    return re.sub(r"<[^>]+>", "", markup)


def test_script_and_img_injection_show_as_text():
    text = 'Hello <script>alert(1)</script> and <img src=x onerror="alert(2)"> & [link](javascript:x)'
    markup = render.highlight(text, [{"start": 0, "end": 5, "code_id": "skills"}], render.code_styles(CODES))
    assert "<script>" not in markup and "<img" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "onerror=&quot;alert(2)&quot;" in markup
    # unescaping the visible text gives back the document exactly (after the label tag)
    import html
    assert html.unescape(strip_tags(markup)) == "Skills" + text


def test_code_labels_memos_attributes_and_colours_are_escaped():
    styles = render.code_styles(CODES)
    assert styles["demand"]["color"] in render.PALETTE  # a colour that is not plain hex never reaches CSS
    markup = render.highlight("abc", [{"start": 0, "end": 3, "code_id": "demand", "coder": 'x"y'}], styles)
    assert "Demand &lt;b&gt;" in markup and "<b>" not in markup and 'x&quot;y' in markup
    memo = render.memos_html([{"author": "<i>ann</i>", "text": "<script>x</script>", "anchor_text": '"><svg onload=1>'}])
    assert "<script>x" not in memo and "<svg" not in memo and "&lt;i&gt;ann" in memo
    assert "<b>" not in render.legend_html([{"id": "demand", "label": "<b>x</b>", "codings": 3}])
    assert "&lt;img" in render.kwic_html("<img src=x>", "welders", "") and "<mark>welders</mark>" in render.kwic_html("", "welders", "")
    assert "&lt;/td&gt;" in render.kwic_table_html([{"title": "</td>", "left": "", "match": "m", "right": ""}])
    assert render.md_escape("[a](javascript:x) **b**") == r"\[a\]\(javascript\:x\) \*\*b\*\*"


def test_overlapping_codings_stack_one_underline_per_code():
    text = "0123456789"
    codings = [{"start": 0, "end": 6, "code_id": "skills"}, {"start": 4, "end": 10, "code_id": "demand"}]
    markup = render.highlight(text, codings, render.code_styles(CODES), labels=False)
    pieces = re.findall(r'<span class="wb-hl" data-codes="(\d)"[^>]*>([^<]*)</span>', markup)
    assert pieces == [("1", "0123"), ("2", "45"), ("1", "6789")]
    overlap = re.search(r'data-codes="2"[^>]*style="([^"]*)"', markup).group(1)
    assert overlap.count("inset") == 2 and "#112233" in overlap


def test_highlight_uses_document_offsets_and_clips_to_the_segment():
    segment = {"id": 7, "start": 100, "end": 110, "text": "abcdefghij", "speaker": "R", "time_start": 3725, "page": 2}
    codings = [{"start": 95, "end": 103, "code_id": "skills"}, {"start": 108, "end": 140, "code_id": "skills"},
               {"start": 10, "end": 20, "code_id": "skills"}]
    markup = render.segments_html([segment], codings, render.code_styles(CODES), current=7)
    assert re.findall(r'data-codes="1"[^>]*>([^<]*)</span>', markup) == ["abc", "ij"]
    assert "01:02:05" in markup and "p. 2" in markup and "wb-current" in markup
    assert render.highlight("plain <text>", [], {}) == "plain &lt;text&gt;"


def test_document_html_of_many_codings_keeps_every_character_once():
    import html

    text = "word " * 400
    segments = [{"id": i, "start": i * 100, "end": i * 100 + 100, "text": text[i * 100:i * 100 + 100]} for i in range(20)]
    codings = [{"start": s, "end": s + 37, "code_id": "skills" if s % 2 else "demand"} for s in range(0, 1950, 13)]
    markup = render.document_html(segments, codings, CODES)
    body = markup.split("</style>", 1)[1]
    visible = strip_tags(re.sub(r'<span class="wb-tag"[^>]*>[^<]*</span>', "", body))
    assert html.unescape(visible) == text[:2000]


def test_sentence_spans_are_offsets_into_the_document():
    text = "We hire welders. Nobody applies!  Why?\nBecause pay is low"
    spans = sentence_spans(text, offset=50)
    assert [text[s - 50:e - 50] for s, e in spans] == ["We hire welders.", "Nobody applies!", "Why?", "Because pay is low"]
