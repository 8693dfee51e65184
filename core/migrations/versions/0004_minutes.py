"""minutes and minutes_versions: the biên bản of a recording, versioned like its transcript

Revision ID: 0004
Revises: 0003_recording_search
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003_recording_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "minutes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("recording_id", sa.String(32), sa.ForeignKey("recordings.id"), nullable=False, unique=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "minutes_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("minutes_id", sa.Integer(), sa.ForeignKey("minutes.id"), nullable=False, index=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("transcript_version", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(120), nullable=False),
        sa.Column("comment", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("minutes_id", "version"),
    )


def downgrade() -> None:
    op.drop_table("minutes_versions")
    op.drop_table("minutes")
