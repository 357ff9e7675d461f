"""Rule-based suggestions: the codes' keyword, phrase, lemma and token patterns run as spaCy matchers.

A segment reaches spaCy only if it holds a letter or digit run that one of the patterns needs
(a word of a keyword, a surface form of a lemma, ...); the rest cannot match and are skipped.
Lemmas are set only on the words that could carry a pattern's lemma when the pipeline's lemmas
come from a lookup table, so the common case costs a tokenizer pass over the candidate segments.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from workbench.autocode.reasons import describe, show_pattern
from workbench.store.codes import scope_codes
from workbench.store.segments import segment_batches

KINDS = (("keywords", "keyword"), ("phrases", "phrase"), ("lemmas", "lemma"), ("tokens", "token"))
TOKENS, LEMMAS, PIPELINE = 1, 2, 4  # what a candidate segment needs: tokenizer, lemmas, statistical components
WORD_ATTRS = {"LOWER", "ORTH", "TEXT"}
LEMMA_ATTRS = {"LEMMA"}
MODEL_ATTRS = {"POS", "TAG", "MORPH", "DEP", "HEAD", "ENT_TYPE", "ENT_IOB", "ENT_ID", "ENT_KB_ID",
               "SENT_START", "IS_SENT_START"}
OPTIONAL_OPS = {"?", "*", "!"}
GROUPS = ("tokens", "lemmas", "pipeline")  # how a candidate segment is processed, cheapest first


@dataclass
class Rule:
    id: str
    code_id: str
    kind: str
    pattern: str  # the keyword, phrase or lemma; a token pattern's number (as in its id)
    order: int
    shown: str = ""  # a token pattern as the words it looks for (reasons.show_pattern), for reasons


@dataclass
class RuleSet:
    """Compiled matchers plus the pre-check: letter/digit runs that can start a match."""

    pipeline: object
    rules: dict[str, Rule] = field(default_factory=dict)
    lower: object = None
    lemma: object = None
    tokens: dict[str, object] = field(default_factory=dict)  # token rule id -> its own Matcher
    trigger_flags: dict[str, int] = field(default_factory=dict)  # piece -> what its rules need
    trigger_codes: dict[str, set[str]] = field(default_factory=dict)  # piece -> codes it may suggest
    trigger_rules: dict[str, set[str]] = field(default_factory=dict)  # piece -> token rules to run
    always_flags: int = 0
    always_codes: set[str] = field(default_factory=set)
    always_rules: set[str] = field(default_factory=set)
    anchors: dict[str, tuple[set[int], int]] = field(default_factory=dict)  # token rule -> (LOWER hashes, width)
    lemma_words: set[str] = field(default_factory=set)
    attrs: set[str] = field(default_factory=set)
    full_lemmas: bool = False
    needs_model: bool = False  # a token rule needs attributes only the small English model sets
    warnings: list[str] = field(default_factory=list)

    def add_trigger(self, options: list[set[str]], flags: int, code_id: str,
                    token_rule: str | None = None) -> set[str] | None:
        """Try a rule only on segments holding a word of one of `options` (each a set of lower-cased token
        texts the rule needs one of); the option whose words look rarest is kept and returned."""
        best = None
        for words in options:
            chosen = [_piece(word) for word in words]
            if not chosen or None in chosen:
                continue
            cost = sum(_piece_cost(piece) for piece in chosen)
            if best is None or cost < best[0]:
                best = (cost, chosen, words)
        if best is None:
            self.always_flags |= flags
            self.always_codes.add(code_id)
            self.always_rules.update([token_rule] if token_rule else [])
            return None
        for piece in best[1]:
            self.trigger_flags[piece] = self.trigger_flags.get(piece, 0) | flags
            self.trigger_codes.setdefault(piece, set()).add(code_id)
            self.trigger_rules.setdefault(piece, set()).update([token_rule] if token_rule else [])
        return best[2]

    def close_triggers(self) -> None:
        """Add the text runs of tokenizer special cases that yield a trigger ("cannot" for "not")."""
        from workbench.nlp.pipelines import special_case_pieces

        for piece, sources in special_case_pieces(self.pipeline).items():
            if piece in self.trigger_flags:
                for source in sources:
                    self.trigger_flags[source] = self.trigger_flags.get(source, 0) | self.trigger_flags[piece]
                    self.trigger_codes.setdefault(source, set()).update(self.trigger_codes[piece])
                    self.trigger_rules.setdefault(source, set()).update(self.trigger_rules[piece])


def _piece(word: str) -> str | None:
    """The letter or digit run of a word to look for: the longest that is not a stop word."""
    from spacy.lang.en.stop_words import STOP_WORDS

    from workbench.nlp.pipelines import pieces

    found = pieces(word)
    return max(found, key=lambda p: (p not in STOP_WORDS, len(p))) if found else None


def _piece_cost(piece: str) -> int:
    from spacy.lang.en.stop_words import STOP_WORDS

    return 50 if piece in STOP_WORDS or len(piece) <= 2 else 1


def compile_rules(codes: list[dict], pipeline=None) -> RuleSet:
    """Compile the patterns of codes (rows with id and patterns) into matchers and a pre-check."""
    from spacy.matcher import PhraseMatcher

    from workbench.nlp import pipelines as nlp_module

    pipeline = pipeline or nlp_module.nlp()
    lookup = nlp_module.is_lookup_pipeline(pipeline)
    lemma_flags = LEMMAS if lookup else LEMMAS | PIPELINE
    rs = RuleSet(pipeline, lower=PhraseMatcher(pipeline.vocab, attr="LOWER"),
                 lemma=PhraseMatcher(pipeline.vocab, attr="LEMMA"))
    for code in codes:
        patterns = code.get("patterns") or {}
        for key, kind in KINDS:
            for i, pattern in enumerate(patterns.get(key) or [], 1):
                label = str(i) if kind == "token" else " ".join(str(pattern).split())
                rule = Rule(f"rule:{code['id']}:{kind}:{label}", code["id"], kind, label, len(rs.rules),
                            show_pattern(pattern) if kind == "token" else label)
                if rule.id in rs.rules:
                    continue
                if kind in ("keyword", "phrase"):
                    doc = pipeline.make_doc(label)
                    if not len(doc):
                        continue
                    rs.lower.add(rule.id, [doc])
                    rs.add_trigger([{t.lower_} for t in doc], TOKENS, code["id"])
                elif kind == "lemma":
                    doc = pipeline(label)
                    if not len(doc):
                        continue
                    rs.lemma.add(rule.id, [doc])
                    forms = [nlp_module.lemma_forms(pipeline, t.lemma_) for t in doc]
                    rs.lemma_words.update(*forms)
                    rs.attrs.add("LEMMA")
                    if len(doc) == 1 and not nlp_module.known_lemma(pipeline, doc[0].lemma_):
                        # A word the lemma tables lack ("reshore"): its regular inflections match as words.
                        extra = nlp_module.regular_inflections(doc[0].lemma_)
                        rs.lower.add(rule.id, [pipeline.make_doc(word) for word in sorted(extra)])
                        forms = [forms[0] | extra]
                    rs.add_trigger(forms, lemma_flags, code["id"])
                elif not _add_token_rule(rs, rule, pattern, lookup):
                    continue
                rs.rules[rule.id] = rule
    rs.close_triggers()
    return rs


def _add_token_rule(rs: RuleSet, rule: Rule, pattern, lookup: bool) -> bool:
    from spacy.matcher import Matcher

    from workbench.nlp.pipelines import lemma_forms

    specs = [{str(k).upper(): v for k, v in spec.items()} for spec in pattern] if isinstance(pattern, list) else []
    attrs = {k for spec in specs if isinstance(spec, dict) for k in spec if k != "OP"}
    if lookup and attrs & MODEL_ATTRS:
        rs.needs_model = True
        rs.warnings.append(f"{rule.id} uses {', '.join(sorted(attrs & MODEL_ATTRS))}, which only the small English "
                           "model sets; install en_core_web_sm for it to match")
        return False
    flags = TOKENS
    if attrs & LEMMA_ATTRS:
        flags |= LEMMAS if lookup else LEMMAS | PIPELINE
    if attrs & MODEL_ATTRS:
        flags |= PIPELINE
    # One Matcher per token rule: set-valued predicates cost Python calls on every token, so a
    # segment runs only the token rules whose trigger words it holds.
    matcher = Matcher(rs.pipeline.vocab)
    try:
        matcher.add(rule.id, [pattern])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        rs.warnings.append(f"{rule.id} is not a valid spaCy token pattern ({' '.join(str(exc).split())[:120]})")
        return False
    rs.tokens[rule.id] = matcher
    rs.attrs |= attrs
    options = []
    for spec in specs:
        lemmas = _word_set(spec.get("LEMMA"))
        if "LEMMA" in spec:
            if lemmas is None:
                rs.full_lemmas = True  # e.g. NOT_IN or REGEX: every word needs its lemma
            else:
                rs.lemma_words.update(*(lemma_forms(rs.pipeline, lemma) for lemma in lemmas))
        if spec.get("OP") in OPTIONAL_OPS or str(spec.get("OP", "")).startswith(("{0", "{,")):
            continue
        for attr in WORD_ATTRS:
            found = _word_set(spec.get(attr))
            if found is not None:
                options.append({w.lower() for w in found})
        if lemmas is not None:
            options.append(set().union(*(lemma_forms(rs.pipeline, lemma) for lemma in lemmas)))
    anchor_words = rs.add_trigger(options, flags, rule.code_id, rule.id)
    width = _max_width(specs)
    if anchor_words is not None and width is not None:
        rs.anchors[rule.id] = ({rs.pipeline.vocab.strings.add(w) for w in anchor_words}, width)
    return True


def _max_width(specs: list[dict]) -> int | None:
    """The most tokens a pattern can span, or None when unbounded (+, *, {n,})."""
    import re

    width = 0
    for spec in specs:
        op = str(spec.get("OP", "") or "")
        if op in ("+", "*") or re.fullmatch(r"\{\d*,\}", op):
            return None
        bounds = re.fullmatch(r"\{(\d*)(?:,(\d*))?\}", op)
        width += int(bounds.group(2) or bounds.group(1) or 0) if bounds else 1
    return width


def _group(flags: int, targeted_lemmas: bool) -> str:
    """The cheapest processing that gives a segment every attribute its candidate rules read."""
    if flags & PIPELINE or (flags & LEMMAS and not targeted_lemmas):
        return "pipeline"
    return "lemmas" if flags & LEMMAS else "tokens"


def _word_set(value) -> set[str] | None:
    """The words a token attribute value allows, when it is a plain string or an IN list of strings."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(v, str) for v in value["IN"]):
        return set(value["IN"])
    return None


def _enabled_pipes(pipeline, attrs: set[str]) -> list[str]:
    want = set()
    if attrs & (LEMMA_ATTRS | {"POS", "TAG", "MORPH"}):
        want |= {"tok2vec", "tagger", "morphologizer", "attribute_ruler", "lemmatizer", "trainable_lemmatizer",
                 "workbench_lemma_case"}
    if attrs & {"DEP", "HEAD", "SENT_START", "IS_SENT_START"}:
        want |= {"tok2vec", "parser"}
    if attrs & {"ENT_TYPE", "ENT_IOB", "ENT_ID", "ENT_KB_ID"}:
        want |= {"tok2vec", "ner"}
    return [name for name in pipeline.pipe_names if name not in want]


def match_texts(rs: RuleSet, texts: list[str], skip: list[set[str]] | None = None) -> tuple[list[dict], int]:
    """For each text {code id: [(char offset, rule id, matched text), ...]} over codes not in skip; and how
    many texts passed the pre-check and went through spaCy."""
    from workbench.nlp.pipelines import is_lookup_pipeline, lookup_lemma, pieces

    pipeline = rs.pipeline
    groups: dict[str, list[int]] = {group: [] for group in GROUPS}
    token_rules: dict[int, list] = {}
    targeted = is_lookup_pipeline(pipeline) and not rs.full_lemmas
    for i, text in enumerate(texts):
        hit = rs.trigger_flags.keys() & pieces(text)
        if not hit and not rs.always_flags:
            continue
        codes = set(rs.always_codes).union(*(rs.trigger_codes[p] for p in hit))
        if skip is not None and not codes - skip[i]:
            continue
        flags = rs.always_flags
        for piece in hit:
            flags |= rs.trigger_flags[piece]
        groups[_group(flags, targeted)].append(i)
        rules = rs.always_rules.union(*(rs.trigger_rules[p] for p in hit))
        token_rules[i] = [r for r in sorted(rules) if skip is None or rs.rules[r].code_id not in skip[i]]
    out: list[dict] = [{} for _ in texts]
    lemma_hashes = {pipeline.vocab.strings.add(w) for w in rs.lemma_words}
    disable = _enabled_pipes(pipeline, rs.attrs)
    runs = (("tokens", pipeline.tokenizer.pipe(texts[i] for i in groups["tokens"])),
            ("lemmas", pipeline.tokenizer.pipe(texts[i] for i in groups["lemmas"])),
            ("pipeline", pipeline.pipe((texts[i] for i in groups["pipeline"]), batch_size=256, disable=disable)))
    for name, docs in runs:
        for i, doc in zip(groups[name], docs):
            if not len(doc):
                continue
            if name == "lemmas":
                _set_lemmas(doc, lemma_hashes, pipeline, lookup_lemma)
            matches = rs.lower(doc) if len(rs.lower) else []
            if name != "tokens" and len(rs.lemma):
                matches += rs.lemma(doc)
            if token_rules[i]:
                matches += _token_matches(rs, token_rules[i], doc)
            for match_id, start, end in matches:
                rule = rs.rules[pipeline.vocab.strings[match_id]]
                if skip is None or rule.code_id not in skip[i]:
                    out[i].setdefault(rule.code_id, []).append((doc[start].idx, rule.id, doc[start:end].text))
    return out, sum(len(g) for g in groups.values())


def _token_matches(rs: RuleSet, rule_ids: list[str], doc) -> list[tuple[int, int, int]]:
    """Token-rule matches, each rule run only on windows around its anchor words (the Matcher costs
    Python work per token it looks at; a match must contain an anchor, so the windows find them all)."""
    from spacy.attrs import LOWER

    lowers = None
    found = []
    for rule_id in rule_ids:
        matcher = rs.tokens[rule_id]
        if rule_id not in rs.anchors:
            found += matcher(doc)
            continue
        if lowers is None:
            lowers = doc.to_array(LOWER).tolist()
        hashes, width = rs.anchors[rule_id]
        windows: list[list[int]] = []
        for k, h in enumerate(lowers):
            if h in hashes:
                start, end = max(0, k - width + 1), min(len(lowers), k + width)
                if windows and start <= windows[-1][1]:
                    windows[-1][1] = end
                else:
                    windows.append([start, end])
        for start, end in windows:
            found += [(m, s + start, e + start) for m, s, e in matcher(doc[start:end])]
    return found


def _set_lemmas(doc, lemma_hashes: set[int], pipeline, lookup_lemma) -> None:
    from spacy.attrs import LOWER

    lowers = doc.to_array(LOWER).tolist()
    # Matcher refuses a doc without any lemma when a pattern reads LEMMA: the first word's is always set.
    doc[0].lemma_ = lookup_lemma(pipeline, doc[0].text)
    if lemma_hashes.isdisjoint(lowers):
        return
    for i, h in enumerate(lowers):
        if h in lemma_hashes:
            token = doc[i]
            token.lemma_ = lookup_lemma(pipeline, token.text)


def rule_set(codes: list[dict]) -> RuleSet:
    """The codes' rules compiled on the lookup pipeline, or on the small English model when a token pattern reads
    parts of speech, dependencies or entities and the model is installed."""
    from workbench.nlp.pipelines import is_lookup_pipeline, lookup_nlp, nlp

    rs = compile_rules(codes, lookup_nlp())
    if rs.needs_model:
        full = nlp()
        if not is_lookup_pipeline(full):
            rs = compile_rules(codes, full)
    return rs


def suggest_rules(db, code_ids: list[str] | None = None, document_ids: list[int] | None = None,
                  progress=None, include_interviewer: bool = False, include_structure: bool = False) -> dict:
    """Suggest codes for segments where their patterns match; progress(done, total) after each batch.

    Interviewer and moderator turns are left out unless include_interviewer is set; headings, captions, source
    notes, references and front matter unless include_structure is.
    """
    from workbench.autocode.scope import interviewer_segment_ids
    from workbench.nlp.pipelines import pipeline_name
    from workbench.store.suggestions import decided_pairs, save_suggestions

    started = time.perf_counter()
    codes = [c for c in scope_codes(db, code_ids) if c["patterns"]]
    total, batches = segment_batches(db, document_ids, include_structure=include_structure)
    result = {"segments": 0, "candidates": 0, "matched": 0, "new": 0, "per_code": {c["id"]: 0 for c in codes},
              "warnings": [], "pipeline": None}
    if not codes or not total:
        return result
    rs = rule_set(codes)
    result["pipeline"] = pipeline_name(rs.pipeline)
    result["warnings"] = rs.warnings
    done = decided_pairs(db, ("rules",), [c["id"] for c in codes])
    questions = set() if include_interviewer else interviewer_segment_ids(db, document_ids)
    result["interviewer_segments_skipped"] = len(questions)
    every_code = {c["id"] for c in codes}
    for rows in batches:
        skip = [every_code if r[0] in questions else done.get(r[0], set()) for r in rows]
        found, sent = match_texts(rs, [r[4] for r in rows], skip)
        suggestions = []
        for row, by_code in zip(rows, found):
            for code_id, hits in by_code.items():
                suggestions.append({"document_id": row[1], "segment_id": row[0], "start": row[2], "end": row[3],
                                    "code_id": code_id, "method": "rules", **describe(rs, hits)})
        result["candidates"] += sent
        result["matched"] += len(suggestions)
        if suggestions:
            result["new"] += save_suggestions(db, suggestions)
            for s in suggestions:
                result["per_code"][s["code_id"]] += 1
        result["segments"] += len(rows)
        if progress:
            progress(result["segments"], total)
    result["seconds"] = time.perf_counter() - started
    return result
