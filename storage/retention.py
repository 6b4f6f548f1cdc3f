"""Retention: old article texts, fingerprints and copies removed by policy,
while events and their evidence stay (``tradewatch prune``).

An article older than the cut-off (published, or, without a date, ingested
before it) and already processed loses its text, its MinHash signature and
bands, and the sightings of its copies. Its row stays, with what its events'
evidence needs to be cited and found again: source, URL, outlet, title, dates,
the content hash (the same text seen again is still a copy, not news), its
story and story profile (new articles still join that story, and
``rebuild-stories`` places it from the profile). Events, their mentions and
evidence sentences, and alerts are never removed. Old finished run records and
pacing records (deliveries) go too.

Work is done in chunks, each its own transaction, so a large database is never
locked for long and an interrupted prune is simply run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from extractors.stories import Description
from extractors.vocabulary import aware

from .database import session_scope
from .models import Article, ArticleBand, ArticleCopy, Delivery, Run, utcnow

__all__ = ["Pruned", "prune", "pruned_profiles"]

CHUNK = 1000


@dataclass(frozen=True, slots=True)
class Pruned:
    """What a prune removed (or, dry, would remove)."""

    articles: int  # texts removed
    copies: int  # sightings of a stored text from other sources or items
    bands: int  # near-duplicate index entries
    runs: int  # finished run records
    deliveries: int  # pacing records of sent alerts

    def as_json(self) -> dict[str, int]:
        return {
            "articles": self.articles,
            "copies": self.copies,
            "bands": self.bands,
            "runs": self.runs,
            "deliveries": self.deliveries,
        }


def _old(before: datetime) -> Any:
    return sa.and_(
        sa.func.coalesce(col(Article.published), col(Article.ingested_at)) < before,
        col(Article.pruned_at).is_(None),
        col(Article.processed_at).is_not(None),  # not read yet: its events would be lost
    )


def _count(engine: Engine, stmt: Any) -> int:
    with session_scope(engine) as s:
        return int(s.execute(stmt).scalar_one())


def prune(engine: Engine, before: datetime, *, dry_run: bool = False, chunk: int = CHUNK) -> Pruned:
    """Remove what is older than ``before`` (see the module's doc); ``dry_run``
    only counts. Safe beside running workers: rows that evidence points to are
    never deleted, only emptied."""
    before = aware(before)
    old_runs = sa.and_(col(Run.finished_at) < before, col(Run.status) != "running")
    old_deliveries = col(Delivery.sent_at) < before
    if dry_run:
        old_ids = sa.select(col(Article.id)).where(_old(before))
        return Pruned(
            articles=_count(engine, sa.select(sa.func.count()).select_from(Article).where(_old(before))),
            copies=_count(
                engine,
                sa.select(sa.func.count()).where(col(ArticleCopy.article_id).in_(old_ids)),
            ),
            bands=_count(engine, sa.select(sa.func.count()).where(col(ArticleBand.article_id).in_(old_ids))),
            runs=_count(engine, sa.select(sa.func.count()).select_from(Run).where(old_runs)),
            deliveries=_count(engine, sa.select(sa.func.count()).select_from(Delivery).where(old_deliveries)),
        )
    articles = copies = bands = 0
    while True:
        with session_scope(engine) as s:
            conn = s.connection()
            ids = list(
                conn.execute(
                    sa.select(col(Article.id)).where(_old(before)).order_by(col(Article.id)).limit(chunk)
                ).scalars()
            )
            if not ids:
                break
            copies += conn.execute(
                sa.delete(ArticleCopy).where(col(ArticleCopy.article_id).in_(ids))
            ).rowcount
            bands += conn.execute(sa.delete(ArticleBand).where(col(ArticleBand.article_id).in_(ids))).rowcount
            articles += conn.execute(
                sa.update(Article)
                .where(col(Article.id).in_(ids))
                .values(text="", minhash=None, pruned_at=utcnow())
            ).rowcount
    with session_scope(engine) as s:
        conn = s.connection()
        runs = conn.execute(sa.delete(Run).where(old_runs)).rowcount
        deliveries = conn.execute(sa.delete(Delivery).where(old_deliveries)).rowcount
    return Pruned(articles, copies, bands, runs, deliveries)


def pruned_profiles(engine: Engine, article_ids: list[int]) -> dict[int, Description]:
    """The stored story profiles of those of these articles whose text was pruned
    (what placing them in stories again reads instead of the text)."""
    if not article_ids:
        return {}
    with session_scope(engine) as s:
        rows = s.execute(
            sa.select(col(Article.id), col(Article.story_terms)).where(
                col(Article.id).in_(article_ids),
                col(Article.pruned_at).is_not(None),
                col(Article.story_terms).is_not(None),
            )
        ).all()
    return {int(r[0]): Description.from_json(r[1]) for r in rows}
