"""Package hygiene: exported members exist, and the house rules hold."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import extractors
import flows
import storage

PACKAGES = [extractors, storage, flows]
MODULES = sorted(
    m.name
    for pkg in PACKAGES
    for m in pkgutil.walk_packages(pkg.__path__, f"{pkg.__name__}.")
    if ".migrations" not in m.name
)


@pytest.mark.parametrize("name", MODULES)
def test_exported_members_exist(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} declares no __all__"
    for member in exported:
        assert hasattr(module, member), f"{name}.__all__ names missing {member!r}"


def test_extractors_and_storage_never_import_prefect() -> None:
    code = (
        "import importlib, pkgutil, sys, extractors, storage\n"
        "for pkg in (extractors, storage):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__):\n"
        "        if m.name != 'migrations': importlib.import_module(f'{pkg.__name__}.{m.name}')\n"
        "print('prefect' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_read_only_cli_commands_do_not_load_prefect() -> None:
    code = "import sys, flows.cli; print('prefect' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


HEAVY_FOR_READS = (
    "prefect",
    "trafilatura",
    "apprise",
    "alembic",
    "datasketch",
    "wordfreq",
    "concurrent.futures.process",
)


@pytest.mark.parametrize(
    "command",
    [["events"], ["events", "--json"], ["stories"], ["articles"], ["alerts"], ["sources", "list"]],
    ids=" ".join,
)
def test_read_commands_import_nothing_heavy(command: list[str], sqlite_url: str) -> None:
    """A read command runs against a database at the current revision without
    importing Prefect, trafilatura, apprise, Alembic or the worker pool."""
    from storage.database import open_engine

    open_engine(sqlite_url).dispose()  # migrated here, so the command only reads
    code = (
        "import sys\n"
        "from flows.cli import app\n"
        f"try: app({[*command, '--db', sqlite_url]!r})\n"
        "except SystemExit as e: assert not e.code, e.code\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules if m.startswith({HEAVY_FOR_READS!r})}}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout
