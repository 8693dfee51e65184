"""recordings.search_text: metadata folded for case- and diacritic-insensitive search

Revision ID: 0003_recording_search
Revises: 0002
Create Date: 2026-11-23 17:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_recording_search"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.drop_column("search_text")
