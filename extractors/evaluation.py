"""Quality scorers: the signal rules against labelled sentences (below), story
clustering against ECB+ (:func:`score_stories`, B-cubed) and the main text of
fetched pages (:func:`score_pages`); whole-article signal scoring is
:mod:`extractors.signals.training`.

A labelled set is JSONL, one sentence per line (see ``eval/signals/LABELLING.md``)::

    {"id": "w-001", "text": "...", "context": "...", "events": [{"type": "tariff",
     "action": "threatened", "actor": "US", "target": "CN", "rate_from": 10,
     "rate_to": 25, "amount_usd": 2e11, "products": ["steel"]}]}

Two kinds of line take their text from elsewhere: ``"article": "<file>"`` names
a seed article, whose sentence ``text`` is scored in the context of the whole
article; a line with an ``id`` and no ``text`` is a PLOVER gold-standard record,
whose sentence is read from the PLOVER file.

A predicted event matches a labelled one when type, action class and actor
agree (for talks and deals, the unordered pair of parties). Precision, recall
and F1 are counted per type and action class; action, target, rate and amount
agreement are measured over the matched pairs.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .cleaning import clean_text
from .exceptions import FetchError, InvalidRecord
from .models import EventHead, Mention
from .signals import ACTIONS, ALERTABLE_TYPES, mentions_by_sentence, split_sentences
from .vocabulary import ACTION_CLASSES, PAIRED_TYPES, action_class, parties

__all__ = [
    "ACTION_CLASSES",
    "BCubed",
    "GoldEvent",
    "LabelledSentence",
    "PageScores",
    "SignalScores",
    "StoryScores",
    "TextScores",
    "b_cubed",
    "load_labelled",
    "ngram_scores",
    "score_pages",
    "score_signals",
    "score_stories",
]


@dataclass(frozen=True)
class GoldEvent:
    type: str
    action: str
    actor: str | None
    target: str | None
    rate_from: float | None = None
    rate_to: float | None = None
    amount_usd: float | None = None
    products: tuple[str, ...] = ()


@dataclass(frozen=True)
class LabelledSentence:
    id: str
    set: str  # the file it came from
    text: str
    events: tuple[GoldEvent, ...]
    context: str = ""
    article: str | None = None  # the seed article's text, when scored in it


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _gold(record: dict[str, object], where: str) -> tuple[GoldEvent, ...]:
    events = []
    for raw in record.get("events") or []:  # type: ignore[attr-defined]
        type_, action = raw.get("type"), raw.get("action")
        if type_ not in ACTIONS or action not in ACTIONS[type_]:
            raise InvalidRecord(f"{where}: unknown type/action {type_}/{action}")
        events.append(
            GoldEvent(
                type=type_,
                action=action,
                actor=raw.get("actor"),
                target=raw.get("target"),
                rate_from=_float(raw.get("rate_from")),
                rate_to=_float(raw.get("rate_to")),
                amount_usd=_float(raw.get("amount_usd")),
                products=tuple(raw.get("products") or ()),
            )
        )
    return tuple(events)


def _plover_texts(path: Path) -> dict[str, str]:
    return {r["id"]: r["text"] for r in json.loads(path.read_text("utf-8")) if "text" in r}


def load_labelled(
    path: Path, *, seeds_dir: Path | None = None, plover: Path | None = None
) -> list[LabelledSentence]:
    """Read one labelled JSONL file; seed and PLOVER lines get their text."""
    plover_texts: dict[str, str] | None = None
    articles: dict[str, str] = {}
    out = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{n}"
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise InvalidRecord(f"{where}: {exc}") from exc
        article = None
        text = record.get("text")
        if record.get("article"):
            if seeds_dir is None:
                raise InvalidRecord(f"{where}: a seed sentence needs the seeds folder")
            name = record["article"]
            if name not in articles:
                articles[name] = clean_text((seeds_dir / name).read_text("utf-8"))
            article = articles[name]
        elif text is None:
            if plover is None:
                raise InvalidRecord(f"{where}: a PLOVER record needs the PLOVER file")
            if plover_texts is None:
                plover_texts = _plover_texts(plover)
            if record["id"] not in plover_texts:
                raise InvalidRecord(f"{where}: {record['id']} is not in {plover}")
            text = plover_texts[record["id"]]
        out.append(
            LabelledSentence(
                id=record["id"],
                set=path.stem,
                text=text,
                events=_gold(record, where),
                context=record.get("context") or "",
                article=article,
            )
        )
    return out


@lru_cache(maxsize=16)
def _article_sentences(article: str) -> dict[str, list[Mention]]:
    """Each sentence of a seed article with its events (the first of repeated
    sentences), extracted once for all the article's labelled sentences."""
    by_sentence: dict[str, list[Mention]] = {}
    for sentence, mentions in mentions_by_sentence(article):
        by_sentence.setdefault(sentence, mentions)
    return by_sentence


def predict(item: LabelledSentence) -> list[Mention]:
    """The extractor's events for one labelled sentence, in its context."""
    if item.article is not None:
        mentions = _article_sentences(item.article).get(item.text)
        if mentions is None:
            raise InvalidRecord(f"{item.id}: sentence not found in its article")
        return list(mentions)
    text = f"{item.context}\n{item.text}" if item.context else item.text
    by_sentence = mentions_by_sentence(text)
    skip = len(split_sentences(item.context)) if item.context else 0
    return [m for _, mentions in by_sentence[skip:] for m in mentions]


def same_event(gold: EventHead, pred: EventHead) -> bool:
    """Whether ``pred`` is ``gold`` as evaluation scores it: type, action class
    and parties (talks and deals: the two sides in either order)."""
    return (
        gold.type == pred.type
        and action_class(gold.type, gold.action) == action_class(pred.type, pred.action)
        and parties(gold.type, gold.actor, gold.target) == parties(pred.type, pred.actor, pred.target)
    )


def _closeness(gold: GoldEvent, pred: Mention) -> int:
    return (
        (gold.action == pred.action) * 4
        + (gold.target == pred.target) * 2
        + ((gold.rate_to, gold.amount_usd) == (pred.rate_to, pred.amount_usd))
    )


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Agreement:
    total: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.correct += ok


def counts(c: Counts) -> dict[str, float]:
    """``c`` as a report shows it."""
    return {
        "tp": c.tp,
        "fp": c.fp,
        "fn": c.fn,
        "precision": round(c.precision, 4),
        "recall": round(c.recall, 4),
        "f1": round(c.f1, 4),
    }


def agreement(a: Agreement) -> dict[str, float]:
    """``a`` as a report shows it."""
    return {"total": a.total, "correct": a.correct, "accuracy": round(a.accuracy, 4)}


@dataclass
class SignalScores:
    sentences: int = 0
    gold_events: int = 0
    overall: Counts = field(default_factory=Counts)
    by_class: dict[tuple[str, str], Counts] = field(default_factory=dict)
    action: Agreement = field(default_factory=Agreement)
    target: Agreement = field(default_factory=Agreement)
    rates: Agreement = field(default_factory=Agreement)
    amounts: Agreement = field(default_factory=Agreement)
    errors: list[dict[str, object]] = field(default_factory=list)
    sets: dict[str, SignalScores] = field(default_factory=dict)

    def _count(self, type_: str, action: str) -> Counts:
        return self.by_class.setdefault((type_, action_class(type_, action)), Counts())

    def record(self, item: LabelledSentence, predictions: list[Mention]) -> None:
        """Count one sentence: its labelled events against the predicted ones."""
        self.sentences += 1
        self.gold_events += len(item.events)
        predicted = list(predictions)
        missing: list[str] = []
        wrong: list[str] = []
        for gold in item.events:
            candidates = [p for p in predicted if same_event(gold, p)]
            if not candidates:
                self.overall.fn += 1
                self._count(gold.type, gold.action).fn += 1
                missing.append(_describe(gold))
                continue
            pred = max(candidates, key=lambda p: _closeness(gold, p))
            predicted.remove(pred)
            self.overall.tp += 1
            self._count(gold.type, gold.action).tp += 1
            self.action.add(gold.action == pred.action)
            if gold.type not in PAIRED_TYPES:
                self.target.add(gold.target == pred.target)
            if gold.rate_to is not None or pred.rate_to is not None:
                self.rates.add((gold.rate_from, gold.rate_to) == (pred.rate_from, pred.rate_to))
            if gold.amount_usd is not None or pred.amount_usd is not None:
                self.amounts.add(gold.amount_usd == pred.amount_usd)
            if _closeness(gold, pred) < 7 and not (gold.type in PAIRED_TYPES and gold.action == pred.action):
                wrong.append(f"{_describe(gold)} but got {_describe(pred)}")
        for pred in predicted:
            self.overall.fp += 1
            self._count(pred.type, pred.action).fp += 1
        if missing or predicted or wrong:
            self.errors.append(
                {
                    "id": item.id,
                    "text": item.text,
                    "missing": missing,
                    "spurious": [_describe(p) for p in predicted],
                    "attributes": wrong,
                }
            )

    def as_dict(self) -> dict[str, object]:
        return {
            "sentences": self.sentences,
            "gold_events": self.gold_events,
            "overall": counts(self.overall),
            "by_class": {f"{t}/{c}": counts(v) for (t, c), v in sorted(self.by_class.items())},
            "action": agreement(self.action),
            "target": agreement(self.target),
            "rates": agreement(self.rates),
            "amounts": agreement(self.amounts),
        }


def _describe(e: GoldEvent | Mention) -> str:
    parts = [f"{e.type}/{e.action}", f"{e.actor}->{e.target}"]
    if e.rate_to is not None:
        parts.append(f"{e.rate_from}->{e.rate_to}%" if e.rate_from is not None else f"{e.rate_to}%")
    if e.amount_usd is not None:
        parts.append(f"${e.amount_usd:.3g}")
    return " ".join(parts)


def score_signals(
    items: Iterable[LabelledSentence],
    extract: Callable[[LabelledSentence], list[Mention]] = predict,
) -> SignalScores:
    """Precision, recall and F1 of ``extract`` over labelled sentences, in
    total and (``.sets``) per labelled set, from one extraction per sentence."""
    scores = SignalScores()
    for item in items:
        predicted = extract(item)
        scores.record(item, predicted)
        scores.sets.setdefault(item.set, SignalScores()).record(item, predicted)
    return scores


# --- story clustering ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BCubed:
    """B-cubed precision, recall and F1 of a clustering against gold clusters."""

    precision: float
    recall: float
    items: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def b_cubed(gold: Mapping[str, str], predicted: Mapping[str, object]) -> BCubed:
    """Per item: the share of its predicted cluster that shares its gold cluster
    (precision) and the share of its gold cluster found in its predicted one
    (recall), averaged over the items (Bagga and Baldwin, 1998)."""
    if set(gold) != set(predicted):
        raise ValueError("gold and predicted clusterings must cover the same items")
    if not gold:
        return BCubed(0.0, 0.0, 0)
    by_gold: dict[str, set[str]] = defaultdict(set)
    by_pred: dict[object, set[str]] = defaultdict(set)
    for item, cluster in gold.items():
        by_gold[cluster].add(item)
    for item, label in predicted.items():
        by_pred[label].add(item)
    precision = recall = 0.0
    for item in gold:
        g, p = by_gold[gold[item]], by_pred[predicted[item]]
        both = len(g & p)
        precision += both / len(p)
        recall += both / len(g)
    n = len(gold)
    return BCubed(precision / n, recall / n, n)


@dataclass(frozen=True, slots=True)
class StoryScores:
    scores: BCubed
    stories: int
    candidates_per_article: float


def _arrival_order(records: list[dict[str, object]]) -> list[dict[str, object]]:
    """Dated articles in date order, the undated ones where the file has them."""
    dated = iter(sorted((r for r in records if r.get("published")), key=lambda r: str(r["published"])))
    return [next(dated) if r.get("published") else r for r in records]


def score_stories(path: Path) -> StoryScores:
    """Cluster the articles of a JSONL file (``id``, ``title``, ``text``,
    ``published``, gold ``cluster``) online, in arrival order, and score the
    stories with B-cubed."""
    from .corpus import parse_datetime
    from .stories import StoryClusterer, describe

    records = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidRecord(f"{path}:{n}: not JSON ({exc})") from None
        missing = [k for k in ("id", "text", "cluster") if not isinstance(record, dict) or k not in record]
        if missing:
            raise InvalidRecord(f"{path}:{n}: not a story record (missing {', '.join(missing)})")
        records.append(record)
    clusterer = StoryClusterer()
    placed = {}
    for r in _arrival_order(records):
        when = parse_datetime(r.get("published"))
        placed[str(r["id"])] = clusterer.add(describe(r.get("title"), str(r["text"]), when))  # type: ignore[arg-type]
    predicted = {item: clusterer.labels[i] for item, i in placed.items()}  # after any later split
    gold = {str(r["id"]): str(r["cluster"]) for r in records}
    return StoryScores(b_cubed(gold, predicted), clusterer.stories, clusterer.compared / max(1, len(records)))


# --- main-text extraction through the fetch path --------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class TextScores:
    """Word-4-gram precision, recall and F1 of extracted texts, averaged over pages."""

    precision: float
    recall: float
    pages: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _grams(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def ngram_scores(pairs: Sequence[tuple[str, str]], n: int = 4) -> TextScores:
    """``(extracted, truth)`` pairs scored as the article-extraction-benchmark
    does: the shared word n-grams (with multiplicity) over the extracted ones
    (precision) and over the true ones (recall), per page, then averaged."""
    precision = recall = 0.0
    for extracted, truth in pairs:
        got, want = _grams(extracted, n), _grams(truth, n)
        shared = sum((got & want).values())
        precision += shared / sum(got.values()) if got else (1.0 if not want else 0.0)
        recall += shared / sum(want.values()) if want else 1.0
    count = len(pairs) or 1
    return TextScores(precision / count, recall / count, len(pairs))


@dataclass(frozen=True, slots=True)
class PageScores:
    ours: TextScores  # served over loopback, fetched and extracted by tradewatch
    trafilatura: TextScores  # trafilatura.extract on the same files, for reference
    failed: list[str]


def score_pages(folder: Path) -> PageScores:
    """Main-text quality of tradewatch's own fetch-and-extract path on a folder
    of pages (``pages/*.html``) with ``truth.jsonl`` (``id``, ``articleBody``):
    the pages are served over loopback, fetched, decoded and extracted as live
    ingestion does; trafilatura alone on the same files is scored alongside."""
    import trafilatura

    from .adapters.fetching import FetchConfig, Fetcher
    from .adapters.loopback import serve_folder
    from .articles import to_article
    from .encoding import decode_html
    from .exceptions import ItemError
    from .models import RawItem

    truth = {}
    for n, line in enumerate((folder / "truth.jsonl").read_text("utf-8").splitlines(), 1):
        record = json.loads(line)
        if not isinstance(record, dict) or not {"id", "articleBody"} <= set(record):
            raise InvalidRecord(f"{folder / 'truth.jsonl'}:{n}: needs 'id' and 'articleBody'")
        truth[str(record["id"])] = str(record["articleBody"])
    ours, bare, failed = [], [], []
    with (
        serve_folder(folder / "pages") as base,
        Fetcher(FetchConfig(host_delay=0.0, robots=False)) as fetcher,
    ):
        for page_id, body in truth.items():
            path = folder / "pages" / f"{page_id}.html"
            bare.append((trafilatura.extract(path.read_text("utf-8"), include_comments=False) or "", body))
            try:
                got = fetcher.get(f"{base}/{page_id}.html")
                doc = to_article(RawItem(page_id, "html", decode_html(got.body, got.content_type)))
                text = doc.text
            except (FetchError, ItemError) as exc:
                failed.append(f"{page_id}: {exc}")
                text = ""
            ours.append((text, body))
    return PageScores(ngram_scores(ours), ngram_scores(bare), failed)


# --- signals over whole articles ------------------------------------------------


def _nearest(gold: Any, pred: Mention) -> tuple[bool, bool, bool, bool]:
    """How far ``pred`` is from ``gold`` among its twins, least first: news or
    recap, then target, then rate, then amount. Before, the first twin of the
    same news or recap was taken, and "US tariffs on the EU at 25%" could be
    paired with "US tariffs on China at 10%" while "... on China" was left as
    the false one."""
    return (
        pred.background != gold.background,
        pred.target != gold.target,
        pred.rate_to != gold.rate_to,
        pred.amount_usd != gold.amount_usd,
    )


@dataclass
class NewsScores:
    """Article-level scores of the signal extractor (``eval/signals/news/``).

    ``events``: every labelled event against every predicted one, paired per
    article by type, action class and actor (talks and deals: the two parties);
    of several predicted twins, the one most like it (:func:`_nearest`) is its
    pair, so that news/recap, target, rates and amounts are scored against
    the reading of the same measure.
    ``news``: only the events the labels call news against the predicted ones
    not marked recap. ``alerts``: of the predicted tariff and sanction events
    that would alert (``alertable``), how many are a labelled news event, each
    labelled event counted once (a second alert of it is a duplicate, wrong).
    """

    articles: int = 0
    gold_events: int = 0
    gold_news: int = 0
    events: Counts = field(default_factory=Counts)
    news: Counts = field(default_factory=Counts)
    alerts: Agreement = field(default_factory=Agreement)
    alert_levels: dict[float, Agreement] = field(default_factory=dict)
    by_class: dict[tuple[str, str], Counts] = field(default_factory=dict)
    background: Agreement = field(default_factory=Agreement)
    rates: Agreement = field(default_factory=Agreement)
    amounts: Agreement = field(default_factory=Agreement)
    target: Agreement = field(default_factory=Agreement)
    errors: list[dict[str, object]] = field(default_factory=list)

    def _count(self, type_: str, action: str) -> Counts:
        return self.by_class.setdefault((type_, action_class(type_, action)), Counts())

    def record(self, article: str, gold: Sequence[Any], predicted: Sequence[Mention]) -> None:
        """Count one article: ``gold`` are its labelled events (``ArticleEvent``)."""
        self.articles += 1
        self.gold_events += len(gold)
        self.gold_news += sum(not g.background for g in gold)
        left = list(predicted)
        missing, wrong = [], []
        for g in gold:
            same = [p for p in left if same_event(g, p)]
            if not same:
                self.events.fn += 1
                self._count(g.type, g.action).fn += 1
                missing.append(_describe(g) + (" (recap)" if g.background else ""))
                continue
            p = min(same, key=lambda p: _nearest(g, p))
            left.remove(p)
            self.events.tp += 1
            self._count(g.type, g.action).tp += 1
            self.background.add(p.background == g.background)
            if g.type not in PAIRED_TYPES:
                self.target.add(p.target == g.target)
            if g.rate_to is not None or p.rate_to is not None:
                self.rates.add(p.rate_to == g.rate_to)
            if g.amount_usd is not None or p.amount_usd is not None:
                self.amounts.add(p.amount_usd == g.amount_usd)
            if p.background != g.background:
                wrong.append(
                    f"{_describe(g)}: {_news_or_recap(g.background)} read as {_news_or_recap(p.background)}"
                )
        for p in left:
            self.events.fp += 1
            self._count(p.type, p.action).fp += 1
        # news only
        news_gold = [g for g in gold if not g.background]
        news_pred = [p for p in predicted if not p.background]
        for g in news_gold:
            twin = next((p for p in news_pred if same_event(g, p)), None)
            if twin is None:
                self.news.fn += 1
            else:
                news_pred.remove(twin)
                self.news.tp += 1
        self.news.fp += len(news_pred)
        # each labelled news event makes one alert right: a second alert of it is a duplicate
        alerts = [p for p in predicted if p.alertable and p.type in ALERTABLE_TYPES]
        _claim(news_gold, alerts, self.alerts)
        for level in ALERT_LEVELS:  # what a route asking for min_confidence would get
            _claim(
                news_gold,
                [p for p in alerts if p.confidence >= level],
                self.alert_levels.setdefault(level, Agreement()),
            )
        if missing or left or wrong:
            self.errors.append(
                {
                    "article": article,
                    "missing": missing,
                    "spurious": [_describe(p) for p in left],
                    "recap": wrong,
                }
            )

    def as_dict(self) -> dict[str, object]:
        return {
            "articles": self.articles,
            "gold_events": self.gold_events,
            "gold_news": self.gold_news,
            "events": counts(self.events),
            "news": counts(self.news),
            "alert_precision": agreement(self.alerts),
            "alert_precision_at": {f"{k:.1f}": agreement(v) for k, v in sorted(self.alert_levels.items())},
            "background": agreement(self.background),
            "target": agreement(self.target),
            "rates": agreement(self.rates),
            "amounts": agreement(self.amounts),
            "by_class": {f"{t}/{c}": counts(v) for (t, c), v in sorted(self.by_class.items())},
        }


ALERT_LEVELS = (0.6, 0.7, 0.8, 0.9)
"""Least confidences at which alert precision is also reported: what a route
asking for ``min_confidence`` (:mod:`extractors.routing`) would get."""


def _claim(news: Sequence[Any], alerts: Sequence[Mention], into: Agreement) -> None:
    """Count ``alerts`` right or wrong: each labelled news event makes one
    alert right, a second alert of it is a duplicate."""
    unclaimed = list(news)
    for p in alerts:
        hit = next((g for g in unclaimed if same_event(g, p)), None)
        if hit is not None:
            unclaimed.remove(hit)
        into.add(hit is not None)


def _news_or_recap(background: bool) -> str:
    return "recap" if background else "news"
