"""stories: profiles, sizes and an index of their terms; articles: what story matching read

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("profile", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("size", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("story_terms", sa.JSON(), nullable=True))
    op.create_table(
        "story_keys",
        sa.Column("key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("story_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"]),
        sa.PrimaryKeyConstraint("key", "story_id"),
    )
    # stories stored before this revision (one per article) get no profile: they
    # keep their articles and nothing new joins them


def downgrade() -> None:
    op.drop_table("story_keys")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("story_terms")
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_column("size")
        batch_op.drop_column("profile")
