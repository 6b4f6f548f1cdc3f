"""Signal extraction on a run of text with no sentence end (a page's table or
list, a tariff schedule), read in pieces of at most ``MAX_SENTENCE``
characters as extraction reads it, and read whole as it was before
(``extractors.signals.candidates.MAX_SENTENCE``).

Prints seconds for runs of growing length both ways and the ratio: read
whole, the time grows with the square of the length (the readers look
through the whole sentence around each trigger); in pieces, with the length.
Usage: python bench/long_runs.py [MAX_REPEATS]
"""

from __future__ import annotations

import sys
import time
from datetime import date

from extractors.signals import candidates, extract_mentions

UNIT = "China tariffs on U.S. goods "


def _seconds(text: str) -> float:
    t0 = time.perf_counter()
    extract_mentions(text, published=date(2019, 5, 10))
    return time.perf_counter() - t0


def main(most: int = 4000) -> None:
    extract_mentions(UNIT, published=date(2019, 5, 10))  # warm the gazetteers and regexes
    cap = candidates.MAX_SENTENCE
    n = 500
    while n <= most:
        text = UNIT * n
        pieces = _seconds(text)
        candidates.MAX_SENTENCE = len(text)  # read whole
        try:
            whole = _seconds(text)
        finally:
            candidates.MAX_SENTENCE = cap
        print(
            f"{len(text):>8,} characters: in pieces {pieces:6.2f} s, whole {whole:6.2f} s,"
            f" ratio {whole / pieces:5.1f}"
        )
        n *= 2


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
