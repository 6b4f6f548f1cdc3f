"""Gazetteers kept as data files: actors (``countries.tsv`` for the world,
``actors.json`` for the main players with their officials and institutions),
companies and products, compiled once into longest-match regexes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib import resources

from .patterns import WORD_CHAR, Caseless

__all__ = ["Gazetteer", "Match", "gazetteer", "topic_names"]


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    value: str  # the canonical code or name


def _trie_pattern(forms: list[str]) -> str:
    """One regex alternation shaped as a trie of ``forms``: the engine follows
    shared prefixes once instead of trying a thousand alternatives at every
    position. Longer forms come first at each branch, so the longest match wins
    (``South Sudan`` over ``South``) as long as it ends on a word boundary."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        branches.sort(key=len, reverse=True)
        # a form may end here; then the longer branches are tried first
        if "" in node:
            return f"(?:{'|'.join(branches)})?" if branches else ""
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return build(trie)


CONTEXT = "?"
"""The value of an actor form that stands for whichever country its context names
(``the commerce ministry``)."""


class _Index:
    """A longest-match index of surface forms to canonical values."""

    def __init__(self, forms: dict[str, str], *, ignore_case: bool, not_before: str = "") -> None:
        self._ignore_case = ignore_case
        self._forms = {(k.lower() if ignore_case else k): v for k, v in forms.items()}
        # no look-behind in front: it would stop the regex engine from skipping
        # ahead to a possible first character (3x slower); find() checks it.
        # ``not_before``: what may not follow a form for it to count
        pattern = (
            rf"(?:{_trie_pattern(list(self._forms))})(?![\w]){f'(?!{not_before})' if not_before else ''}"
        )
        self._regex: re.Pattern[str] | Caseless = Caseless(pattern) if ignore_case else re.compile(pattern)

    def find(self, text: str) -> list[Match]:
        out = []
        regex = self._regex
        search = regex.scanner(text) if isinstance(regex, Caseless) else partial(regex.search, text)
        pos = 0
        while (m := search(pos)) is not None:
            start = m.start()
            if start and WORD_CHAR.match(text, start - 1):  # inside a word: look on
                pos = start + 1
                continue
            key = m.group(0).lower() if self._ignore_case else m.group(0)
            out.append(Match(start, m.end(), self._forms[key]))
            pos = m.end()
        return out


def _read(name: str) -> str:
    return resources.files("extractors").joinpath(f"data/{name}").read_text("utf-8")


def _words(text: str) -> list[str]:
    """The non-comment lines of a one-word-per-line list."""
    return [w for line in text.splitlines() if (w := line.strip()) and not w.startswith("#")]


def currency_after(words: list[str]) -> str:
    """What follows a country's name that makes it a currency, not an actor
    ("34 billion U.S. dollars", "Chinese yuan"): one of ``words``
    (``data/currencies.txt``), after an optional full stop."""
    return rf"\.?\s+(?:{'|'.join(sorted(map(re.escape, words), key=len, reverse=True))})\b"


def _aliases(text: str) -> dict[str, str]:
    forms: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, _, rest = line.partition("\t")
        variants = rest.partition("\t")[0]
        canonical = canonical.strip()
        forms[canonical] = canonical
        for variant in filter(None, (v.strip() for v in variants.split("|"))):
            forms[variant] = canonical
    return forms


@dataclass(frozen=True)
class Gazetteer:
    actors: _Index
    companies: _Index
    products: _Index
    company_home: dict[str, str]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    actor_data = json.loads(_read("actors.json"))
    actor_forms = {
        form: code
        for line in _read("countries.tsv").splitlines()
        if line.strip() and not line.startswith("#")
        for code, _, forms in [line.partition("\t")]
        for form in forms.split("|")
        if form.strip()
    }
    # the main players, with their officials and institutions, take precedence
    actor_forms.update(
        {form: code for code, forms in actor_data.items() if not code.startswith("_") for form in forms}
    )
    # institutions every government has: which one is for the reader (signals) to resolve
    actor_forms.update({form: CONTEXT for form in actor_data["_context"]})
    companies = _read("companies.txt")
    homes = {
        parts[0].strip(): parts[2].strip()
        for parts in (line.split("\t") for line in companies.splitlines())
        if len(parts) > 2 and not parts[0].startswith("#")
    }
    currency = currency_after(_words(_read("currencies.txt")))
    return Gazetteer(
        actors=_Index(actor_forms, ignore_case=False, not_before=currency),
        companies=_Index(_aliases(companies), ignore_case=False),
        products=_Index(_aliases(_read("products.txt")), ignore_case=True),
        company_home=homes,
    )


@lru_cache(maxsize=1)
def topic_names() -> frozenset[str]:
    """The words of every actor's names (countries, their demonyms, capitals,
    officials and institutions), lower case: what every article of a trade
    monitor is about, so story matching reads them as ordinary words
    (:func:`extractors.stories.describe`)."""
    actor_data = json.loads(_read("actors.json"))
    forms = [
        form
        for line in _read("countries.tsv").splitlines()
        if line.strip() and not line.startswith("#")
        for form in line.partition("\t")[2].split("|")
    ]
    forms += [form for code, names in actor_data.items() if not code.startswith("_") for form in names]
    words = set()
    for form in forms:
        for word in re.split(r"[\s-]+", form.lower().replace(".", "").replace("\u2019", "'")):
            word = word.removesuffix("'s").strip("'")
            if word:
                words.add(word)
    return frozenset(words)
