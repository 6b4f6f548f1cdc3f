import json
from pathlib import Path

import pytest

from extractors.articles import article_or_failure, content_hash, to_article
from extractors.corpus import read_corpus
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
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 tariffs".encode("latin-1"))
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
    assert [i.source_id for i in items] == ["good", "ok"]
    errors = {f.source_id: f.error for f in failures}
    assert errors["empty"] == "file is empty"
    assert "not valid UTF-8" in errors["latin1"] and "0xe9" in errors["latin1"]
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
