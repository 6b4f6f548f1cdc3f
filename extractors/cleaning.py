"""Page furniture removal for plain-text articles.

Text copied from a web page often carries what surrounded the article: icon
labels from SVG sprites, photo credits, share prompts, paywall and
subscription offers. None of it is the article, and none of it may reach
storage or the signals. The patterns are data (``data/furniture.txt``); the
rules that apply them are here:

* a short line (at most 30 words) that matches a ``line`` or ``tail`` pattern is
  dropped;
* a line of words glued together without spaces (``IconFacebookIcon``) is
  dropped;
* a ``tail`` pattern in the last half of the text starts the paywall block: it and
  every line after it are dropped, and so are the short call-to-action lines just
  before it (``Get unique insights ...``);
* a line without a single letter (``…``) is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .patterns import Caseless

__all__ = ["clean_text", "guess_title"]

_MAX_FURNITURE_WORDS = 30
_GLUED = re.compile(r"[a-z][A-Z]")  # "IconFacebookIcon"
_SPACES = re.compile(r"[ \t]+")
_LETTER = re.compile(r"[^\W\d_]")
_CAPTION_CREDIT = re.compile(r"(?:©|\(c\))\s*[\w .&/-]{2,40}$", re.IGNORECASE)
_CALL_TO_ACTION = re.compile(
    r"^(?:get|try|subscribe|join|sign up|download|discover|stay|unlock)\b", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)]$")


@dataclass(frozen=True, slots=True)
class _Patterns:
    line: Caseless
    tail: Caseless


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    groups: dict[str, list[str]] = {"line": [], "tail": []}
    text = resources.files("extractors").joinpath("data/furniture.txt").read_text("utf-8")
    for raw in text.splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        kind, _, pattern = raw.partition("\t")
        groups[kind.strip()].append(pattern.strip())
    return _Patterns(
        line=Caseless("|".join(f"(?:{p})" for p in groups["line"])),
        tail=Caseless("|".join(f"(?:{p})" for p in groups["tail"])),
    )


def _words(line: str) -> int:
    return len(line.split())


def _is_glued_labels(line: str) -> bool:
    if not _GLUED.search(line):
        return False
    tokens = line.split()
    glued = sum(1 for t in tokens if _GLUED.search(t) and not t.isupper())
    return glued >= 3 and glued / max(len(tokens), 1) >= 0.25


def _is_furniture(line: str, patterns: _Patterns) -> bool:
    if not _LETTER.search(line):
        return True
    if _is_glued_labels(line):
        return True
    if _words(line) <= _MAX_FURNITURE_WORDS and (patterns.line.search(line) or patterns.tail.search(line)):
        return True
    return bool(_CAPTION_CREDIT.search(line))


def _normalise(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\x00", "")
    return [
        (_SPACES.sub(" ", line) if "  " in line or "\t" in line else line).strip()
        for line in text.split("\n")
    ]


def _paywall_start(lines: list[str], patterns: _Patterns) -> int | None:
    """Index of the first tail marker in the last half of the text, if any."""
    total = sum(len(line) for line in lines) or 1
    seen = 0
    for index, line in enumerate(lines):
        if seen / total >= 0.5 and _words(line) <= _MAX_FURNITURE_WORDS and patterns.tail.search(line):
            return index
        seen += len(line)
    return None


def clean_text(text: str) -> str:
    """The article's text without page furniture, paragraphs one per line."""
    patterns = _patterns()
    lines = [line for line in _normalise(text) if line]
    cut = _paywall_start(lines, patterns)
    if cut is not None:
        lines = lines[:cut]
        while lines and _words(lines[-1]) <= 15 and _CALL_TO_ACTION.search(lines[-1]):
            lines.pop()
    kept = [line for line in lines if not _is_furniture(line, patterns)]
    if len(kept) > 1 and _words(kept[0]) <= 3 and not _SENTENCE_END.search(kept[0]):
        kept.pop(0)  # a section label ("Trade War") above the headline
    return "\n".join(kept)


def guess_title(text: str) -> str | None:
    """A headline at the top of a plain-text article, if it has one.

    The first line counts as a headline when it is short (4 to 25 words) and does
    not end like a sentence; a one- or two-word section label above it is skipped.
    """
    for line in text.split("\n")[:3]:
        words = _words(line)
        if words < 4:
            continue
        if words <= 25 and not _SENTENCE_END.search(line):
            return line
        return None
    return None
