"""Normalisation and offsets: every segment's offsets index the stored text."""

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.ingest._base import Block
from workbench.ingest.normalise import normalise_block, normalise_text
from workbench.ingest.segment import build_document


def test_line_endings_controls_and_nfc():
    raw = "Cafe\u0301\r\nline two\rthree\x00\x07\u2028four  \nend\ufeff"
    assert normalise_text(raw) == "Caf\u00e9\nline two\nthree\nfour\nend"


def test_block_blank_lines_collapse():
    assert normalise_block("  a\n\n\n  b  ") == "a\n  b"


def test_pdf_hyphenated_line_breaks_are_joined():
    assert normalise_block("advanced manu-\nfacturing in the\nregion", join_lines=True) == \
        "advanced manufacturing in the region"
    # A hyphen before a capital letter is a real hyphen (e.g. a name) and stays.
    assert normalise_block("Anglo-\nSaxon", join_lines=True) == "Anglo- Saxon"


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_text, st.sampled_from(["paragraph", "bullet", "heading", "cue"]),
                          st.none() | st.sampled_from(["Ann", "Bo"])), max_size=12),
       st.booleans())
def test_segment_offsets_index_stored_text(items, join_lines):
    blocks = [Block(t, kind, speaker=spk) for t, kind, spk in items]
    built = build_document(blocks, join_lines=join_lines, max_paragraph_chars=30)
    text = built.text
    assert normalise_text(text) == text  # the stored text is already normal
    last_end = 0
    for seg in built.segments:
        assert 0 <= seg.start < seg.end <= len(text)
        assert seg.start >= last_end  # segments do not overlap and keep reading order
        assert text[seg.start:seg.end].strip() == text[seg.start:seg.end]
        last_end = seg.end
