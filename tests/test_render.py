"""render.py: everything from documents, codes, memos and attributes is escaped; label colours contrast."""

import html
import re

from workbench import render

CODES = [{"id": "skills", "label": "Skills", "color": "#112233"},
         {"id": "demand", "label": "Demand <b>", "color": "red; background:url(http://x)"}]


def strip_tags(markup: str) -> str:
    return re.sub(r"<[^>]+>", "", markup)


def test_script_and_img_injection_show_as_text():
    text = 'Hello <script>alert(1)</script> and <img src=x onerror="alert(2)"> & [link](javascript:x)'
    markup = render.excerpt_html(text, "<b>title</b>", "Demand <b>", "p. 2")
    assert "<script>" not in markup and "<img" not in markup and "<b>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup and "onerror=&quot;alert(2)&quot;" in markup
    assert html.unescape(strip_tags(markup.split("</style>", 1)[1])) == "<b>title</b> · Demand <b> · p. 2" + text


def test_code_labels_memos_attributes_and_colours_are_escaped():
    styles = render.code_styles(CODES)
    assert styles["demand"]["color"] in render.PALETTE  # a colour that is not plain hex never reaches CSS
    memo = render.memos_html([{"author": "<i>ann</i>", "text": "<script>x</script>", "anchor_text": '"><svg onload=1>'}])
    assert "<script>x" not in memo and "<svg" not in memo and "&lt;i&gt;ann" in memo
    assert "<b>" not in render.legend_html([{"id": "demand", "label": "<b>x</b>", "codings": 3}])
    assert render.md_escape("[a](javascript:x) **b**") == r"\[a\]\(javascript\:x\) \*\*b\*\*"


def test_label_text_color_is_dark_on_light_and_white_on_dark_backgrounds():
    assert render.label_text_color("#ffffff") == "#1f1f1f" and render.label_text_color("#000000") == "#ffffff"
    assert render.label_text_color("#ffe08a") == "#1f1f1f"  # pale yellow: white text on it was unreadable
    assert render.label_text_color("#fdf") == "#1f1f1f" and render.label_text_color("#1f77b4") == "#ffffff"
    assert render.label_text_color("#112233") == "#ffffff"
    assert render.label_text_color("not a colour") == render.label_text_color(render.PALETTE[0])
    for color in (*render.PALETTE, "#ffe08a", "#c7e9c0", "#fdd0a2", "#9edae5", "#08306b", "#ffff00"):
        text = render.label_text_color(color)
        other = "#ffffff" if text == "#1f1f1f" else "#1f1f1f"
        assert render.contrast_ratio(color, text) >= render.contrast_ratio(color, other)
        assert render.contrast_ratio(color, text) >= 4.0, color
    assert round(render.contrast_ratio("#000000", "#ffffff"), 1) == 21.0


def test_chips_and_tags_draw_their_label_in_the_contrasting_colour():
    codes = [{"id": "pale", "label": "Pale", "color": "#ffe08a", "codings": 2},
             {"id": "deep", "label": "Deep", "color": "#08306b", "codings": 1}]
    legend = render.legend_html(codes)
    assert re.search(r'background:#ffe08a;color:#1f1f1f"[^>]*>Pale', legend)
    assert re.search(r'background:#08306b;color:#ffffff"[^>]*>Deep', legend)
    assert "color:#fff}" not in legend  # no fixed white text left in the style sheet
