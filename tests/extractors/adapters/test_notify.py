"""Delivery through apprise to real loopback servers: SMTP (aiosmtpd) and a JSON
webhook; Slack checked at the HTTP boundary (its host is out of reach)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from extractors.adapters.notify import CONSOLE_ROUTE, DeliveryError, Notifier, channels
from extractors.messages import render

from ...conftest import Receiver, SMTPServer

HOSTILE = "Beijing said <!channel> & <@U123> <http://evil.example|click> @here: tariffs <b>now</b>."


def _event(**over: Any) -> dict[str, Any]:
    event = {
        "id": 7,
        "type": "tariff",
        "action": "threatened",
        "actor": "US",
        "target": "CN",
        "rate_from": 10.0,
        "rate_to": 25.0,
        "amount_usd": 200e9,
        "products": [],
        "entities": [],
        "evidence": [HOSTILE],
        "articles": [{"source_id": "ap-1", "outlet": "AP <News>", "url": "https://apnews.test/a?x=1&y=2"}],
        "stories": 2,
        "thread": 3,
    }
    event.update(over)
    return event


EARLIER = [_event(id=3, action="threatened", rate_from=None, rate_to=10.0, amount_usd=200e9, thread=None)]


def test_channels_come_from_urls_and_from_an_apprise_config_with_tags(tmp_path: Path) -> None:
    config = tmp_path / "apprise.yml"
    config.write_text(
        "urls:\n"
        "  - json://127.0.0.1:9/desk:\n"
        "      tag: trade-desk\n"
        "  - mailto://u:p@127.0.0.1:2525?to=a@b.test&from=c@d.test:\n"
        "      tag: compliance\n"
        "  - json://127.0.0.1:9/compliance:\n"
        "      tag: compliance\n"
    )
    found = channels(["json://127.0.0.1:9/env", "mailto://u:p@127.0.0.1:25?to=x@y.test"], config)
    assert set(found) == {"trade-desk", "compliance/mailto", "compliance/json", "json", "mailto"}
    assert channels() == {CONSOLE_ROUTE: "console://"}
    with pytest.raises(DeliveryError, match="apprise config"):
        channels([], tmp_path / "missing.yml")


def test_email_arrives_with_a_subject_and_plain_and_html_bodies(smtp: SMTPServer) -> None:
    Notifier({"mail": smtp.url})("mail", render(_event(), EARLIER))
    [mail] = smtp.messages
    assert mail["Subject"] == "Tariff increase threatened: US on CN goods worth $200B, 10% → 25%"
    plain = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Carried by 2 stories" in plain and "Tariff threatened: US on CN goods worth $200B, 10%" in plain
    assert '<a href="https://apnews.test/a?x=1&amp;y=2">AP &lt;News&gt;</a>' in html
    assert "&lt;!channel&gt;" in html and "<b>now</b>" not in html  # quoted text is escaped


def test_a_webhook_gets_the_plain_text_made_inert(receiver: Receiver) -> None:
    Notifier({"hook": receiver.url})("hook", render(_event()))
    [body] = receiver.bodies
    assert body["title"].startswith("Tariff increase threatened")
    assert "<" not in body["message"] and ">" not in body["message"]
    assert "@\u200bhere" in body["message"]


def test_slack_payload_cannot_ping_link_or_mark_up() -> None:
    """At the HTTP boundary: what apprise would post to hooks.slack.com."""
    notifier = Notifier({"slack": "slack://T1234ABCD/B1234ABCD/abcdefghijklmnopqrstuvwx"})
    with mock.patch("requests.request") as post:
        post.return_value.status_code = 200
        post.return_value.content = b"ok"
        notifier("slack", render(_event()))
    payload = json.loads(post.call_args.kwargs["data"])
    text = payload["attachments"][0]["title"] + payload["attachments"][0]["text"]
    assert post.call_args.args[1].startswith("https://hooks.slack.com/services/")
    for dangerous in ("<!channel>", "<!here>", "<@U123>", "<http", "@here", "<b>"):
        assert dangerous not in text
    assert "&amp;" in text  # the & of the article, escaped for Slack


def test_a_failure_names_the_channel_never_the_secret(receiver: Receiver) -> None:
    secret_url = receiver.url.replace("json://", "json://bot:hook-s3cret-token@")
    receiver.fail = True
    with pytest.raises(DeliveryError) as failure:
        Notifier({"hook": secret_url})("hook", render(_event()))
    assert "hook" in str(failure.value) and "s3cret" not in str(failure.value)
    with pytest.raises(DeliveryError, match="not a valid apprise URL") as bad:
        Notifier({"bad": "nosuchscheme://token-s3cret@host"})
    assert "s3cret" not in str(bad.value)


def test_a_failure_message_loses_every_part_of_the_url_that_may_be_secret(receiver: Receiver) -> None:
    notifier = Notifier({"hook": receiver.url.replace("/hook", "/hook-token-abcdef123?key=qwertyuiop99")})
    scrub = notifier._redact  # what every recorded failure goes through
    assert scrub("POST to /hook-token-abcdef123 failed with key qwertyuiop99") == (
        "POST to /<redacted> failed with key <redacted>"
    )


def test_text_from_articles_cannot_act_on_a_terminal_or_a_chat_and_stays_short() -> None:
    """Issue 17, finding 4: escape sequences, BEL, the right-to-left override and
    Markdown links reached the console and webhooks; a 96 KB sentence made a
    96 KB alert."""
    hostile = "\x1b[2J\x07Beijing \u202eretaliated\u202c: see [click](https://evil.example) " + "x" * 96_000
    event = _event(evidence=[hostile], target="\x1b]0;pwned\x07ACME\u202e")
    message = render(event)
    for text in (message.title, message.text, message.html):
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
        assert len(text) < 2_000
    assert "](" not in message.title + message.text  # chat: no Markdown link forms
    assert not any(
        "evil" in href for href in re.findall(r'href="([^"]*)"', message.html)
    )  # only sources link
    assert "Beijing retaliated" in message.text


def test_webhook_deliveries_carry_an_idempotency_key(receiver: Receiver) -> None:
    """Issue 17, finding 5: a slow receiver got duplicates it could not tell apart."""
    from extractors.adapters.notify import IDEMPOTENCY_HEADER

    notifier = Notifier({"hook": receiver.url})
    first, other = render(_event(id=7)), render(_event(id=8))
    for message in (first, first, other):  # a retry after a timeout sends the same message again
        notifier("hook", message)
    keys = [h.get(IDEMPOTENCY_HEADER) for h in receiver.headers]
    assert keys[0] and keys[0] == keys[1] and keys[2] and keys[2] != keys[0]
