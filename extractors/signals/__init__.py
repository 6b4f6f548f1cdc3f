"""Trade-dispute signals: typed events found in one article.

``extract_mentions(text, title=..., published=...)`` returns one
:class:`~extractors.models.Mention` per distinct action the article states.
The stages, each a module of plain functions:

- :mod:`.cues`: the rules' vocabulary, read by name from ``data/signals.toml``;
- :mod:`.candidates`: sentences, triggers, the window around a trigger, the
  article's context, and one reading (:class:`~.candidates.Found`);
- :mod:`.classification`: a reading's action and modality;
- :mod:`.roles`: who acts on whom;
- :mod:`.attributes`: rates and amounts;
- :mod:`.rules`: the readers by type (tariff, sanction, talks, deal), which
  use the four stages above on each sentence;
- :mod:`.merging`: readings of one action joined within an article, event keys;
- :mod:`.dateline`: the times a sentence names, against the article's date;
- :mod:`.features` and :mod:`.model`: the learned decisions (is an action the
  rules read an event of the article; is it news or a recap), linear models
  trained by :mod:`.training` from ``eval/signals/news/`` (``tradewatch train``);
- :mod:`.extraction`: the article's events, from the stages above.
"""

from __future__ import annotations

from ..vocabulary import ACTIONS, ALERTABLE_TYPES
from .candidates import split_sentences
from .extraction import extract_mentions
from .merging import event_key
from .rules import mentions_by_sentence

__all__ = [
    "ACTIONS",
    "ALERTABLE_TYPES",
    "event_key",
    "extract_mentions",
    "mentions_by_sentence",
    "split_sentences",
]
