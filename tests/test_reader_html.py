"""The HTML reader: blocks, kinds, dropped content, charsets and escaped markup."""

from __future__ import annotations

import codecs

import pytest

from workbench.errors import BinaryFileError, EmptyFileError
from workbench.ingest._base import ReadOptions
from workbench.ingest.readers import html as html_reader


def read(data: bytes | str, name: str = "page.html"):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return html_reader.read(data, name, ReadOptions())


def blocks(result) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in result.blocks]


PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>  Focus   group 3 </title>
<style>p { color: red }</style><script>document.write("INJECTED")</script>
<link rel="stylesheet" href="http://example.com/x.css"></head>
<body>
<nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<!-- a comment that is not text -->
<h1>Interview   <em>one</em></h1>
<div><div><div><p>Jane: We   started
in 2019 &amp; then<br>moved on.</p>Loose <b>text</b> in a div</div></div></div>
<p>&lt;script&gt;alert(1)&lt;/script&gt; stays literal</p>
<ul><li>First</li><li><p>Second</p><ul><li>Nested</li></ul></li></ul>
<ol><li>Numbered</li></ol>
<table><thead><tr><th>Who</th><th>Where</th></tr></thead>
<tbody><tr><td>Ann</td><td><p>Leeds</p><p>UK</p></td></tr><tr><td></td><td></td></tr></tbody></table>
<pre>  line one
    indented   twice

last</pre>
<blockquote>A quote</blockquote>
<dl><dt>Term</dt><dd>Definition</dd></dl>
<noscript>Please enable JavaScript</noscript>
<template><p>TEMPLATE</p></template>
<svg><text>SVG TEXT</text></svg>
<footer>Footer &copy; 2024</footer>
<p>   </p>
</body></html>"""


def test_blocks_kinds_and_order():
    result = read(PAGE)
    assert blocks(result) == [
        ("paragraph", "Home | About"),
        ("heading", "Interview one"),
        ("paragraph", "Jane: We started in 2019 & then\nmoved on."),
        ("paragraph", "Loose text in a div"),
        ("paragraph", "<script>alert(1)</script> stays literal"),
        ("bullet", "First"),
        ("bullet", "Second"),
        ("bullet", "Nested"),
        ("bullet", "Numbered"),
        ("table_row", "Who | Where"),
        ("table_row", "Ann | Leeds\nUK"),
        ("paragraph", "line one\n    indented   twice\nlast"),
        ("paragraph", "A quote"),
        ("paragraph", "Term"),
        ("paragraph", "Definition"),
        ("paragraph", "Footer © 2024"),
    ]
    assert result.title == "Focus group 3"


def test_dropped_content_never_appears():
    joined = "\n".join(b.text for b in read(PAGE).blocks)
    for hidden in ("INJECTED", "color: red", "enable JavaScript", "TEMPLATE", "SVG TEXT",
                   "a comment", "Focus group"):
        assert hidden not in joined
    for block in read(PAGE).blocks:
        assert "\n\n" not in block.text and block.text == block.text.strip()


def test_nested_divs_not_duplicated():
    result = read("<div><div><div>deep text</div></div><div>second</div></div>")
    assert blocks(result) == [("paragraph", "deep text"), ("paragraph", "second")]


def test_meta_charset_windows_1252():
    page = '<html><head><meta charset="windows-1252"></head><body><p>caf\xe9 \x93quoted\x94</p></body></html>'
    result = read(page.encode("latin-1"))
    assert blocks(result) == [("paragraph", "café \u201cquoted\u201d")]


def test_http_equiv_charset():
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
            "</head><body><p>Привет</p></body></html>")
    assert blocks(read(page.encode("koi8-r"))) == [("paragraph", "Привет")]


def test_bom_utf16():
    page = "<p>naïve résumé</p>"
    assert blocks(read(codecs.BOM_UTF16_LE + page.encode("utf-16-le"))) == [("paragraph", "naïve résumé")]


def test_no_charset_falls_back_to_decode_text():
    assert blocks(read("<p>Zoë</p>".encode("cp1252"))) == [("paragraph", "Zoë")]


def test_xhtml_with_xml_declaration():
    page = ('<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
            "<head><title>X</title></head><body><h2>Sub</h2><p>Body</p></body></html>")
    result = read(page)
    assert blocks(result) == [("heading", "Sub"), ("paragraph", "Body")]
    assert result.title == "X"


def test_empty_and_whitespace_pages():
    assert read("   \n  ").blocks == []
    assert read("<html><head><title></title></head><body><script>x()</script></body></html>").blocks == []
    with pytest.raises(EmptyFileError) as info:
        read(b"", "blank.html")
    assert str(info.value).startswith("blank.html: ")


def test_binary_content_is_refused():
    with pytest.raises(BinaryFileError):
        read(bytes(range(256)) * 10, "binary.html")
