"""Rules and the semantic classifier together (`autocode --method both`).

Each method alone either over-suggests (keyword rules fire on passing mentions, the classifier on
loosely related talk) or misses. Together, each pending suggestion is checked against the
classifier of its theme (its top-level code), which gives every segment a probability:

* a rule suggestion stands where that probability is at least CONFIRM (0.4), even when a single
  keyword fired (its own score then stays 0.50: the score is the rule's, not the classifier's);
* a classifier suggestion stands where that probability is at least ALONE (0.8), with or without
  a rule;
* a theme without a classifier (too few codings and example passages) keeps its suggestions
  unchecked, and so do similarity suggestions (codes with too few examples for a classifier).

The pending suggestions that fall short are withdrawn (decided ones are never touched), and each
one that stands gets why in its reason ("...; confirmed by the skills classifier at 0.62 ...").
Both values were chosen on the tuning and development parts of corpus/gold, never on its test part.
"""

from __future__ import annotations

CONFIRM = 0.4  # theme probability that confirms a rule suggestion
ALONE = 0.8  # theme probability a classifier suggestion needs without a rule


def withdraw_unsupported(db, theme_scores: dict[str, dict[int, float]], document_ids: list[int] | None = None,
                         confirm: float = CONFIRM, alone: float = ALONE) -> dict:
    """Delete the pending rule and classifier suggestions in these documents (None: all) whose theme has a
    classifier and gives their segment less than `confirm` (rules) or `alone` (classifier); segments the
    classifier left out (too short) count as 0. The reason of each pending suggestion that stands says why.
    Returns how many of each method were withdrawn."""
    from workbench.autocode.reasons import verdict, with_verdict
    from workbench.store.codes import ancestor_chains
    from workbench.store.database import writing
    from workbench.store.suggestions import pending_segment_suggestions, set_reasons, withdraw_pending

    out = {"rules": 0, "classifier": 0}
    chains = ancestor_chains(db)
    cut = {"rules": confirm, "classifier": alone}
    doomed, kept = [], {}
    pending = pending_segment_suggestions(db, ("rules", "classifier", "semantic"), document_ids)
    for suggestion_id, segment_id, code_id, method, reason in pending:
        theme = chains.get(code_id, [code_id])[-1]
        by_segment = theme_scores.get(theme)
        score = None if by_segment is None else by_segment.get(segment_id, 0.0)
        if score is not None and method in cut and score < cut[method]:
            doomed.append(suggestion_id)
            out[method] += 1
        else:
            kept[suggestion_id] = with_verdict(reason, verdict(method, theme, score, confirm, alone))
    with writing(db):  # one transaction: the withdrawals and the reasons of what stands
        withdraw_pending(db, doomed)
        set_reasons(db, kept)
    return out


def describe_withdrawn(withdrawn: dict | None) -> str:
    """One line for the CLI and the app; empty when nothing was withdrawn."""
    if not withdrawn or not any(withdrawn.values()):
        return ""
    return (f"withdrawn: {withdrawn['rules']} rule suggestions their theme's classifier gave under {CONFIRM:.2f} "
            f"and {withdrawn['classifier']} classifier suggestions under {ALONE:.2f}")
