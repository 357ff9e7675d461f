"""`project.topics`: fit topic models over segments, read runs, compare topics with codes and attributes."""

from __future__ import annotations

from typing import Any

from workbench.store.database import ProjectPart


class Topics(ProjectPart):
    """The topic runs of one project (models are kept in the folder `<project>.topics/`)."""

    def _run(self, run: str | int) -> dict[str, Any]:
        from workbench.topics.runs import get_run

        return get_run(self.db, run)

    def fit(self, name: str | None = None, embedder: str = "minilm", min_topic_size: int = 10,
            n_topics: int | None = None, clusterer: str = "auto", filters=None, include_interviewer: bool = False,
            reduce_outliers: bool = False, min_words: int = 3, seed: int = 42, stop_words: list[str] | None = None,
            replace: bool = False, progress=None, include_structure: bool = False) -> dict[str, Any]:
        """Fit a topic model over segments and store it as a named run (filters: ["KEY=VALUE", ...] or a dict);
        headings, captions, source notes, references and front matter only with include_structure."""
        from workbench.topics._base import FitParams
        from workbench.topics.fit import fit_topics

        params = FitParams(embedder=embedder, clusterer=clusterer, min_topic_size=min_topic_size, n_topics=n_topics,
                           reduce_outliers=reduce_outliers, min_words=min_words, seed=seed,
                           extra_stop_words=list(stop_words or []), include_structure=include_structure)
        return fit_topics(self.db, self.path, name, params, filters, include_interviewer, replace, progress)

    def runs(self) -> list[dict[str, Any]]:
        """Every stored topic run with its parameters and counts."""
        from workbench.topics.runs import list_runs

        return list_runs(self.db)

    def run(self, run: str | int) -> dict[str, Any]:
        """A topic run by name or id, with its topics (words, keywords, size, representative segments)."""
        from workbench.topics.runs import run_topics

        found = self._run(run)
        return {**found, "topics": run_topics(self.db, found["id"])}

    def assignments(self, run: str | int) -> list[dict[str, Any]]:
        """The topic (and score) of every segment of a run."""
        from workbench.topics.runs import assignments

        return assignments(self.db, self._run(run)["id"])

    def delete(self, run: str | int) -> dict[str, Any]:
        """Delete a run and its saved model."""
        from workbench.topics.runs import delete_run

        return delete_run(self.db, self.path, run)

    def by_codes(self, run: str | int, coder: str | None = None, min_coverage: float = 0.2) -> dict[str, Any]:
        """How each topic's segments are coded; topics below min_coverage are themes the codebook misses."""
        from workbench.topics.compare import topics_by_codes

        return topics_by_codes(self.db, self._run(run), coder, min_coverage)

    def by_attribute(self, run: str | int, name: str) -> dict[str, Any]:
        """Topics x values of a document attribute, or of the document type with name='type'."""
        from workbench.topics.compare import topics_by_attribute

        return topics_by_attribute(self.db, self._run(run), name)

    def over_time(self, run: str | int, attribute: str | None = None, freq: str = "year") -> dict[str, Any]:
        """Topics x periods (year, quarter, month) of a date attribute of the documents."""
        from workbench.topics.compare import topics_over_time

        return topics_over_time(self.db, self._run(run), attribute, freq)

    def promote(self, run: str | int, topic: int, parent: str | None = None, code_id: str | None = None,
                label: str | None = None, examples: int = 3) -> dict[str, Any]:
        """Turn a topic into a draft code under parent; its segments become suggestions (source topic:RUN:TOPIC)."""
        from workbench.topics.promote import promote_topic

        return promote_topic(self.db, self._run(run), topic, parent, code_id, label, examples)

    def apply(self, run: str | int, progress=None) -> dict[str, Any]:
        """Give segments ingested since the run was fitted the topic of the saved model."""
        from workbench.topics.apply import apply_topics

        return apply_topics(self.db, self.path, self._run(run), progress)

    def figure(self, run: str | int, kind: str = "barchart", by: str = "type", top_n: int | None = None):
        """A plotly figure of a run: barchart (every topic, or the top_n largest), heatmap (by an attribute),
        time, distance or hierarchy."""
        from workbench.topics.figures import topic_figure

        return topic_figure(self.db, self.path, self._run(run), kind, by, top_n)

    def coherence(self, run: str | int) -> dict[str, Any]:
        """NPMI coherence of a run's topic words over the segments it was fitted on."""
        from workbench.store.topics import topic_run_texts
        from workbench.topics.coherence import npmi
        from workbench.topics.runs import run_topics

        found = self._run(run)
        words = [[w for w, _ in t["words"]] for t in run_topics(self.db, found["id"], with_text=False)
                 if t["topic"] != -1]
        return npmi(topic_run_texts(self.db, found["id"]), words)
