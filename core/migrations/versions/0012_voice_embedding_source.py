"""voice_embeddings.source: whether an embedding came from an enrolment or from an accepted voice login

Voice login may add the embedding of a login accepted with a wide margin to the user's voiceprint
(`voice.adapt`); admins must see how much of a voiceprint came that way and be able to drop it. Every embedding
stored before is an enrolment's.

Revision ID: 0012_voice_embedding_source
Revises: 0011_search_tsvector_columns
Create Date: 2026-12-05 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_voice_embedding_source"
down_revision = "0011_search_tsvector_columns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("voice_embeddings") as batch:
        batch.add_column(sa.Column("source", sa.String(20), nullable=False, server_default="enrolment"))


def downgrade() -> None:
    with op.batch_alter_table("voice_embeddings") as batch:
        batch.drop_column("source")
