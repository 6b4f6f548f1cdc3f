"""What the rules read a sentence for: the article's sentences and context,
the triggers that open a candidate, and :class:`Found`, one reading.

- :func:`split_sentences` (blingfire) splits the text; the rules read each
  sentence, clause by clause (at ``;``).
- A *trigger* (``tariffs``, ``duties``; ``sanctions``, ``banned``, ``export
  controls``, ``entity list``...; ``talks``; ``signed a deal``: the ``[trigger]``
  and ``[[sanction_trigger]]`` entries of ``data/signals.toml``) opens a
  candidate; its literal stems let a sentence holding none of them pass without
  running any pattern (:func:`live_triggers`).
- :func:`window_around` is the run of words around a trigger, cut at
  subordinate-clause markers (``because``, ``after``, ``, which``...), where the
  verb, the actor and the object are looked for.
- :class:`Article` is what the rules keep across an article's sentences: its
  two main countries, whether it is a trade story, the last company named.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import blingfire

from ..gazetteer import CONTEXT, Match, gazetteer
from ..patterns import WORD_CHAR
from .cues import Trigger, cues

__all__ = [
    "SANCTION_TRIGGERS",
    "TRIGGERS",
    "Article",
    "Found",
    "Window",
    "actor_codes",
    "live_triggers",
    "names_goods",
    "split_sentences",
    "stems_in",
    "window_around",
]

_CUES = cues()
_TRADE_WORDS = _CUES.cue("trade_words")
_OBJECT_NOUN = _CUES.cue("object_noun")
# words that open a new clause: the window around a trigger stops there
_BEFORE_CUT = _CUES.cue("before_cut")
_AFTER_CUT = _CUES.cue("after_cut")


_TARIFF = _CUES.trigger("tariff")


# (pattern, inherent action or None when the verb must be found around it)
SANCTION_TRIGGERS = _CUES.sanction_triggers()


_TALKS = _CUES.trigger("talks")


_DEAL = _CUES.trigger("deal")


_BARE_DEAL = _CUES.trigger("bare_deal")


_DEADLINE = _CUES.trigger("deadline")


_EXEMPTION = _CUES.trigger("exemption")


_INVESTIGATION = _CUES.trigger("investigation")


_PREFERENCES = _CUES.trigger("preferences")


_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?…。]")
# the last item of a list before its serial comma: ", diapers" in "formula, diapers, and seats"
_LIST_ITEM = re.compile(r",\s*[\w'-]+(?:\s+[\w'-]+){0,2}$")
_SERIAL_AND = re.compile(r",\s*and\b")


MAX_SENTENCE = 3000
"""The most characters read as one sentence. The readers look around each
trigger through the whole sentence, so their time grows with its length
times its triggers: a run with no sentence end (a page's table or list, a
tariff schedule) of 112 KB took 90 s to read whole and 2.0 s in pieces
(``python bench/long_runs.py``, 2026-12-03). Longer runs are
read in pieces cut at a space; the longest sentence of the 888 trade-news
articles is 2,688 characters, of the fundus and ECB+ texts 819."""


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; paragraphs (lines) never share a sentence. A
    paragraph with no sentence end before its last character (a title, a
    byline, a caption) is one sentence as it stands: the sentence breaker,
    a call through ctypes, is asked only about the others (the same sentences
    over the 888 trade-news articles, 832 fundus and ECB+ texts and the seeds).
    None is longer than :data:`MAX_SENTENCE`."""
    out: list[str] = []
    for para in text.split("\n"):
        para = para.strip()
        if not para:
            continue
        if _SENTENCE_END.search(para, 0, len(para) - 1) is None:
            out.extend(_pieces(para))
        else:
            for s in blingfire.text_to_sentences(para).split("\n"):
                if s.strip():
                    out.extend(_pieces(s))
    return out


def _pieces(sentence: str) -> list[str]:
    """``sentence``, or pieces of it of at most :data:`MAX_SENTENCE`
    characters, cut at the last space before the limit (or at the limit)."""
    if len(sentence) <= MAX_SENTENCE:
        return [sentence]
    out = []
    rest = sentence
    while len(rest) > MAX_SENTENCE:
        cut = rest.rfind(" ", 1, MAX_SENTENCE + 1)
        cut = cut if cut > 0 else MAX_SENTENCE
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        out.append(rest)
    return out


@dataclass
class Found:
    """One reading of one sentence (or, once joined, of one action of the article):
    mutable while the readers fill it and merging joins readings."""

    type: str
    action: str
    actor: str | None
    target: str | None
    rate_from: float | None = None
    rate_to: float | None = None
    amount_usd: float | None = None
    products: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    at: int | None = None  # where its trigger begins in the (first) evidence sentence
    listed: bool = False  # one target of a list ("on the EU, Canada and Mexico"), each its own event
    # set by the learned decisions (extractors.signals.extraction)
    score: float = 1.0
    recap: bool = False
    occurred: date | None = None

    @property
    def specific(self) -> bool:
        return bool(self.rate_to is not None or self.amount_usd is not None or self.products)


@dataclass(frozen=True)
class Window:
    before: str  # text from the clause cut to the trigger
    after: str  # text from the trigger's end to the next cut
    start: int  # sentence offsets of the window
    end: int


def window_around(
    sentence: str, start: int, end: int, *, words_before: int = 16, words_after: int = 16
) -> Window:
    head = sentence[:start]
    tokens = list(_WORD.finditer(head))
    lo = tokens[-words_before].start() if len(tokens) > words_before else 0
    cuts = list(_BEFORE_CUT.finditer(head, lo))
    if cuts:
        lo = cuts[-1].end()
    tail = sentence[end:]
    cut = _AFTER_CUT.search(tail)
    while cut is not None and _LIST_ITEM.search(tail, 0, cut.start()) and _SERIAL_AND.match(cut.group()):
        cut = _AFTER_CUT.search(tail, cut.end())  # "baby formula, diapers, and toilet seats will be cut"
    tail = tail[: cut.start()] if cut else tail
    tail_tokens = list(_WORD.finditer(tail))
    hi = end + (tail_tokens[words_after - 1].end() if len(tail_tokens) >= words_after else len(tail))
    return Window(sentence[lo:start], sentence[end:hi], lo, hi)


def names_goods(text: str, end: int) -> bool:
    """Whether the name ending at ``text[end]`` modifies goods or their makers
    (``Chinese goods``, ``U.S.-made``, ``American farmers``): a target, not
    who acts."""
    return _OBJECT_NOUN.search(text[end : end + 20]) is not None


def actor_codes(matches: list[Match]) -> list[str]:
    seen: list[str] = []
    for m in matches:
        if m.value not in seen:
            seen.append(m.value)
    return seen


def _inside_word(text: str, at: int) -> bool:
    """Whether a cut at ``at`` falls between two characters of one word."""
    return 0 < at < len(text) and bool(WORD_CHAR.match(text, at - 1) and WORD_CHAR.match(text, at))


class Article:
    """State kept across the sentences of one article."""

    def __init__(self, text: str) -> None:
        g = gazetteer()
        counts = Counter(m.value for m in g.actors.find(text) if m.value != CONTEXT)
        self.top = [code for code, _ in counts.most_common(2)]
        self.stems = stems_in(text)  # the only ones its clauses can hold
        self.done: list[str] = []  # the sentences before the current one
        self._scanned = 0
        self._last_company: str | None = None
        self._actor_cache: dict[str, list[Match]] = {}
        # a trade story: talks in it are trade talks unless a sentence says otherwise
        enough = min(3, 1 + len(text) // 2000)
        self.trade = len(list(itertools.islice(_TRADE_WORDS.finditer(text), enough))) >= enough

    def actors(self, clause: str, lo: int = 0, hi: int | None = None) -> list[Match]:
        """Actors named in ``clause[lo:hi]``, at offsets from ``lo``. A government's
        institution (``the commerce ministry``) is the country named first in the
        clause, else the story's main country."""
        found = self._named(clause, lo, len(clause) if hi is None else hi)
        if not any(m.value == CONTEXT for m in found):
            return found
        # the country named before the institution, not as what a measure hits
        # ("the State Council ... on products imported from the US": China's)
        first = next(m.start for m in found if m.value == CONTEXT) + lo
        named = [
            m.value
            for m in gazetteer().actors.find(clause[:first])
            if m.value != CONTEXT and not names_goods(clause, m.end)
        ]
        home = named[0] if named else (self.top[0] if self.top else None)
        if home is None:
            return [m for m in found if m.value != CONTEXT]
        return [m if m.value != CONTEXT else Match(m.start, m.end, home) for m in found]

    def names(self, clause: str) -> list[Match]:
        """Every actor form ``clause`` names, as the gazetteer finds it
        (institutions not yet resolved to a country)."""
        return self._named(clause, 0, len(clause))

    def _named(self, clause: str, lo: int, hi: int) -> list[Match]:
        """``gazetteer().actors.find(clause[lo:hi])``, from the names of the
        whole clause, looked up once: the readers ask for parts of one
        sentence many times. Where a cut falls inside a name or a word (the
        part would read "European" for "European Union"), the part is looked
        up by itself."""
        found = self._actor_cache.get(clause)
        if found is None:
            found = self._actor_cache[clause] = gazetteer().actors.find(clause)
        if lo == 0 and hi == len(clause):
            return list(found)  # the caller's own list: the lookup stays as found
        if (
            _inside_word(clause, lo)
            or _inside_word(clause, hi)
            or any(m.start < lo < m.end or m.start < hi < m.end for m in found)
        ):
            return gazetteer().actors.find(clause[lo:hi])
        return [Match(m.start - lo, m.end - lo, m.value) for m in found if lo <= m.start and m.end <= hi]

    @property
    def last_company(self) -> str | None:
        """The last company named before the current sentence (who ``it`` is);
        looked up only when a sanction asks, which few sentences do."""
        companies = gazetteer().companies
        for sentence in self.done[self._scanned :]:
            named = companies.find(sentence)
            if named:
                self._last_company = named[-1].value
        self._scanned = len(self.done)
        return self._last_company

    def counterpart(self, code: str | None) -> str | None:
        others = [c for c in self.top if c != code]
        return others[0] if others and code in self.top else None


TRIGGERS = [
    _TARIFF,
    _TALKS,
    _DEAL,
    _BARE_DEAL,
    _DEADLINE,
    _EXEMPTION,
    _INVESTIGATION,
    _PREFERENCES,
    *(trigger for trigger, _ in SANCTION_TRIGGERS),
]


_BY_STEM: dict[str, list[Trigger]] = {}


for _t in TRIGGERS:
    for _stem in _t.stems:
        _BY_STEM.setdefault(_stem, []).append(_t)


_ALL_STEMS = tuple(sorted(_BY_STEM))


def stems_in(text: str, among: Iterable[str] = _ALL_STEMS) -> tuple[str, ...]:
    """The trigger stems (of ``among``) that occur in ``text``, in any case."""
    low = text.lower()
    return tuple(stem for stem in among if stem in low)


def live_triggers(text: str, among: Iterable[str]) -> set[Trigger]:
    """The triggers that may match in ``text``: those with a stem in it."""
    low = text.lower()
    live: set[Trigger] = set()
    for stem in among:
        if stem in low:
            live.update(_BY_STEM[stem])
    return live


_CLAUSE_BREAK = re.compile(r";\s+")
