"""near-duplicate detection: canonical URLs, MinHash signatures, LSH band keys

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("canonical_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("minhash", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("copy_of", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_articles_canonical_url"), ["canonical_url"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_copy_of"), ["copy_of"], unique=False)
        batch_op.create_foreign_key("fk_articles_copy_of", "articles", ["copy_of"], ["id"])
    op.create_table(
        "article_bands",
        sa.Column("band", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.PrimaryKeyConstraint("band", "article_id"),
    )
    # articles stored before this revision get no signature: they stay findable
    # by content hash and URL, not as near-duplicates


def downgrade() -> None:
    op.drop_table("article_bands")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_constraint("fk_articles_copy_of", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_articles_copy_of"))
        batch_op.drop_index(batch_op.f("ix_articles_canonical_url"))
        batch_op.drop_column("copy_of")
        batch_op.drop_column("minhash")
        batch_op.drop_column("canonical_url")
