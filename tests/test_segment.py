"""Speaker-turn detection across transcript conventions, and paragraph segmentation."""

import pytest

from workbench.ingest.readers.text import text_to_blocks
from workbench.ingest.segment import build_document


def turns(text, **kw):
    built = build_document(text_to_blocks(text), **kw)
    return built, [(s.speaker, built.text[s.start:s.end], s.time_start) for s in built.segments if s.kind == "turn"]


@pytest.mark.parametrize("a,b", [("Interviewer", "Respondent"), ("I", "R"), ("Q", "A"), ("Jane Smith", "Tom O'Neill")])
def test_colon_labels(a, b):
    text = f"{a}: How many welders do you employ?\n\n{b}: Twelve, and most are over fifty.\n\n" \
           f"{a}: And apprentices?\n\n{b}: Two this year."
    built, found = turns(text)
    assert [f[0] for f in found] == [a, b, a, b]
    assert found[1][1] == "Twelve, and most are over fifty."
    assert built.inferred_type == "interview"


def test_focus_group_participants_and_moderator():
    lines = ["Moderator: Welcome, everyone."] + [f"P{i}: I run a firm of {i * 10} people." for i in range(1, 13)]
    lines += ["Moderator: Thank you.", "P3: One more thing."]
    built, found = turns("\n\n".join(lines))
    assert {f[0] for f in found} == {"Moderator"} | {f"P{i}" for i in range(1, 13)}
    assert built.inferred_type == "focus_group"


@pytest.mark.parametrize("first,second", [
    ("[00:12:31] I: Tell me more.", "[00:12:40] R: We buy steel."),
    ("I [00:12:31]: Tell me more.", "R [00:12:40]: We buy steel."),
    ("I: [00:12:31] Tell me more.", "R: [00:12:40] We buy steel."),
    ("00:12:31 I: Tell me more.", "00:12:40 R: We buy steel."),
    ("Interviewer (00:12:31): Tell me more.", "Respondent (00:12:40): We buy steel."),
])
def test_timestamps_before_or_after_the_name(first, second):
    _, found = turns(f"{first}\n\n{second}\n\n{first}\n\n{second}")
    assert found[0][1] == "Tell me more." and found[0][2] == 12 * 60 + 31
    assert found[1][1] == "We buy steel." and found[1][2] == 12 * 60 + 40


@pytest.mark.parametrize("a,b", [("**Q:**", "**A:**"), ("**Jane Smith**:", "**Tom Baker**:"), ("*I:*", "*R:*"),
                                 ("[00:12:31] **I:**", "[00:12:40] **R:**")])
def test_markdown_bold_labels(a, b):
    text = f"- **Date:** 8 October 2025\n\n{a} How many welders?\n\n{b} Twelve, most over fifty.\n\n" \
           f"{a} And apprentices?\n\n{b} Two this year."
    built, found = turns(text)
    assert [f[1] for f in found] == ["How many welders?", "Twelve, most over fifty.", "And apprentices?",
                                     "Two this year."]
    assert len({f[0] for f in found}) == 2 and "*" not in "".join(f[0] for f in found)
    assert built.text.startswith(("- Date:", "- **Date:**"))  # a bold metadata label is not a speaker; markdown marks removed


@pytest.mark.parametrize("field", ["Date: 20 January 2026", "**Date:** 20 January 2026  "])
def test_names_in_a_header_run_are_no_turns(field):
    header = (f"Interview INT11 — transcript\n{field}\nInterviewer: Gareth Pennock\n"
              "Respondent: Euan Forbes (pseudonym), engineering manager, Altens, Aberdeen\nFirm: subsea connectors")
    built, found = turns(f"{header}\n\nInterviewer: Thanks for making time.\n\nEuan: Aye, that's fine.\n\n"
                         "Interviewer: What do you make?\n\nEuan: Connectors, mostly.")
    assert [f[0] for f in found] == ["Interviewer", "Euan", "Interviewer", "Euan"]
    assert built.speakers == ["Interviewer", "Euan"]
    assert "Respondent: Euan Forbes" in built.text[:built.segments[0].end]  # the header is one paragraph
    # Without a header field first, the same lines are a transcript's turns.
    _, plain = turns("Interviewer: Hello there.\nRespondent: Hello, thanks for coming.\nInterviewer: Shall we start?")
    assert [f[0] for f in plain] == ["Interviewer", "Respondent", "Interviewer"]


def test_turn_continues_over_paragraphs_until_next_speaker():
    text = ("P1: First paragraph of a long answer.\n\nSecond paragraph, same speaker.\n\n"
            "- a bullet inside the turn\n\nP2: Short reply.\n\nP1: Again.\n\nP2: Fine.")
    built, found = turns(text)
    assert found[0] == ("P1", "First paragraph of a long answer.\n\nSecond paragraph, same speaker.\n\n"
                              "- a bullet inside the turn", None)
    assert [f[0] for f in found] == ["P1", "P2", "P1", "P2"]


def test_speaker_names_on_their_own_line():
    text = ("JANE SMITH 00:01:02\nWell, the order book is thin.\n\nMARK JONES 00:01:30\nWhy is that?\n\n"
            "JANE SMITH 00:01:45\nThe OEM cut volumes.\n\nMARK JONES 00:02:10\nI see.")
    built, found = turns(text)
    assert [f[0] for f in found] == ["JANE SMITH", "MARK JONES", "JANE SMITH", "MARK JONES"]
    assert found[0][1] == "Well, the order book is thin."
    assert found[0][2] == 62
    # The end of a timed turn is the start of the next one.
    assert built.segments[0].time_end == 90


def test_name_line_then_blank_line_then_speech():
    text = "Anna Brown\n\nWe hire from the college.\n\nLiam Grey\n\nHow many?\n\nAnna Brown\n\nThree a year.\n\nLiam Grey\n\nOK."
    _, found = turns(text)
    assert [f[0] for f in found] == ["Anna Brown", "Liam Grey", "Anna Brown", "Liam Grey"]
    assert found[0][1] == "We hire from the college."


def test_role_labels_with_numbers():
    text = "\n\n".join(["Moderator: Start.", "SME owner 2: We lack welders.", "College lead: We train them.",
                       "SME owner 2: Not enough.", "College lead: Funding.", "Moderator: Thanks."])
    _, found = turns(text)
    assert [f[0] for f in found][:3] == ["Moderator", "SME owner 2", "College lead"]


def test_policy_document_with_colon_lines_is_not_a_transcript():
    text = ("Regional Skills Plan\n\nNote: figures are provisional.\n\nThe region has 4,000 vacancies in engineering.\n\n"
            "Source: ONS 2024.\n\nAction: expand degree apprenticeships.\n\nNote: see annex.\n\n"
            "Source: employer survey.\n\nAction: map skills by sector.\n\n" + "Paragraph of analysis. " * 5)
    built, found = turns(text)
    assert found == []
    assert built.inferred_type == "document"
    assert all(s.speaker is None for s in built.segments)


def test_document_type_forbids_turns():
    text = "I: question?\n\nR: answer.\n\nI: more?\n\nR: yes."
    _, found = turns(text, expect_turns=False)
    assert found == []


def test_bullets_are_their_own_segments():
    built = build_document(text_to_blocks("Actions agreed:\n- Map suppliers\n- Call the OEM\n\nNext meeting in May."))
    kinds = [(s.kind, built.text[s.start:s.end]) for s in built.segments]
    assert kinds == [("paragraph", "Actions agreed:"), ("list_item", "- Map suppliers"),
                     ("list_item", "- Call the OEM"), ("paragraph", "Next meeting in May.")]


def test_long_paragraph_split_at_sentence_boundaries():
    sentence = "The cluster board agreed to map supplier capability across the region. "
    built = build_document(text_to_blocks(sentence * 60), max_paragraph_chars=500)
    assert len(built.segments) > 5
    for seg in built.segments:
        part = built.text[seg.start:seg.end]
        assert len(part) <= 500
        assert part.startswith("The cluster") and part.endswith("region.")
    assert built.segments[-1].end == len(built.text)
