"""Extraction throughput on one core: the seeds repeated to N articles.

Prints articles per second for cleaning, for signal extraction, and for both
(the per-article CPU work of the process stage). Each stage runs ROUNDS times
over the whole corpus and the fastest round counts: on a shared machine noise
only ever adds time. Each article is read with a date, as the process stage
reads it (the dateline reads its time expressions against it).
Usage: python bench/extraction.py [N] [ROUNDS]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from extractors.cleaning import clean_text
from extractors.signals import extract_mentions

PUBLISHED = date(2018, 5, 14)  # the seeds' week (000: "China said Monday ...")


def _fastest(rounds: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - t0)
    return best


def main(n: int = 10_000, rounds: int = 3) -> None:
    seeds = [p.read_text() for p in sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))]
    corpus = [seeds[i % len(seeds)] for i in range(n)]
    extract_mentions(clean_text(seeds[0]), published=PUBLISHED)  # warm the gazetteers and regexes
    cleaned = [clean_text(t) for t in corpus]

    def clean_all() -> None:
        for text in corpus:
            clean_text(text)

    def extract_all() -> None:  # results are dropped as they come, as the process stage stores them
        for text in cleaned:
            extract_mentions(text, published=PUBLISHED)

    t_clean = _fastest(rounds, clean_all)
    t_signals = _fastest(rounds, extract_all)
    found = sum(len(extract_mentions(t, published=PUBLISHED)) for t in cleaned[: len(seeds)])
    events = found * n // len(seeds)
    print(f"articles: {n}, events found: {events}, fastest of {rounds} rounds")
    print(f"cleaning:            {n / t_clean:8.0f} articles/s")
    print(f"signals:             {n / t_signals:8.0f} articles/s")
    print(f"cleaning + signals:  {n / (t_clean + t_signals):8.0f} articles/s  (target >= 500)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
