"""Stories: articles from different outlets about one news event.

An article is described by a weighted bag of its words, names and numbers
(:func:`describe`). Word weights come from how rare the word is in English at
large (wordfreq's Zipf frequency: ``the`` weighs nothing, ``Klitschko`` a lot),
so no corpus statistics are needed and a new article is weighed the same way
on the first day as after a million. Names (capitalised words inside a
sentence) and numbers count double: they are what tells two same-kind events
apart (two pirate attacks, two tariff rounds).

A story keeps the sum of its articles' vectors. A new article joins the story
whose vector is most similar (cosine) to its own, if that similarity reaches
``JOIN`` and their dates are at most ``MAX_DAYS`` apart. Candidates are only
the stories sharing at least one of the article's ``KEYS`` heaviest terms (an
inverted index, stored in a table), so the lookup does not grow with the store.

:class:`StoryClusterer` runs the same decision in memory (for evaluation on
ECB+). Storage does not use it yet: each new article is still a story of its
own until it does (see the README's Deduplication section for the figures).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from wordfreq import zipf_frequency

__all__ = [
    "JOIN",
    "KEYS",
    "MAX_DAYS",
    "Description",
    "StoryClusterer",
    "StoryState",
    "describe",
    "joins",
    "similarity",
]

# tuned on ECB+ topics 1-17 (B-cubed F1 0.851), checked on topics 18-35 (0.873)
JOIN = 0.25  # cosine similarity to join a story
KEYS = 8  # heaviest terms used as lookup keys
MAX_DAYS = 60  # articles more days apart than this are about different events
VECTOR_TERMS = 80  # terms kept per vector

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|\d[\d,.]*\d|\d")
_SENTENCE_START = re.compile(r"(?:^|[.!?\"“”]\s+|\n)$")


@lru_cache(maxsize=200_000)
def _rarity(word: str) -> float:
    return max(0.3, 7.0 - zipf_frequency(word, "en"))


@dataclass(frozen=True, slots=True)
class Description:
    """What story matching reads of an article."""

    vector: Mapping[str, float]  # L2-normalised term weights
    keys: tuple[int, ...]  # 64-bit keys of the heaviest terms
    published: datetime | None


def _terms(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        if token[0].isdigit():
            if len(token) >= 2:
                counts["#" + token.rstrip(".,")] += 2
            continue
        low = token.lower()
        if len(low) < 3:
            continue
        name = token[0].isupper() and not _SENTENCE_START.search(text[max(0, m.start() - 3) : m.start()])
        counts[low] += 2 if name else 1
    return counts


def _key(term: str) -> int:
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "big", signed=True)


def describe(title: str | None, text: str, published: datetime | None = None) -> Description:
    """The weighted terms, lookup keys and date of an article."""
    counts = _terms(f"{title}\n{text}" if title else text)
    if title:
        counts.update(_terms(title))  # the headline says what the story is
    weights = {t: (1 + math.log(c)) * (_rarity(t) if t[0] != "#" else 3.0) for t, c in counts.items()}
    top = sorted(weights.items(), key=lambda kv: -kv[1])[:VECTOR_TERMS]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    vector = {t: w / norm for t, w in top}
    keys = tuple(_key(t) for t, _ in top[:KEYS])
    return Description(vector, keys, published)


def similarity(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine similarity of two term vectors (``b`` need not be normalised)."""
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    norm = math.sqrt(sum(w * w for w in b.values())) or 1.0
    return dot / norm


@dataclass(slots=True)
class StoryState:
    """What a story keeps to be matched: its summed vector and its dates."""

    id: int
    vector: dict[str, float] = field(default_factory=dict)
    first: datetime | None = None
    last: datetime | None = None

    def add(self, d: Description) -> None:
        for t, w in d.vector.items():
            self.vector[t] = self.vector.get(t, 0.0) + w
        if len(self.vector) > 4 * VECTOR_TERMS:  # keep the heaviest terms only
            self.vector = dict(sorted(self.vector.items(), key=lambda kv: -kv[1])[: 2 * VECTOR_TERMS])
        if d.published is not None:
            self.first = d.published if self.first is None else min(self.first, d.published)
            self.last = d.published if self.last is None else max(self.last, d.published)


def _apart(d: Description, s: StoryState) -> bool:
    if d.published is None or s.first is None or s.last is None:
        return False
    return max((s.first - d.published).days, (d.published - s.last).days) > MAX_DAYS


def joins(d: Description, candidates: Iterable[StoryState]) -> StoryState | None:
    """The story ``d`` belongs to among ``candidates``, or None for a new one."""
    best: tuple[float, StoryState] | None = None
    for s in candidates:
        if _apart(d, s):
            continue
        score = similarity(d.vector, s.vector)
        if score >= JOIN and (best is None or score > best[0]):
            best = (score, s)
    return None if best is None else best[1]


class StoryClusterer:
    """Online story clustering in memory, with the inverted index of keys."""

    def __init__(self) -> None:
        self.stories: list[StoryState] = []
        self._index: dict[int, list[int]] = {}
        self.compared = 0

    def add(self, d: Description) -> int:
        ids = {i for k in d.keys for i in self._index.get(k, ())}
        candidates = [self.stories[i] for i in sorted(ids)]
        self.compared += len(candidates)
        story = joins(d, candidates)
        if story is None:
            story = StoryState(len(self.stories))
            self.stories.append(story)
        story.add(d)
        for k in d.keys:
            ids_for_key = self._index.setdefault(k, [])
            if not ids_for_key or ids_for_key[-1] != story.id:
                ids_for_key.append(story.id)
        return story.id
