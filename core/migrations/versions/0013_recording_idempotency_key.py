"""recordings.idempotency_key: a one-request upload sent again with the same Idempotency-Key is not stored twice

The caller-scoped hash of the key (as `uploads.idempotency_key`), unique: a client that lost the answer to
`POST /recordings` (a dropped connection) sends it again and gets the recording the first request made.

Revision ID: 0013_recording_idempotency_key
Revises: 0012_voice_embedding_source
Create Date: 2026-12-05 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_recording_idempotency_key"
down_revision = "0012_voice_embedding_source"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_recordings_idempotency_key", ["idempotency_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.drop_index("ix_recordings_idempotency_key")
        batch_op.drop_column("idempotency_key")
