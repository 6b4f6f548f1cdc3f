"""Signal extraction's CPU instructions per article, counted by valgrind.

Wall-clock and CPU time on this shared machine move by a third from one run to
the next (docs/BENCHMARKS.md), more than most changes to the extractor gain or
lose. The number of instructions a run executes does not depend on the
neighbours: callgrind counts them, the same to within 0.4% from run to run
(with a fixed hash seed). An article's count is the difference between a run
of 36 passes over the seeds and one of 4, divided by the 160 articles between
them, so that start-up and the first look-ups (regexes, gazetteers) drop out
and a run's own spread (about 10 M instructions) moves it by under 0.1 M.
Each article is read with a date, as the process stage reads it (its time
expressions are read against it: :mod:`extractors.signals.dateline`); a
revision from before the dateline, whose ``extract_mentions`` takes no date,
reads it without one.

With a git revision, the same count for that revision (checked out in a
temporary worktree) and the ratio of the two: the speed-up of the working tree
over it, measured in one run.

Usage: python bench/instructions.py [REVISION]
Needs valgrind (Debian: apt-get install valgrind); about three minutes per tree.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSES = (4, 36)
RUN = """
import inspect
import sys
from datetime import date
from pathlib import Path
from extractors.cleaning import clean_text
from extractors.signals import extract_mentions
seeds = [clean_text(p.read_text()) for p in sorted(Path("seeds").glob("*.txt"))]
# revisions before the dateline (2026-12-01) read no date: their extract_mentions takes none
takes_a_date = "published" in inspect.signature(extract_mentions).parameters
dated = {"published": date(2018, 5, 14)} if takes_a_date else {}
for _ in range(int(sys.argv[1])):
    for text in seeds:
        extract_mentions(text, **dated)
"""


def _instructions(tree: Path, passes: int) -> int:
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(tree)}
    valgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    done = subprocess.run(
        [*valgrind, sys.executable, "-c", RUN, str(passes)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def per_article(tree: Path) -> float:
    seeds = len(list((tree / "seeds").glob("*.txt")))
    low, high = (_instructions(tree, n) for n in PASSES)
    return (high - low) / ((PASSES[1] - PASSES[0]) * seeds)


def main(revision: str | None = None) -> None:
    if shutil.which("valgrind") is None:
        sys.exit("bench/instructions.py needs valgrind (apt-get install valgrind)")
    here = per_article(ROOT)
    print(f"working tree: {here / 1e6:8.2f} M instructions per article")
    if revision is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        other = Path(tmp) / "tree"
        add = ["git", "worktree", "add", "--detach", "-q", str(other), revision]
        subprocess.run(add, cwd=ROOT, check=True)
        try:
            there = per_article(other)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(other)], cwd=ROOT, check=True)
    print(f"{revision}: {there / 1e6:8.2f} M instructions per article")
    print(f"ratio {revision} / working tree: {there / here:.3f} (above 1: the working tree runs fewer)")


if __name__ == "__main__":
    main(*sys.argv[1:2])
