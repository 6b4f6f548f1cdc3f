"""Articles into stories, in the database (the decisions are :mod:`extractors.stories`).

An article's candidate stories come from the ``story_keys`` index (the newest
``POSTINGS`` stories per term of the article's ``KEYS`` heaviest), so placing an
article reads a bounded number of rows however many stories are stored. The
story it joins, or a new one, gets its profile updated and the article's terms
indexed; a story small enough to be re-split (``split``) is checked, and the
half its first article is not in becomes a new story with its articles (and
their versions).

Callers hold the advisory locks of the articles' index terms
(:func:`story_lock_keys`) for the transaction, so two workers placing articles
that share a term do it one after the other, and the second sees the first's
story; a story's row is locked (``FOR UPDATE``) while its profile is rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col

from extractors.stories import (
    POSTINGS,
    Description,
    Profile,
    place_one,
)
from extractors.vocabulary import stable_key

from .database import session_scope
from .locks import insert, lock, table
from .models import Article, Story, StoryKey, utcnow

__all__ = ["place", "place_articles", "reset_stories", "story_lock_keys"]


def story_lock_keys(descriptions: Iterable[Description]) -> set[int]:
    """The advisory lock keys that serialise placing these articles."""
    return {stable_key("story|" + k) for d in descriptions for k in d.keys}


def _insert_keys(conn: Connection, engine: Engine, story_id: int, terms: Iterable[str]) -> None:
    rows = [{"key": stable_key(t), "story_id": story_id} for t in set(terms)]
    if not rows:
        return
    conn.execute(insert(engine, table(StoryKey)).on_conflict_do_nothing(), rows)


def _postings(conn: Connection, terms: Sequence[str]) -> list[tuple[str, int]]:
    """``(term, story)`` for the newest ``POSTINGS`` stories of each term."""
    if not terms:
        return []
    by_key = {stable_key(t): t for t in terms}
    if conn.dialect.name == "postgresql":
        rows = conn.execute(_PG_POSTINGS, {"keys": list(by_key), "n": POSTINGS}).all()
    else:
        params = {f"k{i}": k for i, k in enumerate(by_key)}
        rows = conn.execute(_postings_query(len(by_key)), params).all()
    return [(by_key[int(str(k))], int(str(story))) for k, story in rows]


# PostgreSQL: one array parameter, one plan whatever the number of terms (the
# union below is planned anew for each number of terms, and costs more to plan
# than to run)
_PG_POSTINGS = sa.text(
    "SELECT k.key, p.story_id FROM unnest(CAST(:keys AS bigint[])) AS k(key) "
    "CROSS JOIN LATERAL (SELECT s.story_id FROM story_keys AS s WHERE s.key = k.key "
    "ORDER BY s.story_id DESC LIMIT :n) AS p"
)


@lru_cache(maxsize=64)
def _postings_query(n: int) -> sa.CompoundSelect[Any]:
    """The union of ``n`` per-term index reads (SQLite; built once per ``n``:
    building it costs more than running it)."""
    parts = [
        sa.select(col(StoryKey.key), col(StoryKey.story_id))
        .where(col(StoryKey.key) == sa.bindparam(f"k{i}", type_=sa.BigInteger))
        .order_by(col(StoryKey.story_id).desc())
        .limit(POSTINGS)
        .subquery()
        for i in range(n)
    ]
    return sa.union_all(*(sa.select(p) for p in parts))


# PostgreSQL: profiles with their row versions, so that a join need not read a
# profile it has just scored again (a large story's is tens of kilobytes of JSON)
_PG_PROFILES = sa.text("SELECT id, xmin::text, profile FROM stories WHERE id = ANY(:ids)")
_PG_LOCK_STORY = sa.text("SELECT xmin::text FROM stories WHERE id = :id FOR UPDATE")


def _profile(conn: Connection, story_id: int, *, lock: bool) -> Profile:
    stmt = sa.select(col(Story.profile)).where(col(Story.id) == story_id)
    if lock:
        stmt = stmt.with_for_update()
    data: dict[str, Any] | None = conn.execute(stmt).scalar_one()
    return Profile.from_json(data) if data else Profile()


def _save(conn: Connection, story_id: int, profile: Profile) -> None:
    conn.execute(
        sa.update(Story).where(col(Story.id) == story_id).values(profile=profile.to_json(), size=profile.size)
    )


def _new_story(conn: Connection, title: str | None, profile: Profile) -> int:
    new: object = conn.execute(
        sa.insert(Story)
        .values(title=title, created_at=utcnow(), profile=profile.to_json(), size=profile.size)
        .returning(col(Story.id))
    ).scalar_one()
    return int(str(new))


def _headline(text: str, limit: int = 120) -> str:
    first = text.strip().split("\n", 1)[0]
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"


class _Stored:
    """The stories in the database, as :func:`extractors.stories.place_one`
    places one article (``article_id``, titled ``title``) among them, within the
    caller's transaction."""

    def __init__(self, conn: Connection, engine: Engine, article_id: int, title: str) -> None:
        self._conn, self._engine = conn, engine
        self._article, self._title = article_id, title
        self._rows: list[sa.Row[Any]] = []
        self._postgres = engine.dialect.name == "postgresql"
        self._read: dict[int, tuple[str, Profile]] = {}  # story -> (row version, profile) as scored

    def postings(self, keys: Sequence[str]) -> list[tuple[str, int]]:
        return _postings(self._conn, keys)

    def profiles(self, stories: Sequence[int]) -> dict[int, Profile]:
        if not self._postgres:
            stored = self._conn.execute(
                sa.select(col(Story.id), col(Story.profile)).where(col(Story.id).in_(list(stories)))
            ).all()
            return {int(str(i)): Profile.from_json(cast(dict[str, Any], data)) for i, data in stored if data}
        out = {}
        for i, version, data in self._conn.execute(_PG_PROFILES, {"ids": list(stories)}).all():
            if data:
                story, profile = int(str(i)), Profile.from_json(cast(dict[str, Any], data))
                self._read[story] = (str(version), profile)
                out[story] = profile
        return out

    def _assign(self, story: int, d: Description) -> None:
        self._conn.execute(
            sa.update(Article)
            .where(col(Article.id) == self._article)
            .values(story_id=story, story_terms=d.to_json())
        )
        _insert_keys(self._conn, self._engine, story, d.keys)

    def new_story(self, d: Description) -> int:
        story = _new_story(self._conn, self._title, Profile.of([d]))
        self._assign(story, d)
        return story

    def join(self, story: int, d: Description) -> None:
        profile = self._locked_profile(story)
        profile.add(d)
        _save(self._conn, story, profile)
        self._assign(story, d)

    def _locked_profile(self, story: int) -> Profile:
        """The story's profile under a row lock (PostgreSQL), since another worker
        may have joined it since it was scored: the one scored when the row's
        version (``xmin``, the transaction that wrote it) is unchanged, else read
        again. SQLite: this transaction holds the write lock; read it again."""
        if not self._postgres:
            return _profile(self._conn, story, lock=False)
        version = self._conn.execute(_PG_LOCK_STORY, {"id": story}).scalar_one()
        seen = self._read.get(story)
        if seen is not None and seen[0] == str(version):
            return seen[1]
        return _profile(self._conn, story, lock=False)  # the row is locked already

    def members(self, story: int) -> list[Description]:
        self._rows = list(
            self._conn.execute(
                sa.select(col(Article.id), col(Article.title), col(Article.story_terms))
                .where(col(Article.story_id) == story, col(Article.copy_of).is_(None))
                .where(col(Article.story_terms).is_not(None))
                .order_by(col(Article.id))
            ).all()
        )
        return [Description.from_json(r[2]) for r in self._rows]

    def split_off(self, story: int, mask: list[bool]) -> int:
        conn = self._conn
        members = [Description.from_json(r[2]) for r in self._rows]
        kept = [d for d, keep in zip(members, mask, strict=True) if keep]
        moved = [(r, d) for r, d, keep in zip(self._rows, members, mask, strict=True) if not keep]
        first = moved[0][0]
        title = first[1] or _headline(
            conn.execute(sa.select(col(Article.text)).where(col(Article.id) == first[0])).scalar_one()
        )
        other = _new_story(conn, title, Profile.of(d for _, d in moved))
        ids = [int(r[0]) for r, _ in moved]
        conn.execute(sa.update(Article).where(col(Article.id).in_(ids)).values(story_id=other))
        conn.execute(sa.update(Article).where(col(Article.copy_of).in_(ids)).values(story_id=other))
        _save(conn, story, Profile.of(kept))
        _insert_keys(conn, self._engine, other, (k for _, d in moved for k in d.keys))
        return other


def place_articles(s: Session, engine: Engine, placed: Sequence[tuple[int, Description]]) -> dict[int, int]:
    """Put each article (``(article_id, description)``, in arrival order) in its
    story, within the caller's transaction; returns ``article → story`` as
    placed (a later split may move an article on). An article already placed is
    left where it is; a version of an article goes where its original is; the
    others are placed by :func:`extractors.stories.place_one`."""
    conn = s.connection()  # plain statements: the ORM adds nothing here but time
    out: dict[int, int] = {}
    for article_id, d in placed:
        row = conn.execute(
            sa.select(
                col(Article.story_id), col(Article.copy_of), col(Article.title), col(Article.story_terms)
            ).where(col(Article.id) == article_id)
        ).one()
        story_id: int | None = row[0]
        copy_of: int | None = row[1]
        title: str | None = row[2]
        terms = row[3]
        if story_id is not None and (terms is not None or copy_of is not None):
            out[article_id] = story_id
            continue
        if copy_of is not None:
            original = conn.execute(
                sa.select(col(Article.story_id)).where(col(Article.id) == copy_of)
            ).scalar()
            if original is not None:
                conn.execute(
                    sa.update(Article).where(col(Article.id) == article_id).values(story_id=original)
                )
                out[article_id] = original
                continue
        if title is None:
            text: object = conn.execute(
                sa.select(col(Article.text)).where(col(Article.id) == article_id)
            ).scalar_one()
            title = _headline(str(text))
        out[article_id] = place_one(d, _Stored(conn, engine, article_id, title))
    return out


def reset_stories(engine: Engine) -> list[int]:
    """Forget every story (to place the articles again, in arrival order, as
    :func:`place` does); returns the ids of the articles to place, oldest
    first. Run it while no worker processes articles."""
    with session_scope(engine) as s:
        lock(s, engine, [stable_key("stories|rebuild")])
        conn = s.connection()
        conn.execute(sa.update(Article).values(story_id=None))
        # a pruned article keeps its profile: placing it again reads that, not its text
        conn.execute(sa.update(Article).where(col(Article.pruned_at).is_(None)).values(story_terms=None))
        conn.execute(sa.delete(StoryKey))
        conn.execute(sa.delete(Story))
        ids = conn.execute(sa.select(col(Article.id)).order_by(col(Article.id))).scalars().all()
    return [int(str(i)) for i in ids]


def place(
    engine: Engine, placed: Sequence[tuple[int, Description]], *, per_transaction: int = 25
) -> dict[int, int]:
    """:func:`place_articles` in transactions of their own, ``per_transaction``
    articles each (each takes its terms' advisory locks: see
    ``storage.ingest.ARTICLES_PER_TRANSACTION``), under the term locks."""
    out: dict[int, int] = {}
    for start in range(0, len(placed), per_transaction):
        part = placed[start : start + per_transaction]
        with session_scope(engine) as s:
            lock(s, engine, story_lock_keys(d for _, d in part))
            out.update(place_articles(s, engine, part))
    return out
