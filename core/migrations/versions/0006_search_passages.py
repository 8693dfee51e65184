"""search_passages: full-text search over transcripts and minutes (SQLite FTS5, PostgreSQL tsvector)

Existing transcripts are indexed by 0015 (with the code of today, which writes tables this revision does not
have yet); existing minutes by `gobang search reindex`.

Revision ID: 0006_search
Revises: 0005_login_failures
Create Date: 2026-12-05 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_search"
down_revision = "0005_login_failures"
branch_labels = None
depends_on = None

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # unaccent() is only STABLE (its dictionary could change); generated columns need an IMMUTABLE function
    "CREATE OR REPLACE FUNCTION gobang_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$",
    # Plain columns, written with each row by `core.search.engines`. Databases that ran this revision before
    # 0011 had generated columns; 0011 makes them plain.
    "ALTER TABLE search_passages ADD COLUMN tsv_exact tsvector",
    "ALTER TABLE search_passages ADD COLUMN tsv_folded tsvector",
    "CREATE INDEX ix_search_passages_tsv_exact ON search_passages USING gin (tsv_exact)",
    "CREATE INDEX ix_search_passages_tsv_folded ON search_passages USING gin (tsv_folded)",
    "CREATE INDEX ix_search_passages_speaker_trgm ON search_passages USING gin (speaker_key gin_trgm_ops)",
]
SQLITE = "CREATE VIRTUAL TABLE search_fts USING fts5(text, folded, tokenize = 'unicode61 remove_diacritics 0')"


def upgrade() -> None:
    op.create_table(
        "search_passages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("recording_id", sa.String(32), sa.ForeignKey("recordings.id"), nullable=False, index=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("speaker", sa.String(200), nullable=False),
        sa.Column("speaker_key", sa.String(200), nullable=False, index=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("word_times", sa.Text(), nullable=False),
    )
    bind = op.get_bind()
    for statement in POSTGRES if bind.dialect.name == "postgresql" else [SQLITE]:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_table("search_passages")
        op.execute("DROP FUNCTION IF EXISTS gobang_fold(text)")
    else:
        op.execute("DROP TABLE search_fts")
        op.drop_table("search_passages")
