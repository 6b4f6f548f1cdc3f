"""Settings, read once per process from ``TRADEWATCH_*`` variables (and ``.env``).

The CLI builds one :class:`Settings` (applying ``--db``) and the
:class:`flows.runtime.Runtime` that holds it. Secrets (database URLs with
passwords, apprise URLs) live only here: they are never flow parameters, so
Prefect never stores or shows them; a flow run in a child process gets them
through its environment (:meth:`Settings.environment`).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from extractors.routing import RulesError, parse_duration

__all__ = ["Settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRADEWATCH_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Folder of the default SQLite database.")
    corpora: Path = Field(
        Path("../shared/corpora"),
        description="The shared evaluation corpora (fundus-pages, ecbplus-dev, plover-gsr, trade-news).",
    )
    db_url: str | None = Field(None, description="Any SQLAlchemy URL; default: SQLite in data_dir.")
    apprise_urls: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Apprise URLs, separated by commas, spaces or newlines; none: the console.",
    )
    apprise_config: Path | None = Field(
        None, description="An apprise YAML or text config file; its tags name routes."
    )
    alert_rules: Path | None = Field(
        None, description="YAML rules choosing routes per event, and route pacing."
    )
    fetch_per_host: int = Field(2, ge=1, description="Requests to one host at once.")
    fetch_host_delay: float = Field(1.0, ge=0, description="Seconds between two requests to one host.")
    fetch_timeout: float = Field(15.0, gt=0, description="Seconds to wait for a server.")
    fetch_max_bytes: int = Field(5 * 1024 * 1024, ge=1024, description="Largest page or feed, decompressed.")
    fetch_workers: int = Field(
        8, ge=1, description="Pages of one source fetched at once (per-host limits apply)."
    )
    robots: bool = Field(True, description="Honour robots.txt.")
    workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1, ge=1, description="Processes for extraction and signals."
    )
    batch_size: int = Field(200, ge=1, description="Articles per task run.")
    max_item_bytes: int = Field(3 * 1024 * 1024, ge=1024, description="Largest file or JSONL line read.")
    alert_max_attempts: int = Field(8, ge=1)
    prefect_startup_timeout: int = Field(
        120, ge=5, description="Seconds to wait for Prefect's temporary server."
    )
    poll_every: timedelta = Field(
        timedelta(minutes=5), description="`serve`: how often the poll deployment runs (30s, 5m, 1h)."
    )
    poll_cron: str | None = Field(None, description="`serve`: a cron schedule for polling, instead.")
    sweep_every: timedelta = Field(
        timedelta(minutes=10), description="`serve`: how often pending alerts are swept up and sent."
    )
    alert_window: timedelta = Field(
        timedelta(seconds=15),
        description="`serve`: a burst of detected events within this window starts one delivery run.",
    )
    poll_runs: int = Field(1, ge=1, description="`serve`/pools: poll runs at once (each claims its sources).")
    telemetry: bool = Field(
        False, description="Let Prefect send its anonymous usage data (server analytics and client)."
    )
    web_token: str | None = Field(
        None, description="`web`: the token a browser or client must give; needed to bind beyond loopback."
    )
    web_port: int = Field(8000, ge=1, le=65535, description="`web` and `serve`: the web view's port.")
    prefect_port: int = Field(
        4200, ge=1, le=65535, description="`serve`: port of the local Prefect server it starts."
    )

    @field_validator("poll_every", "sweep_every", "alert_window", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip() and value.strip()[-1] in "smhd":
            try:
                return parse_duration(value.strip(), "duration")
            except RulesError as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("apprise_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [u for u in value.replace(",", " ").split() if u]
        return value

    @field_validator("poll_every", "sweep_every", "alert_window")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be a positive duration")
        return value

    @property
    def database_url(self) -> str:
        if self.db_url:
            return self.db_url
        return f"sqlite:///{(self.data_dir / 'tradewatch.db').expanduser().absolute()}"

    def environment(self) -> dict[str, str]:
        """The ``TRADEWATCH_*`` variables that give a child process (a flow run
        a deployment starts) these settings: the fields set explicitly."""
        env: dict[str, str] = {}
        for name in sorted(self.model_fields_set):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, list):
                text = " ".join(map(str, value))
            elif isinstance(value, timedelta):
                text = f"{int(value.total_seconds())}s"
            elif isinstance(value, bool):
                text = "true" if value else "false"
            else:
                text = str(value)
            env[f"TRADEWATCH_{name.upper()}"] = text
        return env
