"""Caption cues are classified with their neighbouring cues of the same speaker."""

import numpy as np
import pytest

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Interviewer>Who are your main customers?

00:00:05.000 --> 00:00:08.000
<v Ann>There are two big customers round here

00:00:08.000 --> 00:00:11.000
<v Ann>that everything orbits around,

00:00:11.000 --> 00:00:14.000
<v Ann>the engine people and the train people.

00:00:15.000 --> 00:00:17.000
<v Interviewer>And the others?
"""


@pytest.fixture
def captions(project, tmp_path):
    (tmp_path / "int.vtt").write_text(VTT, encoding="utf-8")
    [outcome] = project.documents.ingest([tmp_path / "int.vtt"])
    return project, outcome.document_id, {s["text"]: s["id"] for s in project.documents.segments(outcome.document_id)}


def test_windows_join_neighbouring_cues_of_the_same_speaker(captions):
    from workbench.autocode.context import cue_windows

    project, _, ids = captions
    windows = cue_windows(project.db, list(ids.values()))
    middle = ids["that everything orbits around,"]
    assert windows[middle] == ("There are two big customers round here that everything orbits around, "
                               "the engine people and the train people.")
    first = ids["There are two big customers round here"]
    assert windows[first] == "There are two big customers round here that everything orbits around,"  # not the question
    assert ids["Who are your main customers?"] not in windows  # no neighbour by the same speaker
    assert cue_windows(project.db, [middle]) == {middle: windows[middle]}  # neighbours outside the ids still count


def test_paragraphs_and_turns_get_no_window(project, tmp_path):
    from workbench.autocode.context import cue_windows

    (tmp_path / "int.txt").write_text("I: Who buys?\n\nR: Two big firms.\n\nI: Why?\n\nR: History.", encoding="utf-8")
    [outcome] = project.documents.ingest([tmp_path / "int.txt"])
    assert cue_windows(project.db, [s["id"] for s in project.documents.segments(outcome.document_id)]) == {}


@pytest.mark.slow
def test_classifier_embeddings_use_the_window_and_cache_it(captions):
    from workbench.autocode.context import CUE_WINDOW, classifier_embeddings
    from workbench.embeddings.cache import segment_embeddings
    from workbench.embeddings.encoders import embed_texts

    project, _, ids = captions
    order = [ids["Who are your main customers?"], ids["that everything orbits around,"]]
    vectors = classifier_embeddings(project.db, order)
    plain = segment_embeddings(project.db, order)
    assert np.allclose(vectors[0], plain[0])  # a cue without a same-speaker neighbour is embedded alone
    joined = "There are two big customers round here that everything orbits around, the engine people and the train people."
    window = embed_texts([joined])[0]
    assert np.allclose(vectors[1], window, atol=1e-5) and not np.allclose(vectors[1], plain[1], atol=1e-3)
    count = "SELECT count(*) FROM segment_embeddings WHERE model = ?"
    assert project.db.execute(count, [CUE_WINDOW]).fetchone()[0] == 1
    # A neighbour's text changes: the window is embedded again, the stale row replaced.
    project.db.execute("UPDATE segments SET text = 'the rail people.' WHERE id = ?",
                       [ids["the engine people and the train people."]])
    again = classifier_embeddings(project.db, order)
    assert not np.allclose(again[1], vectors[1], atol=1e-3)
    assert project.db.execute(count, [CUE_WINDOW]).fetchone()[0] == 1
