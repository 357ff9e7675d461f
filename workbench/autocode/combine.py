"""Rules and the semantic classifier together (`autocode --method both`).

Each method alone either over-suggests (keyword rules fire on passing mentions, the classifier on
loosely related talk) or misses. Together, a suggestion stands when the two agree on its theme:

* a rule suggestion stands where its theme's classifier gives the segment at least CONFIRM;
* a classifier suggestion stands where its theme's probability is at least ALONE.

The pending suggestions that fall short are withdrawn (decided ones are never touched). A theme
without a classifier (too few codings and example passages) keeps its suggestions as they are. Both
values were chosen on the tuning and development parts of corpus/gold, never on its test part.
"""

from __future__ import annotations

CONFIRM = 0.4  # theme probability that confirms a rule suggestion
ALONE = 0.8  # theme probability a classifier suggestion needs without a rule


def withdraw_unsupported(db, theme_scores: dict[str, dict[int, float]], document_ids: list[int] | None = None,
                         confirm: float = CONFIRM, alone: float = ALONE) -> dict:
    """Delete the pending rule and classifier suggestions in these documents (None: all) whose theme has a
    classifier and gives their segment less than `confirm` (rules) or `alone` (classifier); segments the
    classifier left out (too short) count as 0. Returns how many of each method were withdrawn."""
    from workbench.store.codes import ancestor_chains
    from workbench.store.suggestions import pending_segment_suggestions, withdraw_pending

    out = {"rules": 0, "classifier": 0}
    if not theme_scores:
        return out
    chains = ancestor_chains(db)
    cut = {"rules": confirm, "classifier": alone}
    doomed = []
    pending = pending_segment_suggestions(db, ("rules", "classifier"), document_ids)
    for suggestion_id, segment_id, code_id, method in pending:
        by_segment = theme_scores.get(chains.get(code_id, [code_id])[-1])
        if by_segment is not None and by_segment.get(segment_id, 0.0) < cut[method]:
            doomed.append(suggestion_id)
            out[method] += 1
    withdraw_pending(db, doomed)
    return out


def describe_withdrawn(withdrawn: dict | None) -> str:
    """One line for the CLI and the app; empty when nothing was withdrawn."""
    if not withdrawn or not any(withdrawn.values()):
        return ""
    return (f"withdrawn where rules and classifier disagree: {withdrawn['rules']} rule and "
            f"{withdrawn['classifier']} classifier suggestions")
