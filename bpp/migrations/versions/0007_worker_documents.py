"""worker onboarding documents

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 10:00:00.000000

The police verification certificate and ID proof staff upload for a worker: the file is kept outside the
database (settings.documents_dir) under its SHA-256 checksum; this table says whose it is and what it is.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bpp.storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "worker_documents",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("worker_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_worker_documents_worker", "worker_documents", ["worker_id", "kind", "uploaded_at"])


def downgrade() -> None:
    op.drop_index("ix_worker_documents_worker", table_name="worker_documents")
    op.drop_table("worker_documents")
