"""search_speakers: the speaker filter looks names up in a table of its own, not a trigram index on every passage

The `pg_trgm` index on `search_passages.speaker_key` was updated for every passage saved (3.5 ms of the
server's ~26 ms of CPU to index a transcript of 10 000 words); the names are a few hundred. The filter now
finds the names that contain the asked words in `search_speakers`, then their passages by the b-tree on
`speaker_key`.

Every current transcript is indexed here again, as `gobang search reindex` does (0006 indexed the transcripts
stored before it with the code of its day; today's code writes `search_speakers` too): a minute or two
for 2 000 transcripts.

Revision ID: 0014_search_speakers
Revises: 0013_recording_idempotency_key
Create Date: 2026-12-05 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

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
    from core.transcript_store import TRANSCRIPTS

    with Session(bind=op.get_bind(), join_transaction_mode="create_savepoint") as session:
        TRANSCRIPTS.reindex(session)
        session.commit()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_search_passages_speaker_trgm ON search_passages USING gin (speaker_key gin_trgm_ops)"
        )
    op.drop_table("search_speakers")
