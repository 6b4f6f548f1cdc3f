"""events: when they happened (``occurred``), recap-only events (``background``),
the extractor's confidence and whether it judged the event news to alert on; mentions: whether the article only recaps

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occurred", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("background", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("alertable", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("event_mentions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("background", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("event_mentions", schema=None) as batch_op:
        batch_op.drop_column("background")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("alertable")
        batch_op.drop_column("confidence")
        batch_op.drop_column("background")
        batch_op.drop_column("occurred")
