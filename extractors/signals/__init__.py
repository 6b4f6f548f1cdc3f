"""Trade-dispute signals: typed events found in one article.

``extract_mentions(text, title=..., published=...)`` returns one
:class:`~extractors.models.Mention` per distinct action the article states.
The stages, each a module:

- :mod:`.rules`: what each sentence says: candidates (type, action, actor,
  target), rates, amounts and products, from cue words and gazetteers;
- :mod:`.dateline`: the times a sentence names, against the article's date;
- :mod:`.features` and :mod:`.model`: the learned decisions (is a candidate an
  event of the article; is it news or a recap), linear models trained by
  :mod:`.training` from ``eval/signals/news/`` (``tradewatch train``);
- :mod:`.extraction`: the article's events, from the stages above.
"""

from __future__ import annotations

from .extraction import extract_mentions
from .rules import ACTIONS, ALERTABLE_TYPES, event_key, mentions_by_sentence, split_sentences

__all__ = [
    "ACTIONS",
    "ALERTABLE_TYPES",
    "event_key",
    "extract_mentions",
    "mentions_by_sentence",
    "split_sentences",
]
