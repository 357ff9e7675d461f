"""Topics against the rest of the project: codes (and themes the codebook misses), attributes, document types, time."""

from __future__ import annotations

from collections import Counter, defaultdict

from workbench.errors import TopicError
from workbench.store import topics as store
from workbench.store.attributes import attribute_exists, attribute_names, first_date_attribute
from workbench.store.codes import code_labels
from workbench.topics.runs import assignments, run_topics

FREQUENCIES = ("year", "quarter", "month")


def _labels(db, run: dict) -> dict[int, dict]:
    return {t["topic"]: t for t in run_topics(db, run["id"], with_text=False)}


def topics_by_codes(db, run: dict, coder: str | None = None, min_coverage: float = 0.2) -> dict:
    """For each topic, how its segments are coded (count and share per code); topics whose coded share is below
    min_coverage are flagged `uncovered`: themes the codebook misses."""
    rows = assignments(db, run["id"])
    topic_of = {r["segment_id"]: r["topic"] for r in rows}
    coded = store.coded_run_segments(db, run["id"], coder)
    label_of = code_labels(db)
    per_topic: dict[int, Counter] = defaultdict(Counter)
    coded_segments: dict[int, set[int]] = defaultdict(set)
    for segment_id, code_id in coded:
        per_topic[topic_of[segment_id]][code_id] += 1
        coded_segments[topic_of[segment_id]].add(segment_id)
    sizes = Counter(topic_of.values())
    topics = []
    for topic, info in sorted(_labels(db, run).items()):
        size = sizes.get(topic, 0)
        coverage = len(coded_segments[topic]) / size if size else 0.0
        codes = [{"code": c, "label": label_of.get(c, c), "count": n, "share": round(n / size, 4)}
                 for c, n in sorted(per_topic[topic].items(), key=lambda item: (-item[1], item[0]))]
        topics.append({"topic": topic, "label": info["label"], "size": size, "coded": len(coded_segments[topic]),
                       "coverage": round(coverage, 4), "uncovered": topic != -1 and coverage < min_coverage,
                       "codes": codes})
    return {"run": run["name"], "min_coverage": min_coverage, "topics": topics,
            "uncovered": [t["topic"] for t in topics if t["uncovered"]]}


def _segment_values(db, run: dict, by: str) -> dict[int, str]:
    """segment id -> the value of `by` (type, or an attribute name) of its document; '(none)' when absent."""
    if by == "type":
        return store.run_segment_types(db, run["id"])
    name = by.removeprefix("attribute:")
    if not attribute_exists(db, name):
        names = attribute_names(db)
        raise TopicError(f"no document has an attribute {name!r}",
                         hint="attributes: " + (", ".join(names) if names else "none; add them with a manifest")
                         + "; or compare by type")
    return store.run_segment_attribute(db, run["id"], name)


def _table(db, run: dict, value_of: dict[int, str], by: str, values: list[str] | None = None) -> dict:
    rows = assignments(db, run["id"])
    counts: dict[int, Counter] = defaultdict(Counter)
    for r in rows:
        counts[r["topic"]][value_of[r["segment_id"]]] += 1
    totals = Counter(value_of[r["segment_id"]] for r in rows)
    values = values or sorted(totals)
    topics = []
    for topic, info in sorted(_labels(db, run).items()):
        size = sum(counts[topic].values())
        topics.append({"topic": topic, "label": info["label"], "size": size,
                       "counts": {v: counts[topic].get(v, 0) for v in values},
                       "shares": {v: round(counts[topic].get(v, 0) / totals[v], 4) if totals[v] else 0.0 for v in values},
                       "topic_shares": {v: round(counts[topic].get(v, 0) / size, 4) if size else 0.0 for v in values}})
    return {"run": run["name"], "by": by, "values": values, "totals": {v: totals[v] for v in values}, "topics": topics}


def topics_by_attribute(db, run: dict, by: str) -> dict:
    """Topics x values of a document attribute (or `type`): counts, share of each value's segments in each
    topic (`shares`) and share of each topic's segments with each value (`topic_shares`)."""
    return _table(db, run, _segment_values(db, run, by), by)


def topics_over_time(db, run: dict, attribute: str | None = None, freq: str = "year") -> dict:
    """Topics x periods of a date attribute (the first date attribute when none is named)."""
    if freq not in FREQUENCIES:
        raise TopicError(f"unknown period {freq!r}", hint="periods: " + ", ".join(FREQUENCIES))
    if attribute is None:
        attribute = first_date_attribute(db)
        if attribute is None:
            raise TopicError("no document carries a date attribute",
                             hint="add a date column (YYYY-MM-DD) to the manifest and apply it")
    dates = store.run_segment_dates(db, run["id"], attribute)
    if not any(dates.values()):
        raise TopicError(f"attribute {attribute!r} holds no dates for the run's documents",
                         hint="dates are written YYYY-MM-DD")

    def period(iso: str | None) -> str:
        if not iso:
            return "(no date)"
        if freq == "year":
            return iso[:4]
        if freq == "month":
            return iso[:7]
        return f"{iso[:4]}-Q{(int(iso[5:7]) - 1) // 3 + 1}"

    out = _table(db, run, {s: period(d) for s, d in dates.items()}, attribute)
    out["freq"] = freq
    return out
