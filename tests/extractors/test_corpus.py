import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extractors.articles import article_or_failure, content_hash, to_article
from extractors.corpus import Shard, read_corpus
from extractors.exceptions import NoArticleText
from extractors.models import ItemFailure, RawItem

ARTICLE = (
    "Washington slapped tariffs of 25% on $34 billion of Chinese imports on Friday, "
    "and Beijing said it would respond in kind with duties on American soybeans, "
    "the commerce ministry said in a statement."
)
MB = 1024 * 1024


def _read(path: Path, max_bytes: int = 3 * MB) -> tuple[list[RawItem], list[ItemFailure]]:
    items = list(read_corpus(path, max_bytes=max_bytes))
    return ([i for i in items if isinstance(i, RawItem)], [i for i in items if isinstance(i, ItemFailure)])


def test_source_ids_come_from_json_ids_else_file_stems(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"id": "wire-1", "text": ARTICLE, "outlet": "AP", "published": "2018-05-14T10:00:00Z"})
        + "\n"
        + json.dumps({"html": "<p>x</p>"})
        + "\n"
    )
    (tmp_path / "c.json").write_text(json.dumps({"id": 7, "title": "T", "text": ARTICLE}))
    items, failures = _read(tmp_path)
    assert failures == []
    assert [i.source_id for i in items] == ["a", "wire-1", "b#2", "7"]
    wire = items[1]
    assert wire.outlet == "AP" and wire.published is not None and wire.published.year == 2018
    assert items[2].kind == "html"


def test_bad_inputs_are_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "latin1.txt").write_bytes("Café tariffs on Mexican steel: 25% from Monday.".encode("latin-1"))
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 3)
    (tmp_path / "big.txt").write_text("word " * (MB // 4))
    (tmp_path / "good.txt").write_text(ARTICLE)
    (tmp_path / "lines.jsonl").write_text(
        json.dumps({"id": "ok", "text": ARTICLE})
        + "\n{not json\n"
        + json.dumps({"id": "nobody"})
        + "\n"
        + json.dumps(["a", "list"])
        + "\n"
    )
    items, failures = _read(tmp_path, max_bytes=MB)
    assert [i.source_id for i in items] == ["good", "latin1", "ok"]
    assert items[1].body == "Café tariffs on Mexican steel: 25% from Monday."  # its charset detected
    errors = {f.source_id: f.error for f in failures}
    assert errors["empty"] == "file is empty"
    assert errors["binary"] == "not text in any charset tradewatch can recognise"
    assert "over the 1,048,576-byte limit" in errors["big"]
    assert "invalid JSON on line 2" in errors["lines#2"]
    assert "neither 'text' nor 'html'" in errors["nobody"]
    assert "must be a JSON object" in errors["lines#4"]


def test_missing_path_raises() -> None:
    with pytest.raises(FileNotFoundError):
        list(read_corpus(Path("/nonexistent/corpus"), max_bytes=MB))


def test_html_goes_through_trafilatura_with_metadata(corpora_dir: Path) -> None:
    page = next((corpora_dir / "fundus-pages/pages").glob("*.html"))
    doc = to_article(RawItem(page.stem, "html", page.read_bytes()))
    assert len(doc.text.split()) > 50
    assert doc.title
    assert "<" not in doc.text[:200]


def test_html_without_an_article_is_an_error() -> None:
    html = "<html><body><nav><a href='/'>Home</a> <a href='/x'>World</a></nav></body></html>"
    failure = article_or_failure(RawItem("nav", "html", html))
    assert isinstance(failure, ItemFailure) and failure.source_id == "nav"
    with pytest.raises(NoArticleText):
        to_article(RawItem("nav", "html", html))


def test_content_hash_ignores_spacing_and_case() -> None:
    assert content_hash("Tariffs  rose.\nAgain") == content_hash("tariffs rose. again")
    assert content_hash("Tariffs rose.") != content_hash("Tariffs fell.")


def test_json_that_python_cannot_parse_is_reported(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "huge.jsonl").write_text('{"id": "n", "text": ' + "9" * 5000 + "}\n")
    (tmp_path / "none.json").write_text("[]")
    (tmp_path / "longid.jsonl").write_text(json.dumps({"id": "i" * 600, "text": ARTICLE}) + "\n")
    items, failures = _read(tmp_path)
    assert items == []
    errors = {f.source_id[:6]: f.error for f in failures}
    assert "unreadable JSON" in errors["deep"] and "unreadable JSON" in errors["huge#1"]
    assert "empty list" in errors["none"] and "over the limit of 512" in errors["iiiiii"]


@pytest.mark.parametrize(
    "published", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "1066-10-14"]
)
def test_a_date_outside_what_news_can_have_is_no_date_and_loses_nothing(
    tmp_path: Path, published: str
) -> None:
    """Issue 17, finding 1: such a date stopped the whole replay (OverflowError)."""
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"id": "odd", "text": ARTICLE, "published": published})
        + "\n"
        + json.dumps({"id": "fine", "text": ARTICLE, "published": "2018-05-01T10:00:00+02:00"})
        + "\n"
    )
    items, failures = _read(tmp_path)
    assert failures == []
    assert [(i.source_id, i.published) for i in items] == [
        ("odd", None),
        ("fine", datetime(2018, 5, 1, 8, tzinfo=UTC)),
    ]


def test_control_characters_and_lone_surrogates_never_pass_the_corpus(tmp_path: Path) -> None:
    """Issue 17, finding 2: a NUL byte in an id stopped every replay on PostgreSQL."""
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"id": "wire\x00-1", "title": "T\x1b[2J\ud800", "text": ARTICLE + "\x00\x07"}) + "\n"
    )
    items, failures = _read(tmp_path)
    assert failures == []
    (item,) = items
    assert (item.source_id, item.title) == ("wire-1", "T[2J")
    assert item.body == ARTICLE
    doc = to_article(item)
    assert "\x00" not in doc.text and doc.source_id == "wire-1"


@pytest.mark.parametrize(
    "page",
    [
        '<svg viewBox="0 0 10 10"><path d="M0"/></svg><html><body><article><p>{}</p></article></body></html>',
        "<math><mi>x</mi></math><p>{}</p>",
        "<svg>{}",
    ],
)
def test_a_page_that_starts_with_svg_or_math_keeps_its_text(page: str) -> None:
    """Issue 17, finding 3: the parser took the first element for the document
    and the article was lost."""
    doc = to_article(RawItem("p", "html", page.format(ARTICLE).encode()))
    assert "tariff" in doc.text.lower() and len(doc.text.split()) >= 25


def test_shards_split_a_corpus_into_disjoint_parts_that_cover_it(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(
        "".join(json.dumps({"id": f"a{n}", "text": f"text {n}"}) + "\n" for n in range(7))
    )
    (tmp_path / "b.txt").write_text("one more text")
    every = [i.source_id for i in read_corpus(tmp_path, max_bytes=10_000)]
    parts = [
        [i.source_id for i in read_corpus(tmp_path, max_bytes=10_000, shard=Shard(k, 3))] for k in (1, 2, 3)
    ]
    assert sorted(i for p in parts for i in p) == sorted(every) and len(every) == 8
    assert [len(p) for p in parts] == [3, 3, 2]
    assert Shard.parse(" 2/3") == Shard(2, 3) and str(Shard(2, 3)) == "2/3"


@pytest.mark.parametrize("bad", ["", "2", "0/2", "3/2", "a/b", "1/0", "-1/2"])
def test_a_bad_shard_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not a shard"):
        Shard.parse(bad)
