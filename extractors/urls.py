"""URLs from outside, made fit to store and to show.

:func:`hide_credentials` is applied to whatever shows a URL to others (the
CLI, the Prefect UI's artifacts); :func:`source_url` is the one form a watched
source's URL is stored in.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

__all__ = ["hide_credentials", "source_url"]

_USERINFO = re.compile(r"//[^/\s?#]*@(?=[^@/\s?#]*(?:[/?#\s]|$))")  # the whole user part, to the last @
_SECRET_PARAM = re.compile(
    r"([?&;#][\w.-]*(?:key|token|secret|sig|signature|pass|pwd|credential|auth|session)[\w.-]*=)[^&;#\s]+",
    re.IGNORECASE,
)


def hide_credentials(text: str) -> str:
    """``text`` with the credentials in any URL it holds hidden (the whole user
    part, and query or fragment values named like keys, tokens, passwords or
    signatures), for what others see: the Prefect UI's artifacts."""
    return _SECRET_PARAM.sub(r"\1***", _USERINFO.sub("//***@", text))


def source_url(url: str) -> str:
    """``url`` as a source is stored: scheme and host in lower case, no default
    port, no fragment (``HTTP://Host:80/feed.xml#x`` is ``http://host/feed.xml``);
    the path and query kept as given, since a server may read them case by case.
    Raises ValueError for what is not an http(s) URL with a host."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
