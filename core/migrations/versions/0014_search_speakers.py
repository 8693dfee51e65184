"""search_speakers: the speaker filter looks names up in a table of its own, not a trigram index on every passage

The `pg_trgm` index on `search_passages.speaker_key` was updated for every passage saved (3.5 ms of the
server's ~26 ms of CPU to index a transcript of 10 000 words); the names are a few hundred. The filter now
finds the names that contain the asked words in `search_speakers`, then their passages by the b-tree on
`speaker_key`.

The transcripts stored before 0006 are indexed by 0015, with the code of today (which writes
`search_speakers` and `search_passages.syllables`).

Revision ID: 0014_search_speakers
Revises: 0013_recording_idempotency_key
Create Date: 2026-12-05 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_search_speakers"
down_revision = "0013_recording_idempotency_key"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("search_speakers", sa.Column("key", sa.String(200), primary_key=True))
    op.execute(
        "INSERT INTO search_speakers (key) SELECT DISTINCT speaker_key FROM search_passages WHERE speaker_key <> ''"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_search_passages_speaker_trgm")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_search_passages_speaker_trgm ON search_passages USING gin (speaker_key gin_trgm_ops)"
        )
    op.drop_table("search_speakers")
