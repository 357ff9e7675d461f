"""The machine as a coder: a validation's held-out suggestions compared with the human coder like a second coder."""

from __future__ import annotations

MACHINE = "machine"  # the name that stands for the suggestions in `workbench agreement CODER machine`


def agreement_with_machine(db, validation: dict) -> dict:
    """Per code and pooled: percent agreement, kappa and alpha between the validation's coder and the machine
    (each code's chosen method at its threshold, held-out scores), in the shape `workbench agreement` prints."""
    import numpy as np

    from workbench.coding.agreement import code_statistics, cohen_kappa, krippendorff_alpha, percent_agreement
    from workbench.store.documents import list_documents

    results = validation["results"]
    n = len(results["segment_ids"])
    per_code, pooled_a, pooled_b = [], [], []
    for code_id, entry in results["codes"].items():
        a, b = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        a[entry["positives"]] = True
        b[entry["predicted"]] = True
        per_code.append({"code": code_id, "label": entry["label"], **code_statistics(a, b),
                         "disagreements": int((a != b).sum()), "method": entry["method"],
                         "threshold": entry["threshold"], "passed": entry["passed"]})
        pooled_a.append(a)
        pooled_b.append(b)
    a, b = (np.concatenate(x) if x else np.zeros(0, dtype=bool) for x in (pooled_a, pooled_b))

    def mean(key):
        values = [c[key] for c in per_code if c[key] is not None]
        return float(np.mean(values)) if values else None

    documents = results["document_ids"]
    titles = {d["id"]: d["title"] for d in list_documents(db)}
    return {"coder_a": validation["coder"], "coder_b": MACHINE, "unit": "segment", "with_subcodes": True,
            "skip_uncoded": False, "documents": documents, "document_titles": [titles.get(d, str(d)) for d in documents],
            "units": n, "codes": per_code, "validation": validation["id"],
            "overall": {"n": len(a), "percent_agreement": percent_agreement(a, b), "kappa": cohen_kappa(a, b),
                        "alpha": krippendorff_alpha(a, b), "mean_kappa": mean("kappa"), "mean_alpha": mean("alpha"),
                        "disagreements": int(sum(c["disagreements"] for c in per_code))},
            "disagreements": []}
