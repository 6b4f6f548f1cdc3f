"""Storage on SQLite and on the real PostgreSQL: schema, idempotency, outbox."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from extractors.articles import content_hash
from extractors.messages import Message
from extractors.models import ArticleDoc, Mention
from storage import database
from storage.database import open_engine
from storage.exceptions import SchemaError
from storage.ingest import ensure_source, record_mentions, store_articles
from storage.models import Alert, utcnow
from storage.outbox import DeliveryPolicy, deliver_pending, requeue_dead
from storage.queries import list_alerts, list_articles, list_events, list_stories

TEXT = "Washington imposed tariffs of 25% on $34 billion of Chinese goods on Friday. " * 3


def _doc(source_id: str, text: str = TEXT) -> ArticleDoc:
    return ArticleDoc(
        source_id=source_id,
        text=text,
        content_hash=content_hash(text),
        url=f"https://example.test/{source_id}",
        outlet="Wire",
        title="T",
    )


def _mention(key: str = "k1", type_: str = "tariff", amount_usd: float = 34e9) -> Mention:
    return Mention(
        type=type_,
        action="held" if type_ == "trade_talks" else "imposed",
        actor="US",
        target="CN",
        key=key,
        rate_to=25.0,
        amount_usd=amount_usd,
        products=("steel",),
        evidence=("s1",),
    )


def test_schema_is_created_and_a_second_open_is_a_no_op(db_url: str) -> None:
    engine = open_engine(db_url)
    tables = set(sa.inspect(engine).get_table_names())
    assert {
        "sources",
        "articles",
        "article_copies",
        "stories",
        "events",
        "event_mentions",
        "alerts",
        "runs",
        "alembic_version",
    } <= tables
    engine.dispose()
    assert open_engine(db_url) is not engine  # re-opened, and the schema check passes


def test_a_schema_newer_than_the_code_is_refused(db_url: str) -> None:
    engine = open_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(SchemaError, match="9999_future"):
        open_engine(db_url)


def test_the_same_article_twice_is_one_row(db_url: str) -> None:
    engine = open_engine(db_url)
    source = ensure_source(engine, "corpus", "/corpus")
    assert ensure_source(engine, "corpus", "/corpus") == source
    first = store_articles(engine, source, [_doc("a")])
    again = store_articles(engine, source, [_doc("a"), _doc("copy-of-a", TEXT.upper())])
    assert first[0].new and not again[0].new and not again[1].new
    assert {s.article_id for s in first + again} == {first[0].article_id}
    assert len(list_articles(engine)) == 1
    assert list_stories(engine) == []  # an article is placed in a story when processed
    with engine.connect() as conn:
        copies = (
            conn.execute(sa.text("SELECT source_item_id FROM article_copies ORDER BY id")).scalars().all()
        )
    assert copies == ["a", "copy-of-a"]


def test_events_merge_by_key_and_alerts_are_created_once_per_route(db_url: str) -> None:
    engine = open_engine(db_url)
    source = ensure_source(engine, "corpus", "/c")
    a, b = store_articles(engine, source, [_doc("a"), _doc("b", "Another text " * 10)])
    routes = ["console", "json"]
    first = record_mentions(
        engine,
        [(a.article_id, [_mention(), _mention("talks", "trade_talks")])],
        routes=routes,
    )
    assert len(first.new_event_ids) == 2 and first.alerts_created == 2  # talks are not alerted
    second = record_mentions(
        engine, [(b.article_id, [_mention()]), (a.article_id, [_mention()])], routes=routes
    )
    assert second.new_event_ids == [] and second.alerts_created == 0 and second.mentions_new == 1
    events = list_events(engine)
    tariff = next(e for e in events if e["type"] == "tariff")
    assert [x["source_id"] for x in tariff["articles"]] == ["a", "b"]
    assert tariff["amount_usd"] == 34e9 and tariff["products"] == ["steel"]
    assert len(list_alerts(engine)) == 2


def _one_alert(db_url: str) -> Any:
    engine = open_engine(db_url)
    source = ensure_source(engine, "corpus", "/c")
    (a,) = store_articles(engine, source, [_doc("a")])
    record_mentions(engine, [(a.article_id, [_mention()])], routes=["r"])
    return engine


def test_outbox_sends_once_and_records_it(db_url: str) -> None:
    engine = _one_alert(db_url)
    sent: list[tuple[str, str]] = []
    report = deliver_pending(engine, lambda channel, message: sent.append((channel, message.title)))
    assert report.sent == 1 and sent == [("r", "Tariff imposed: US on CN goods worth $34B, 25%, steel")]
    assert deliver_pending(engine, lambda r, e: sent.append((r, "again"))).sent == 0
    (row,) = list_alerts(engine)
    assert row["status"] == "sent" and row["attempts"] == 1 and row["sent_at"]


def test_failures_back_off_then_die_then_requeue(db_url: str) -> None:
    engine = _one_alert(db_url)
    policy = DeliveryPolicy(max_attempts=2, backoff_base=timedelta(0))

    def broken(channel: str, message: Message) -> None:
        raise ConnectionError("receiver down")

    first = deliver_pending(engine, broken, policy)  # one attempt per alert and call
    assert (first.failed, first.dead) == (1, 0) and list_alerts(engine)[0]["status"] == "failed"
    second = deliver_pending(engine, broken, policy)
    assert (second.failed, second.dead) == (0, 1)
    (row,) = list_alerts(engine)
    assert row["status"] == "dead" and row["attempts"] == 2
    assert "receiver down" in row["last_error"]
    assert requeue_dead(engine) == 1
    assert deliver_pending(engine, lambda r, e: None, policy).sent == 1


def test_a_stale_claim_is_delivered_again(db_url: str) -> None:
    """A process killed between send and mark leaves 'sending': after the lease it is resent."""
    engine = _one_alert(db_url)
    with engine.begin() as conn:
        conn.execute(sa.update(Alert).values(status="sending", attempts=1, claimed_at=utcnow()))
    policy = DeliveryPolicy(lease=timedelta(minutes=5))
    assert deliver_pending(engine, lambda r, e: None, policy).sent == 0  # claim still fresh
    assert deliver_pending(engine, lambda r, e: None, DeliveryPolicy(lease=timedelta(0))).sent == 1


def test_migrations_match_the_models(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    engine = open_engine(db_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []


def test_the_newest_revision_read_from_file_names_is_alembics_only_head() -> None:
    """``open_engine`` checks the revision without Alembic: by file names."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(database.MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_heads() == [database._head()]
    for rev in script.walk_revisions():
        assert rev.path is not None and rev.path.split("/")[-1].startswith(f"{rev.revision}_")


def _schema(engine: sa.Engine) -> dict[str, Any]:
    inspector = sa.inspect(engine)
    return {
        table: (
            sorted(
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                for c in inspector.get_columns(table)
            ),
            sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(table)
            ),
            sorted((u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)),
            sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                for f in inspector.get_foreign_keys(table)
            ),
            inspector.get_pk_constraint(table)["constrained_columns"],
        )
        for table in inspector.get_table_names()
    }


def test_a_new_database_made_from_the_models_equals_one_the_migrations_made(
    db_url: str, tmp_path: Any
) -> None:
    """open_engine creates a new database from the models and stamps it; the
    migrations, replayed one by one, must build exactly that schema."""
    from alembic import command

    made = open_engine(db_url)
    if db_url.startswith("sqlite"):
        other_url = f"sqlite:///{tmp_path / 'migrated.db'}"
    else:
        other_url = db_url.replace("search_path%3D", "search_path%3Dm")
        with made.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "m{db_url.rsplit("%3D", 1)[1]}"'))
    migrated = database.create_engine(other_url)
    try:
        with migrated.begin() as conn:
            command.upgrade(database._alembic_config(conn), "head")
        assert _schema(made) == _schema(migrated)
        with made.connect() as conn:
            assert (
                conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == database._head()
            )
    finally:
        migrated.dispose()
        if not db_url.startswith("sqlite"):
            with made.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "m{db_url.rsplit("%3D", 1)[1]}" CASCADE'))


def _start_and_die(url: str) -> None:
    from storage.runs import start_run

    start_run(open_engine(url), "replay", "/corpus")
    os._exit(9)


def test_a_run_whose_process_was_killed_is_marked_killed(db_url: str) -> None:
    """Issue 17, finding 6: a killed run stayed ``running`` for good."""
    import multiprocessing

    from storage.runs import start_run

    engine = open_engine(db_url)
    worker = multiprocessing.get_context("spawn").Process(target=_start_and_die, args=(db_url,))
    worker.start()
    worker.join(60)
    assert worker.exitcode == 9
    start_run(engine, "replay", "/corpus")
    with engine.connect() as conn:
        statuses = conn.execute(sa.text("SELECT status FROM runs ORDER BY id")).scalars().all()
    assert statuses == ["killed", "running"]


def test_a_nul_byte_from_outside_never_reaches_the_database(db_url: str) -> None:
    """Issue 17, finding 2: a NUL byte in a JSON id stopped every replay on
    PostgreSQL (psycopg DataError), on every rerun."""
    engine = open_engine(db_url)
    source = ensure_source(engine, "corpus", "/c")
    doc = ArticleDoc(
        source_id="wire\x00-1",
        text=TEXT + "\x00",
        content_hash=content_hash(TEXT),
        title="T\x00",
        outlet="AP\x00",
    )
    [stored] = store_articles(engine, source, [doc])
    assert stored.new
    [article] = list_articles(engine)
    assert (article["source_id"], article["title"], article["outlet"]) == ("wire-1", "T", "AP")
    assert "\x00" not in article["text"]


def test_a_runs_stories_are_counted_for_more_articles_than_a_statement_takes_parameters(
    db_url: str, seeds_dir: Path
) -> None:
    """A replay of 100,000 articles asks about all of them: more than SQLite
    (32,766) or psycopg (65,535) take in one statement."""
    from extractors.corpus import read_corpus
    from flows.pipeline import ingest_items
    from storage.queries import stories_of, story_count

    engine = open_engine(db_url)
    got = ingest_items(
        engine,
        ensure_source(engine, "corpus", "/many"),
        list(read_corpus(seeds_dir, max_bytes=10**6)),
        routes=[],
    )
    ids = [*range(10**6, 10**6 + 70_000), *got.article_ids]  # unknown ids, then the real ones
    assert story_count(engine, ids) == story_count(engine, got.article_ids) > 0
    assert [s["id"] for s in stories_of(engine, ids)] == [
        s["id"] for s in stories_of(engine, got.article_ids)
    ]
    assert len(stories_of(engine, ids, newest=1)) == 1
