"""Copies of one text: canonical URLs and near-duplicate fingerprints.

The first level of deduplication is copies; the third, events, is at the end
(:func:`compatible`, :func:`same_measure`). Three signals say that two items
are one article:

* the same normalised text (``articles.content_hash``);
* the same canonical URL: :func:`canonical_url` drops tracking parameters
  (``utm_*``, ``fbclid``...), the fragment and letter case in the host, and
  sorts the query (courlan's normalisation);
* nearly the same text (a changed headline, a dropped paragraph, a different
  byline): the MinHash of the word 5-grams (datasketch) estimates the Jaccard
  similarity of two texts; at or above :data:`COPY_THRESHOLD` they are copies.

Candidate copies are found without comparing against everything stored:
:func:`fingerprint` cuts the signature into bands, and texts sharing a band key
are the only candidates (locality-sensitive hashing; the keys live in an
indexed table, so the lookup works across processes). With 42 bands of 3 rows,
a pair at Jaccard 0.5 shares a band with probability 0.996, a pair at 0.2 with
0.29 and unrelated texts (about 0.02) with 0.0003; every candidate is then checked
on its whole signature.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import numpy as np
from courlan import normalize_url

from .models import EventLike
from .vocabulary import PAIRED_TYPES, is_company

__all__ = [
    "BANDS",
    "COPY_THRESHOLD",
    "NUM_PERM",
    "ROWS",
    "EventLike",
    "Fingerprint",
    "canonical_url",
    "compatible",
    "fingerprint",
    "same_measure",
    "similarity",
]

NUM_PERM = 128
BANDS = 42
ROWS = 3
SHINGLE = 5
# measured with bench/copies.py: 97.9% of edited copies of 758 real articles score
# at least 0.5; of 4,288 pairs of different articles on one ECB+ story, 0.56% do,
# and those 24 are syndicated wire copies (AP text on two sites): copies indeed
COPY_THRESHOLD = 0.5
_SEED = 1

_WORD = re.compile(r"\w+")


def canonical_url(url: str | None) -> str | None:
    """``url`` without tracking parameters, fragment or case in the host; the
    query sorted. ``None`` for a missing or unusable URL."""
    if not url:
        return None
    try:
        normal = normalize_url(url.strip())
    except ValueError:
        return None
    parts = urlsplit(normal)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A text's MinHash signature and its LSH band keys."""

    signature: bytes  # NUM_PERM unsigned 32-bit hash values
    bands: tuple[int, ...]  # BANDS signed 64-bit keys (they fit a BIGINT column)


def _shingles(text: str) -> list[bytes]:
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if len(words) < SHINGLE:
        return [" ".join(words).encode()] if words else []
    return [" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)]


def fingerprint(text: str) -> Fingerprint:
    """The MinHash of ``text``'s word 5-grams, with its band keys."""
    from datasketch import MinHash  # here, not at the top: it imports scipy (0.6 s), which reads need not

    m = MinHash(num_perm=NUM_PERM, seed=_SEED)
    m.update_batch(_shingles(text))
    values = m.hashvalues.astype(np.uint32)
    bands = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        bands.append(int.from_bytes(digest, "big", signed=True))
    return Fingerprint(values.tobytes(), tuple(bands))


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two texts from their signatures."""
    x = np.frombuffer(a, dtype=np.uint32)
    y = np.frombuffer(b, dtype=np.uint32)
    if x.shape != y.shape:
        raise ValueError("signatures of different lengths")
    return float(np.count_nonzero(x == y)) / len(x)


# --- events -------------------------------------------------------------------


def _agree(a: float | None, b: float | None) -> bool:
    return a is None or b is None or a == b


def _details(e: EventLike) -> set[str]:
    values = (("from", e.rate_from), ("to", e.rate_to), ("usd", e.amount_usd))
    return {name for name, value in values if value is not None}


def compatible(new: EventLike, stored: EventLike) -> bool:
    """``new`` and ``stored`` state one event, one with more details than the other:
    same type, action, actor and target, no rate or amount that differs, and the
    details of one among those of the other (``tariffs on $50 billion`` and ``25%
    tariffs on $50 billion``; not ``a $150 billion threat`` and ``a 200% threat``,
    which nothing shows to be one)."""
    a, b = _details(new), _details(stored)
    return (
        (new.type, new.action, new.actor, new.target)
        == (stored.type, stored.action, stored.actor, stored.target)
        and _agree(new.rate_from, stored.rate_from)
        and _agree(new.rate_to, stored.rate_to)
        and _agree(new.amount_usd, stored.amount_usd)
        and (a <= b or b <= a)
    )


def same_measure(new: EventLike, stored: EventLike) -> bool:
    """``new`` is a change of state of the measure ``stored`` is about (threatened →
    imposed, 10% → 25%, imposed → delayed): the same type, actor and target, and
    something that ties the two: the same amount of goods, goods in common, the
    new rate starting from the old one, or one named company under sanction;
    talks between the same two parties are one thread."""
    if (new.type, new.actor, new.target) != (stored.type, stored.actor, stored.target):
        return False
    if new.type in PAIRED_TYPES:
        return True
    if new.type == "sanction" and is_company(new.target):
        return True  # a company: "ZTE"
    if new.amount_usd is not None and stored.amount_usd is not None:
        return new.amount_usd == stored.amount_usd
    if new.products and stored.products:
        return bool(set(new.products) & set(stored.products))
    return new.rate_from is not None and new.rate_from == stored.rate_to
