"""Extraction throughput on one core: the seeds repeated to N articles.

Prints articles per second for cleaning + signal extraction (the per-article CPU
work of the process stage), and the same for cleaning alone, in one run.
Usage: python bench/extraction.py [N]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from extractors.cleaning import clean_text
from extractors.signals import extract_mentions


def main(n: int = 10_000) -> None:
    seeds = [p.read_text() for p in sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))]
    corpus = [seeds[i % len(seeds)] for i in range(n)]
    extract_mentions(clean_text(seeds[0]))  # warm the gazetteers and regexes

    t0 = time.perf_counter()
    cleaned = [clean_text(t) for t in corpus]
    t1 = time.perf_counter()
    events = sum(len(extract_mentions(t)) for t in cleaned)
    t2 = time.perf_counter()
    print(f"articles: {n}, events found: {events}")
    print(f"cleaning:            {n / (t1 - t0):8.0f} articles/s")
    print(f"signals:             {n / (t2 - t1):8.0f} articles/s")
    print(f"cleaning + signals:  {n / (t2 - t0):8.0f} articles/s  (target >= 500)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
