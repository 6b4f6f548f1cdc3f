"""Write the next Alembic revision from the models: ``python -m storage.revision MESSAGE``."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

__all__ = ["new_revision"]


def new_revision(message: str) -> None:
    from alembic import command

    from .database import _alembic_config, _head, create_engine, upgrade

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        upgrade(engine)
        with engine.begin() as conn:
            number = int(_head().split("_")[0]) + 1
            command.revision(
                _alembic_config(conn), message=message, autogenerate=True, rev_id=f"{number:04d}"
            )
        engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m storage.revision MESSAGE")
    new_revision(sys.argv[1])
