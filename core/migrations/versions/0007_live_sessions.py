"""live_sessions: meetings streamed while they happen (issue 21)

Revision ID: 0007_live
Revises: 0006_search
Create Date: 2026-12-05 14:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_live"
down_revision = "0006_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_sessions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("org_unit_id", sa.Integer(), sa.ForeignKey("org_units.id"), nullable=True),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("ended", sa.Boolean(), nullable=False),
        sa.Column("recording_id", sa.String(32), sa.ForeignKey("recordings.id"), nullable=True),
        sa.Column("job_id", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("live_sessions")
