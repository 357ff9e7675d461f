"""Pseudonymise at ingest: names are replaced in what a reader found before anything is stored."""

from __future__ import annotations

from dataclasses import replace

from workbench.store.pseudonyms import add_pseudonyms


def pseudonymise_read(pseudonymiser, result, title: str, attributes: dict, speakers: list[str]):
    """(result, title, attributes) with names replaced in blocks, speakers, memos, metadata and attributes.

    speakers: the labels segmentation found in the original text, learnt as person names first.
    """
    pseudonymiser.learn_speakers(speakers)
    pseudonymiser.learn_speakers(b.speaker for b in result.blocks if b.speaker)
    pseudonymiser.learn_attributes(attributes)
    pseudonymiser.learn_known([b.text for b in result.blocks] + [title])
    pseudonymiser.learn_texts([b.text for b in result.blocks] + [title])
    where = title
    swap = pseudonymiser.replace
    blocks = [replace(b, text=swap(b.text, where), speaker=swap(b.speaker, where)) for b in result.blocks]
    memos = [replace(m, text=swap(m.text, where), author=swap(m.author, where), anchor_text=swap(m.anchor_text, where))
             for m in result.memos]
    metadata = {k: _swap_value(swap, v, where) for k, v in result.metadata.items()}
    new_attributes = {k: _swap_value(swap, v, where) for k, v in attributes.items()}
    new_title = swap(title, where)
    return (replace(result, blocks=blocks, memos=memos, metadata=metadata, title=swap(result.title, where)),
            new_title, new_attributes)


def _swap_value(swap, value, where):
    if isinstance(value, str):
        return swap(value, where)
    if isinstance(value, list):
        return [_swap_value(swap, v, where) for v in value]
    if isinstance(value, dict):
        return {k: _swap_value(swap, v, where) for k, v in value.items()}
    return value


def store_pseudonyms(db, pseudonymiser) -> None:
    """Keep each learnt name's hash with its pseudonym, so later ingests give the same name the same pseudonym."""
    add_pseudonyms(db, pseudonymiser.hashed_rows())
