"""Caption cues read with their neighbours.

A subtitle cue is often a piece of a sentence ("and the two big customers everything orbits
around,"), too short for its embedding to say what the speaker is talking about. For the theme
classifiers a cue is embedded together with the cue before and after it when the same speaker says
them; the cue alone stays what is suggested, coded and evaluated. On the development part of the
gold standard this raised theme-level macro F1 of `autocode --method both` by about 0.02.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.embeddings.cache import (
    MODEL_NAME,
    cached_embeddings,
    segment_embeddings,
)
from workbench.embeddings.encoders import project_encoder
from workbench.store.segments import cue_neighbours

if TYPE_CHECKING:
    import numpy as np

WINDOW_SUFFIX = "+cue-window"


def cue_window_key(encoder_name: str) -> str:
    """Cache key of the window embeddings of an encoder (its name + "+cue-window")."""
    return encoder_name + WINDOW_SUFFIX


CUE_WINDOW = cue_window_key(MODEL_NAME)  # the key under the default encoder


def cue_windows(db, segment_ids) -> dict[int, str]:
    """{cue id: previous cue + cue + next cue} for the cues among the ids that have a neighbouring cue of the
    same speaker in the same document."""
    return {segment_id: " ".join(t for t in (before, text, after) if t)
            for segment_id, before, text, after in cue_neighbours(db, segment_ids)
            if before is not None or after is not None}


def classifier_embeddings(db, segment_ids, progress=None) -> np.ndarray:
    """Segment embeddings for the theme and code classifiers: cached segment embeddings, with each caption cue's
    row replaced by the embedding of its window (cached too)."""
    ids = [int(i) for i in segment_ids]
    vectors = segment_embeddings(db, ids, progress)
    windows = cue_windows(db, ids)
    if windows:
        rows = [k for k, i in enumerate(ids) if i in windows]
        vectors = vectors.copy()
        name = project_encoder(db)
        vectors[rows] = cached_embeddings(db, [ids[k] for k in rows], windows, cue_window_key(name), name=name)
    return vectors
