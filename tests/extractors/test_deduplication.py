"""Copies: canonical URLs and MinHash near-duplicates on real article text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extractors.deduplication import (
    BANDS,
    COPY_THRESHOLD,
    NUM_PERM,
    canonical_url,
    compatible,
    fingerprint,
    same_measure,
    similarity,
)
from extractors.models import Mention


@pytest.mark.parametrize(
    ("url", "want"),
    [
        (
            "https://WWW.Example.com/world/story.html?utm_source=rss&utm_medium=feed&fbclid=x#comments",
            "https://www.example.com/world/story.html",
        ),
        ("https://example.com/a?b=2&a=1&gclid=9", "https://example.com/a?a=1&b=2"),
        ("https://example.com", "https://example.com/"),
        ("not a url", None),
        ("", None),
        (None, None),
    ],
)
def test_canonical_url(url: str | None, want: str | None) -> None:
    assert canonical_url(url) == want


def _seeds(seeds_dir: Path) -> list[str]:
    return [p.read_text("utf-8") for p in sorted(seeds_dir.glob("*.txt"))]


def test_an_edited_copy_is_a_near_duplicate_and_shares_a_band(seeds_dir: Path) -> None:
    text = _seeds(seeds_dir)[0]
    paras = text.split("\n")
    edited = "\n".join(["A new headline for the syndicated copy", *paras[1:5], *paras[6:]])
    edited += "\nReporting by the wire desk; editing by someone else."
    a, b = fingerprint(text), fingerprint(edited)
    assert similarity(a.signature, b.signature) >= COPY_THRESHOLD
    assert set(a.bands) & set(b.bands)


def test_different_articles_on_one_story_are_not_copies(seeds_dir: Path) -> None:
    seeds = _seeds(seeds_dir)
    # 000 and 002 tell one story (AP and Nikkei): a story, not a copy
    a, b = fingerprint(seeds[0]), fingerprint(seeds[2])
    assert similarity(a.signature, b.signature) < 0.2
    prints = [fingerprint(t) for t in seeds]
    assert all(
        similarity(x.signature, y.signature) < 0.2 for i, x in enumerate(prints) for y in prints[i + 1 :]
    )


def test_a_fingerprint_has_its_shape() -> None:
    fp = fingerprint("China imposed tariffs on soybeans.")
    assert len(fp.signature) == NUM_PERM * 4 and len(fp.bands) == BANDS
    assert all(-(2**63) <= band < 2**63 for band in fp.bands)
    assert fingerprint("") == fingerprint("   ")


def test_fingerprints_are_the_same_in_another_process() -> None:
    """Band keys are stored and compared across processes and releases of Python."""
    code = (
        "from extractors.deduplication import fingerprint; "
        "print(fingerprint('tariffs on steel imports').bands)"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert other.stdout.strip() == str(fingerprint("tariffs on steel imports").bands)


def test_signatures_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="lengths"):
        similarity(b"\x00" * 8, b"\x00" * 12)


def _m(action: str = "threatened", **kw: object) -> Mention:
    fields: dict[str, object] = dict(type="tariff", action=action, actor="US", target="CN", key="k")
    fields.update(kw)
    return Mention(**fields)  # type: ignore[arg-type]


def test_one_event_told_with_more_or_fewer_details_is_compatible() -> None:
    assert compatible(_m(amount_usd=50e9), _m(amount_usd=50e9, rate_to=25.0))
    assert compatible(_m(amount_usd=50e9, rate_to=25.0), _m())
    assert not compatible(_m(amount_usd=50e9), _m(amount_usd=200e9))  # another list of goods
    assert not compatible(_m(amount_usd=150e9), _m(rate_to=200.0))  # nothing shows them to be one
    assert not compatible(_m("imposed"), _m("threatened"))


def test_a_change_of_state_needs_something_that_ties_it_to_the_measure() -> None:
    assert same_measure(_m("imposed", amount_usd=50e9), _m(amount_usd=50e9))
    assert same_measure(_m("imposed", products=("steel",)), _m(products=("steel", "aluminum")))
    assert same_measure(_m("increased", rate_from=10.0, rate_to=25.0), _m("imposed", rate_to=10.0))
    assert not same_measure(_m("imposed"), _m())  # two US tariffs on China, nothing more
    zte = dict(type="sanction", target="ZTE")
    assert same_measure(_m("eased", **zte), _m("imposed", **zte))
