"""Raw items to articles: HTML through trafilatura, plain text through cleaning."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import replace

from .cleaning import clean_text, guess_title
from .corpus import parse_datetime
from .deduplication import fingerprint
from .exceptions import EmptyItem, ItemError, NoArticleText
from .models import ArticleDoc, ItemFailure, RawItem

__all__ = ["MIN_WORDS", "article_or_failure", "as_document", "content_hash", "to_article"]

MIN_WORDS = 25
_SPACE = re.compile(r"\s+")


def content_hash(text: str) -> str:
    """SHA-256 of the text with case, Unicode form and whitespace normalised.

    Two copies of one text differing only in line breaks, spacing or case get the
    same hash: that is exact-duplicate detection.
    """
    norm = _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


# what a whole HTML document may start with (after a BOM, white space and comments)
_DOCUMENT_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|head|body|meta|title|link|\?xml)\b",
    re.IGNORECASE | re.DOTALL,
)


def as_document(body: str | bytes) -> str | bytes:
    """``body`` as a whole HTML document: a fragment (a page that starts with
    ``<svg>``, ``<math>``, ``<p>``...) goes inside ``<html><body>``, or the
    parser takes its first element for the document and loses the rest."""
    head = body[:2048].encode("utf-8", "replace") if isinstance(body, str) else body[:2048]
    if _DOCUMENT_START.match(head):
        return body
    return "<html><body>" + body if isinstance(body, str) else b"<html><body>" + body


def _html_article(raw: RawItem) -> ArticleDoc:
    import trafilatura  # here, not at the top: a command that reads no HTML need not import it
    from trafilatura.settings import Document

    doc = trafilatura.bare_extraction(
        as_document(raw.body),
        url=raw.url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
    )
    if not isinstance(doc, Document):
        raise NoArticleText("no article text found in the HTML")
    text = clean_text(doc.text) if doc.text else ""
    if not text:
        raise NoArticleText("no article text found in the HTML")
    return ArticleDoc(
        source_id=raw.source_id,
        text=text,
        content_hash=content_hash(text),
        url=raw.url or doc.url,
        title=raw.title or doc.title,
        published=raw.published or parse_datetime(doc.date),
        outlet=raw.outlet or doc.sitename,
        language=doc.language,
        author=doc.author,
    )


def _text_article(raw: RawItem) -> ArticleDoc:
    assert isinstance(raw.body, str)
    text = clean_text(raw.body)
    if not text:
        raise EmptyItem("no text left once page furniture was removed")
    return ArticleDoc(
        source_id=raw.source_id,
        text=text,
        content_hash=content_hash(text),
        url=raw.url,
        title=raw.title or guess_title(text),
        published=raw.published,
        outlet=raw.outlet,
    )


MAX_OUTLET = 200  # the length of the stored column


def _clip(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = " ".join(value.replace("\x00", "").split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def to_article(raw: RawItem) -> ArticleDoc:
    """The article in ``raw``; raises an ``ItemError`` when there is none."""
    article = _html_article(raw) if raw.kind == "html" else _text_article(raw)
    article = replace(
        article,
        outlet=_clip(article.outlet, MAX_OUTLET),
        author=_clip(article.author, 500),
        language=_clip(article.language, 16),
        title=_clip(article.title, 2000),
        url=_clip(article.url, 4000),
        published=parse_datetime(article.published),
        fingerprint=fingerprint(article.text),
    )
    words = len(article.text.split())
    if words < MIN_WORDS:
        raise NoArticleText(f"only {words} words of text, fewer than the {MIN_WORDS} an article needs")
    return article


def article_or_failure(item: RawItem | ItemFailure) -> ArticleDoc | ItemFailure:
    """:func:`to_article`, with an item's error as its failure (a failure is passed on)."""
    if isinstance(item, ItemFailure):
        return item
    try:
        return to_article(item)
    except ItemError as exc:
        return ItemFailure(item.source_id, str(exc))
