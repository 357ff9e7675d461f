"""VTT and SRT captions: cues, speakers, identifiers, BOMs and malformed timings."""

import pytest

from tests.conftest import shared_fixture
from workbench.errors import CorruptFileError, EmptyFileError
from workbench.ingest._base import ReadOptions
from workbench.ingest.readers import captions
from workbench.ingest.segment import build_document


def read(path):
    return captions.read(path.read_bytes(), path.name, ReadOptions())


def test_sample_vtt_cues_become_timed_segments():
    result = read(shared_fixture("captions", "sample.vtt"))
    built = build_document(result.blocks)
    first = built.segments[0]
    assert built.text[first.start:first.end] == "Caption text #1"
    assert (first.kind, first.time_start, first.time_end) == ("cue", 0.5, 7.0)
    assert len(built.segments) == len(result.blocks) == 16


def test_cue_identifiers_are_not_text():
    result = read(shared_fixture("captions", "using_identifiers.vtt"))
    texts = [b.text for b in result.blocks]
    assert texts[:2] == ["Caption text #1", "Caption text #2"]
    assert not any("second caption" in t for t in texts)
    assert all(not t.strip().isdigit() for t in texts)


def test_vtt_with_bom():
    result = read(shared_fixture("captions", "captions_with_bom.vtt"))
    assert result.blocks[0].text == "Caption text #1"


def test_utf16_srt_with_bom():
    result = read(shared_fixture("captions", "bom-utf-16-le.srt"))
    assert result.metadata["encoding"] == "utf-16 (BOM)"
    assert result.blocks[0].text.startswith("About 2 months ago")


def test_empty_vtt_says_no_cues():
    with pytest.raises(EmptyFileError, match="empty.vtt: .*no cues"):
        read(shared_fixture("captions", "empty.vtt"))


def test_invalid_srt_names_the_line():
    with pytest.raises(CorruptFileError, match=r"invalid.srt: no valid cues; line 2: malformed cue timing"):
        read(shared_fixture("captions", "invalid.srt"))


def test_malformed_cue_skipped_with_warning_when_others_are_valid():
    srt = "1\n00:00:01,000 --> 00:00:02,000\nGood cue.\n\n2\n00:00:03 --> 00:00:04\nBad timing.\n\n" \
          "3\n00:00:05,000 --> 00:00:06,500\nAnother good cue.\n"
    result = captions.read(srt.encode(), "x.srt", ReadOptions())
    assert [b.text for b in result.blocks] == ["Good cue.", "Another good cue."]
    assert result.warnings == ["x.srt: line 6: malformed cue timing '00:00:03 --> 00:00:04' "
                               "(expected HH:MM:SS,mmm --> HH:MM:SS,mmm); cue skipped"]


def test_voice_tags_become_speakers_and_markup_is_dropped():
    vtt = ("WEBVTT\n\nNOTE recorded by the meeting tool\n\n1\n00:00:01.000 --> 00:00:04.000\n"
           "<v Dana Price>We lost <i>three</i> welders &amp; a fitter.</v>\n\n"
           "00:00:04.000 --> 00:00:06.000\n<v.loud Sam>Why?\n\n"
           "00:01:04.000 --> 00:01:06.000\n<v Dana Price>Retirement.\n")
    result = captions.read(vtt.encode(), "int.vtt", ReadOptions())
    assert [(b.speaker, b.text) for b in result.blocks] == [
        ("Dana Price", "We lost three welders & a fitter."), ("Sam", "Why?"), ("Dana Price", "Retirement.")]
    built = build_document(result.blocks)
    assert built.speakers == ["Dana Price", "Sam"] and built.inferred_type == "interview"
    assert built.segments[2].time_start == 64.0


def test_name_prefixes_become_speakers_and_carry_forward():
    srt = ("1\n00:00:01,000 --> 00:00:03,000\nPriya: We export to Germany.\n\n"
           "2\n00:00:03,000 --> 00:00:05,000\nmostly brackets and housings.\n\n"
           "3\n00:00:05,000 --> 00:00:07,000\nOwen: Since when?\n\n"
           "4\n00:00:07,000 --> 00:00:09,000\nPriya: 2019.\n\n"
           "5\n00:00:09,000 --> 00:00:10,000\nOwen: Right.\n")
    result = captions.read(srt.encode(), "int.srt", ReadOptions())
    assert [b.speaker for b in result.blocks] == ["Priya", "Priya", "Owen", "Priya", "Owen"]
    built = build_document(result.blocks)
    seg = built.segments[0]
    assert built.text[seg.start:seg.end] == "We export to Germany."  # label is not part of the speech


def test_not_a_vtt():
    with pytest.raises(CorruptFileError, match="x.vtt: not a WebVTT file"):
        captions.read(b"hello\n\nworld", "x.vtt", ReadOptions())
