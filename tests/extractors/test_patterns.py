"""Caseless patterns find what ``re.IGNORECASE`` finds, at the same offsets."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractors import cleaning
from extractors.patterns import Caseless
from extractors.signals import attributes, candidates, classification, roles, rules
from extractors.signals.cues import Trigger


def _caseless_in(module: object) -> Iterator[tuple[str, Caseless]]:
    for name, value in vars(module).items():
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            parts = item if isinstance(item, tuple) else (item,)
            for part in parts:
                if isinstance(part, Trigger):
                    part = part.pattern
                if isinstance(part, Caseless):
                    yield f"{name}[{i}]", part


def _all_caseless() -> list[tuple[str, Caseless]]:
    furniture = cleaning._patterns()
    stages = (candidates, attributes, classification, roles, rules)
    found = [*(c for module in stages for c in _caseless_in(module)), *_caseless_in(cleaning)]
    return [*found, ("furniture.line", furniture.line), ("furniture.tail", furniture.tail)]


@pytest.fixture
def real_text(seeds_dir: Path, corpora_dir: Path) -> list[str]:
    stories = (corpora_dir / "ecbplus-dev" / "stories.jsonl").read_text("utf-8").splitlines()
    texts = [p.read_text("utf-8") for p in sorted(seeds_dir.iterdir())]
    texts += [json.loads(line)["text"] for line in stories[:150]]
    # upper case, mixed case, and a character whose lower case is longer (İ → i̇)
    texts += [t.upper() for t in texts[:5]] + ["İstanbul TARIFFS Imposed On Steel; the U.S. Sanctions ZTE."]
    return texts


def test_the_modules_use_caseless_patterns() -> None:
    assert len(_all_caseless()) >= 40


def test_caseless_matches_what_ignorecase_matches(real_text: list[str]) -> None:
    for name, pattern in _all_caseless():
        reference = re.compile(pattern.pattern, re.IGNORECASE)
        for text in real_text:
            got = [m.span() for m in pattern.finditer(text)]
            want = [m.span() for m in reference.finditer(text)]
            assert got == want, (name, text[:60])
            first = pattern.search(text)
            assert (first and first.span()) == (want[0] if want else None), (name, text[:60])
            # a scanner lower-cases once and searches from each place asked
            scan = pattern.scanner(text)
            for span in want[:3]:
                again = scan(span[0])
                assert again is not None and again.span() == span, (name, text[:60])


def test_offsets_index_the_text_passed_in() -> None:
    pattern = Caseless(r"\btariffs?\b")
    for text in ["New TARIFFS", "İİ tariff on İzmir", "ΣΑΣ Tariff"]:
        m = pattern.search(text)
        assert m is not None
        assert text[m.start() : m.end()].lower().startswith("tariff")


def test_sub_keeps_the_case_of_the_rest() -> None:
    assert Caseless(r"\bcould\s+").sub("", "Tariffs COULD rise, Beijing said") == "Tariffs rise, Beijing said"


@pytest.mark.parametrize("source", [r"\bUSMCA\b", r"[A-Z]\w+", r"(?:Tariff)"])
def test_a_pattern_with_upper_case_is_refused(source: str) -> None:
    with pytest.raises(ValueError, match="lower case"):
        Caseless(source)


def test_escapes_in_upper_case_are_not_letters() -> None:
    pattern = Caseless(r"\S+\s\W+\D\B")
    assert pattern.search("AB ,1") is None
    assert pattern.findall("Tariff ,,xy") == ["tariff ,,x"]
