"""A pseudonymiser primed with what a project already knows, so replacements stay consistent across exports."""

from __future__ import annotations

import os

from workbench.privacy.pseudonymise import Pseudonymiser, read_mapping, read_terms
from workbench.store.pseudonyms import attribute_values, known_pseudonyms, speaker_names


def project_pseudonymiser(db, mapping: str | os.PathLike | None = None, terms: str | os.PathLike | None = None,
                          use_model: bool = True, categories=("person", "org", "place")) -> Pseudonymiser:
    """A Pseudonymiser primed with a mapping CSV (always wins), a terms list, the pseudonyms given at ingest and
    the project's speaker names and name-like attributes (e.g. interviewer)."""
    pseudonymiser = Pseudonymiser(read_mapping(mapping) if mapping else None,
                                  read_terms(terms) if terms else None, use_model, categories)
    for row in known_pseudonyms(db):
        pseudonymiser.add_known(row["name_sha256"], row["replacement"], row["category"])
    pseudonymiser.learn_speakers(speaker_names(db))
    for name, value in attribute_values(db):
        pseudonymiser.learn_attributes({name: value})
    return pseudonymiser
