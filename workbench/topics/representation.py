"""Topic words: c-TF-IDF with English and interview stop words, KeyBERT-style keywords, a readable label."""

from __future__ import annotations

# Fillers, hedges and interviewer boilerplate that say nothing about a theme in spoken interviews.
INTERVIEW_STOP_WORDS = frozenset("""
yeah yes yep no nope okay ok oh ah um umm uh er erm hmm mm mhm right well like just really actually basically
literally probably maybe quite pretty sort kind lot lots bit thing things stuff way got get gets getting go goes
going gone went come comes coming came say says said saying tell told know knew think thought mean means meant
guess suppose want wanted need needed let look looking see seen make made did does doing done dont don doesn didn
isn wasn aren weren won wouldn couldn shouldn ve ll re im ive youre theyre thats theres whats gonna wanna gotta
cos cause course sure absolutely definitely exactly totally certainly fine good great interesting
question questions interview interviewer thank thanks thankyou today moment talk talking talked
us anything something everything nothing someone anyone everyone
one two three first second also still even much many may might would could should will shall can
""".split())  # noqa: SIM905 (a word list reads better as text)


def stop_words(extra: list[str] | None = None) -> list[str]:
    """English stop words, interview fillers and boilerplate, and any extra words, sorted."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(set(ENGLISH_STOP_WORDS) | INTERVIEW_STOP_WORDS | {w.casefold() for w in extra or []})


def vectorizer(words: list[str], n_docs: int):
    """The word counter behind c-TF-IDF: words and word pairs, letters only, stop words out."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(stop_words=words, ngram_range=(1, 2), token_pattern=r"(?u)\b[^\W\d_]{2,}\b",
                           min_df=2 if n_docs >= 300 else 1)


def ctfidf_model():
    from bertopic.vectorizers import ClassTfidfTransformer

    return ClassTfidfTransformer(reduce_frequent_words=True)


def keyword_model(seed: int):
    """KeyBERT-style keywords: candidate words re-ranked by similarity to the topic's embedding."""
    from bertopic.representation import KeyBERTInspired

    return KeyBERTInspired(top_n_words=10, nr_repr_docs=5, nr_candidate_words=40, random_state=seed)


def label_of(keywords: list[str], words: list[str], size: int = 3) -> str:
    """A readable label: the first few keywords, skipping words that repeat (or inflect) one already chosen."""
    chosen: list[str] = []
    stems: set[str] = set()
    for word in [*keywords, *words]:
        own = {w[:4] for w in word.split()}
        if not word or own & stems:  # welder / welders / welding, supply / supply chain
            continue
        chosen.append(word)
        stems |= own
        if len(chosen) == size:
            break
    return ", ".join(chosen) or "(no words)"
