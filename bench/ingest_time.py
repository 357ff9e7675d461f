"""Whole ingests timed with whichever workbench comes first on the path, to compare two revisions fairly.

Run (old = the committed revision, unpacked beside; new = the working tree):

    git archive HEAD | tar -x -C /tmp/old_tree
    .venv/bin/python -c "import sys; sys.path.insert(0, 'bench'); from ingest_pdf import make_pdf; \\
        from pathlib import Path; make_pdf(Path('/tmp/p200.pdf'), 200)"
    .venv/bin/python -c "import sys; sys.path.insert(0, 'bench'); import synthetic; from pathlib import Path; \\
        synthetic.write_corpus(Path('/tmp/synth'), 10000, seed=1, words=(200, 2000)).rename('/tmp/synth.csv')"
    PYTHONPATH=/tmp/old_tree .venv/bin/python bench/ingest_time.py /tmp/p200.pdf --runs 3
    .venv/bin/python bench/ingest_time.py /tmp/p200.pdf --runs 3
    (the same with /tmp/synth and --runs 2)

Each run ingests PATH into a fresh temporary project with one worker and prints the best time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import workbench
    from workbench.project import Project

    best, outcomes = float("inf"), []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            with Project(Path(tmp) / "p.db") as project:
                outcomes = project.documents.ingest([args.path], workers=1)
            best = min(best, time.perf_counter() - started)
    print(f"{Path(workbench.__file__).parents[1]}: {args.path.name}, best of {args.runs}: {best:.2f} s "
          f"({len(outcomes)} files, {sum(o.segments for o in outcomes)} segments)")


if __name__ == "__main__":
    sys.exit(main())
