"""Gazetteers kept as data files: actors (countries, blocs and who stands for
them), companies and products, compiled once into longest-match regexes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Gazetteer", "Match", "gazetteer"]


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    value: str  # the canonical code or name


class _Index:
    """A longest-match index of surface forms to canonical values."""

    def __init__(self, forms: dict[str, str], *, ignore_case: bool) -> None:
        self._ignore_case = ignore_case
        self._forms = {(k.casefold() if ignore_case else k): v for k, v in forms.items()}
        alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
        flags = re.IGNORECASE if ignore_case else 0
        self._regex = re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", flags)

    def find(self, text: str) -> list[Match]:
        out = []
        for m in self._regex.finditer(text):
            key = m.group(0).casefold() if self._ignore_case else m.group(0)
            out.append(Match(m.start(), m.end(), self._forms[key]))
        return out


def _read(name: str) -> str:
    return resources.files("extractors").joinpath(f"data/{name}").read_text("utf-8")


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
        form: code for code, forms in actor_data.items() if not code.startswith("_") for form in forms
    }
    companies = _read("companies.txt")
    homes = {
        parts[0].strip(): parts[2].strip()
        for parts in (line.split("\t") for line in companies.splitlines())
        if len(parts) > 2 and not parts[0].startswith("#")
    }
    return Gazetteer(
        actors=_Index(actor_forms, ignore_case=False),
        companies=_Index(_aliases(companies), ignore_case=False),
        products=_Index(_aliases(_read("products.txt")), ignore_case=True),
        company_home=homes,
    )
