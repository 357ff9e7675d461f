"""Consistent pseudonyms for people, firms and places in exports ("Person 3", "Firm B", "Place 2").

Names come from a user's mapping table (which always wins), a user list of terms, speaker labels,
name-like attributes (e.g. the interviewer) and spaCy's small English model (PERSON, ORG, and
GPE/LOC/FAC/NORP as places). The same name gets the same pseudonym across a whole export, and
every replacement is reported for review.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

from workbench.errors import ExportError

CATEGORIES = ("person", "org", "place")
PREFIX = {"person": "Person", "org": "Firm", "place": "Place"}
ENTITY_CATEGORY = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place",
                   "NORP": "place"}
PERSON_ATTRIBUTES = {"interviewer", "interviewee", "respondent", "respondent_name", "name", "person", "contact",
                     "moderator", "note_taker"}
ORG_ATTRIBUTES = {"firm", "firm_name", "company", "organisation", "organization", "employer", "business"}
# Speaker labels that are not names: I/R/Q/A, P3, Interviewer, Respondent, Moderator, or roles ("College lead").
GENERIC_SPEAKER = re.compile(r"^(?:[A-Z]|[A-Z]\d{1,2}|P\d{1,2}|Speaker \d+|Interviewer|Respondent|Moderator|"
                             r"Facilitator|Participant \d+|Chair)$", re.IGNORECASE)
# Entity texts the model tags that are words of the field, not names.
NOT_NAMES = {"oem", "oems", "sme", "smes", "tier", "uk", "britain", "eu", "ev", "evs", "ai", "r&d", "hr", "ceo",
             "covid", "brexit", "gdp", "net zero", "apprenticeship levy", "catapult", "interviewer", "respondent",
             "moderator", "participant", "speaker", "chair"}
_CAPITALISED = re.compile(r"\b[A-Z][\w'’&.-]*(?:\s+[A-Z][\w'’&.-]*)*")
_CONNECTORS = {"of", "and", "&", "for", "the", "de", "la", "von", "van", "upon", "on"}
_ORG_PHRASE = re.compile(
    r"\b(?:[A-Z][\w'’-]+\s+(?:(?:&|and|of)\s+)?){1,5}(?:Ltd|Limited|plc|PLC|LLP|Collective|Cluster|Partnership|"
    r"Forum|Board|University|College|Centre|Center|Council|Academy|Group|Holdings|Systems|Technologies|Services|"
    r"Engineering|Fabrications?|Industries|Network|Trust|Institute|Consortium)\b")
_SUFFIX = re.compile(r"\s+(?:ltd|limited|plc|llp|inc|gmbh|group|holdings)\.?$", re.IGNORECASE)


def _key(term: str) -> str:
    return " ".join(term.split()).casefold()


def name_hash(key: str) -> str:
    """The stored form of a name: SHA-256 of its case-folded text, so the project never holds the name."""
    import hashlib

    return hashlib.sha256(f"workbench-pseudonym:{key}".encode()).hexdigest()


def _letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _letters_number(letters: str) -> int:
    """A -> 1, Z -> 26, AA -> 27 (0 for anything else)."""
    n = 0
    for char in letters:
        if not "A" <= char <= "Z":
            return 0
        n = n * 26 + ord(char) - 64
    return n


def read_mapping(path: str | Path) -> list[tuple[str, str, str | None]]:
    """A mapping CSV: columns term,replacement[,category]; a header row naming them is optional."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"{path}: cannot read the pseudonym mapping ({exc})",
                          hint="a UTF-8 CSV with columns term,replacement") from exc
    out = []
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if number == 1 and [c.strip().lower() for c in row[:2]] == ["term", "replacement"]:
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise ExportError(f"{path} row {number}: needs a term and its replacement",
                              hint="write rows as: Ruth Okafor,Interviewer A")
        category = row[2].strip().lower() if len(row) > 2 and row[2].strip() else None
        if category and category not in CATEGORIES:
            raise ExportError(f"{path} row {number}: unknown category {category!r}", hint="person, org or place")
        out.append((row[0].strip(), row[1].strip(), category))
    return out


def read_terms(path: str | Path) -> list[tuple[str, str]]:
    """A terms list: one name a line, optionally `name,category` (person, org, place; default person)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"{path}: cannot read the terms list ({exc})", hint="a UTF-8 file, one name a line") from exc
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        term, _, category = line.rpartition(",") if "," in line else (line, "", "person")
        category = category.strip().lower() or "person"
        if category not in CATEGORIES:
            raise ExportError(f"{path} line {number}: unknown category {category!r}", hint="person, org or place")
        out.append((term.strip(), category))
    return out


class Pseudonymiser:
    """Learns names from texts and replaces them consistently; keeps a report of every replacement."""

    def __init__(self, mapping=None, terms=None, use_model: bool = True, categories=CATEGORIES):
        self.categories = tuple(categories)
        self.use_model = use_model
        self.replacement: dict[str, str] = {}  # key -> pseudonym
        self.meta: dict[str, tuple[str, str, str]] = {}  # key -> (term as seen, category, found by)
        self.terms: dict[str, str] = {}  # exact term text -> key
        self.aliases: dict[str, str] = {}  # short form key ("okafor") -> key of the full name
        self.counters: dict[str, int] = defaultdict(int)
        self.used: dict[tuple[str, str], dict] = {}
        self._pattern = None
        self.model_missing = False
        self.known: dict[str, tuple[str, str]] = {}  # name hash -> (pseudonym, category), from earlier ingests
        for term, replacement, category in mapping or []:
            self._add(term, category or "person", "mapping", replacement)
        for term, category in terms or []:
            self.add(term, category, "terms")

    # learning names
    def add(self, term: str, category: str, found_by: str) -> None:
        """Register a name (and, for people and firms, its short forms) unless already known."""
        term = " ".join(str(term).split()).strip(" .,;:'\"()")
        if term.endswith(("'s", "’s")):
            term = term[:-2]
        if len(term) < 2 or _key(term) in NOT_NAMES or category not in self.categories or not re.search(r"[A-Z]", term):
            return
        key = self._add(term, category, found_by)
        words = term.split()
        if category == "person" and len(words) >= 2:
            for word in (words[-1], words[0]):
                if len(word) > 2 and word[0].isupper() and _key(word) not in NOT_NAMES:
                    self._alias(word, key)
        if category == "org":
            short = _SUFFIX.sub("", term)
            if short != term and len(short) > 2:
                self._alias(short, key)

    def _add(self, term: str, category: str, found_by: str, replacement: str | None = None) -> str:
        key = _key(term)
        key = self.aliases.get(key, key)
        if key in self.replacement:
            self.terms.setdefault(term, key)
            return key
        if replacement is None and name_hash(key) in self.known:
            replacement, category = self.known[name_hash(key)]
        if replacement is None:
            self.counters[category] += 1
            n = self.counters[category]
            replacement = f"{PREFIX[category]} {_letters(n) if category == 'org' else n}"
        self.replacement[key] = replacement
        self.meta[key] = (term, category, found_by, self.counters[category])
        self.terms[term] = key
        self._pattern = None
        return key

    def add_known(self, name_sha256: str, replacement: str, category: str) -> None:
        """A pseudonym given before (stored at ingest under the name's hash): the same name gets it again."""
        category = category if category in CATEGORIES else "person"
        self.known[name_sha256] = (replacement, category)
        match = re.fullmatch(r"(?:Person|Firm|Place) (\w+)", replacement)
        if match:
            token = match.group(1)
            n = int(token) if token.isdigit() else _letters_number(token)
            self.counters[category] = max(self.counters[category], n)

    def _alias(self, word: str, key: str) -> None:
        if _key(word) not in self.replacement and _key(word) not in self.aliases:
            self.terms[word] = key
            self.aliases[_key(word)] = key
            self._pattern = None

    def learn_speakers(self, speakers) -> None:
        for speaker in speakers:
            if isinstance(speaker, str) and speaker.strip() and not GENERIC_SPEAKER.match(speaker.strip()) \
                    and not any(word.islower() for word in speaker.split()):
                self.add(speaker, "person", "speaker")

    def learn_attributes(self, attributes: dict) -> None:
        for name, value in attributes.items():
            if isinstance(value, str) and value.strip():
                lowered = str(name).lower()
                if lowered in PERSON_ATTRIBUTES:
                    self.add(value, "person", f"attribute {name}")
                elif lowered in ORG_ATTRIBUTES:
                    self.add(value, "org", f"attribute {name}")

    def learn_known(self, texts) -> None:
        """Find names pseudonymised before (known only by their hash) among the capitalised phrases of texts."""
        if not self.known:
            return
        for text in texts:
            if not isinstance(text, str):
                continue
            for match in _CAPITALISED.finditer(text):
                words = [w.rstrip(".'’-") for w in match.group(0).split()]
                for size in range(min(len(words), 4), 0, -1):
                    for i in range(len(words) - size + 1):
                        term = " ".join(words[i:i + size])
                        hit = self.known.get(name_hash(_key(term)))
                        if hit and term not in self.terms:
                            self.add(term, hit[1], "earlier ingest")

    def learn_texts(self, texts) -> None:
        """Run the spaCy model over texts (in order) and register the names it finds.

        A name's category is the label the model gives it most often. Single words that also occur
        in lower case in the texts ("College", "Board"), acronyms, and names holding digits
        ("Mark 3", "P1") are taken as ordinary words, not names.
        """
        if not self.use_model:
            return
        texts = list(dict.fromkeys(t for t in texts if isinstance(t, str) and t.strip()))
        nlp = _ner_pipeline()
        if nlp is None:
            self.model_missing = True
            return
        lower_words = {w for t in texts for w in re.findall(r"\b[a-z][a-z'’-]+\b", t)}
        votes: dict[str, dict[str, int]] = {}
        enabled = [name for name in ("tok2vec", "ner") if name in nlp.pipe_names]
        with nlp.select_pipes(enable=enabled):
            for doc in nlp.pipe(texts, batch_size=64):
                for ent in doc.ents:
                    category = ENTITY_CATEGORY.get(ent.label_)
                    # an entity running over a speaker label or a line break is two phrases
                    for part in re.split(r"[:\n]", ent.text) if category else []:
                        term = _clean_entity(part)
                        if term and _looks_like_name(term, lower_words):
                            votes.setdefault(term, defaultdict(int))[category] += 1
        for text in texts:  # title-case phrases ending in an organisation word the model may miss
            for match in _ORG_PHRASE.finditer(text):
                term = _clean_entity(match.group(0))
                if _looks_like_name(term, lower_words) and term not in votes:
                    votes[term] = defaultdict(int, {"org": 1})
        for term, counts in votes.items():
            category = max(CATEGORIES, key=lambda c: (counts.get(c, 0), -CATEGORIES.index(c)))
            self.add(term, category, "model")

    # replacing
    def pattern(self):
        if self._pattern is None:
            terms = sorted(self.terms, key=lambda t: (-len(t), t))
            self._pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)") \
                if terms else None
        return self._pattern

    def replace(self, text, where: str = ""):
        """Text with every known name replaced by its pseudonym (non-strings pass through)."""
        if not isinstance(text, str) or not text:
            return text
        pattern = self.pattern()
        if pattern is None:
            return text

        def swap(match):
            key = self.terms[match.group(0)]
            replacement = self.replacement[key]
            entry = self.used.setdefault((match.group(0), replacement), {"count": 0, "where": []})
            entry["count"] += 1
            if where and where not in entry["where"] and len(entry["where"]) < 20:
                entry["where"].append(where)
            return replacement
        return pattern.sub(swap, text)

    def frame(self, frame, columns: list[str]):
        """A copy of a DataFrame with names replaced in the given columns (learning from them first)."""
        frame = frame.copy()
        columns = [c for c in columns if c in frame.columns]
        if "speaker" in frame.columns:
            self.learn_speakers(sorted({s for s in frame["speaker"] if isinstance(s, str)}))
        for name in columns:
            if name in PERSON_ATTRIBUTES | ORG_ATTRIBUTES:
                for value in frame[name]:
                    self.learn_attributes({name: value})
        self.learn_texts(list(frame["text"]) if "text" in frame.columns else [])
        ids = frame["coding_id"] if "coding_id" in frame.columns else frame.index
        for name in columns:
            frame[name] = [self.replace(v, f"coding {i}") for v, i in zip(frame[name], ids)]
        return frame

    def briefing(self, briefing) -> None:
        """Replace names in a briefing's quotations, titles and memos, in place."""
        quotes = [q for theme in briefing.themes for q in theme.quotes]
        self.learn_texts([q.text for q in quotes])
        for quote in quotes:
            where = f"coding {quote.coding_id}"
            quote.text, quote.title = self.replace(quote.text, where), self.replace(quote.title, where)
            quote.memo, quote.citation = self.replace(quote.memo, where), self.replace(quote.citation, where)
        briefing.replacements = self.report()

    def report(self) -> list[dict]:
        """Every replacement made: the name as found, its pseudonym, category, how it was found, count, where."""
        rows = []
        def order(item):
            meta = self.meta[self.terms[item[0][0]]]
            return (CATEGORIES.index(meta[1]), meta[3] if meta[2] != "mapping" else -1, item[0][1], item[0][0])

        for (term, replacement), entry in sorted(self.used.items(), key=order):
            _, category, found_by, _ = self.meta[self.terms[term]]
            rows.append({"term": term, "replacement": replacement, "category": category, "found_by": found_by,
                         "count": entry["count"], "where": "; ".join(entry["where"])})
        return rows

    def mapping_rows(self) -> list[dict]:
        """Every name learnt (and its short forms) with its pseudonym, for review."""
        return [{"term": term, "replacement": self.replacement[key], "category": self.meta[key][1],
                 "found_by": self.meta[key][2]} for term, key in sorted(self.terms.items())]

    def hashed_rows(self) -> list[dict]:
        """Every learnt name as (name_sha256, pseudonym, category, found by): what a project may store."""
        return [{"name_sha256": name_hash(_key(term)), "replacement": self.replacement[key],
                 "category": self.meta[key][1], "found_by": self.meta[key][2]}
                for term, key in sorted(self.terms.items())]


def _clean_entity(text: str) -> str:
    """An entity's text without a leading article, possessive or stray punctuation."""
    text = " ".join(text.split()).strip(" -–—.,;:'\"()[]")
    text = re.sub(r"^(?:the|The|THE)\s+", "", text)
    return re.sub(r"(?:'s|’s)$", "", text).strip()


def _looks_like_name(term: str, lower_words: set[str]) -> bool:
    """False for acronyms, words with digits, all-caps words, single words also used in lower case, and
    phrases with a lower-case word ("Focus group"); title-case phrases ("Forge Makers Collective") are names."""
    words = term.split()
    if any(ch.isdigit() for ch in term) or not words or not term[0].isupper():
        return False
    if len(words) == 1:
        word = words[0]
        return not (word.isupper() or word.lower() in lower_words or "/" in word)
    if all(w.isupper() for w in words):
        return False
    return all(w[0].isupper() or w in _CONNECTORS for w in words)


def _ner_pipeline():
    """The shared spaCy model when it has an entity recogniser, else None."""
    from workbench.nlp.pipelines import nlp

    pipeline = nlp()
    return pipeline if "ner" in pipeline.pipe_names else None


def write_report(rows: list[dict], path: str | Path) -> None:
    """The replacement report as CSV (or JSON when the path ends in .json)."""
    import io
    import json

    from workbench.files.atomic import write_file

    path = Path(path)
    if path.suffix.lower() == ".json":
        write_file(path, json.dumps(rows, ensure_ascii=False, indent=2).encode("utf-8"))
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ["term", "replacement", "category", "found_by", "count", "where"],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_file(path, buffer.getvalue().encode("utf-8"))
