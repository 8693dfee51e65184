"""search_passages: the engines index only the folded syllables; exact mode checks `syllables`

Writing a passage's two tsvectors (exact and folded) and their two GIN indexes was most of a save's cost on
PostgreSQL; SQLite's FTS5 table indexed both forms too. A passage now keeps its exact syllables as plain text
(`syllables`); the engines index the folded ones, and exact mode keeps the folded matches whose `syllables`
hold the asked phrase. On SQLite the FTS5 table is made again with the folded column only. On PostgreSQL the
speaker filter's names (`search_speakers`, written only when a new name appears) get a trigram index, so that
any part of a name is found without reading every name of a large assembly's archive.

The passages of minutes get their `syllables` here; every current transcript is indexed again, as
`gobang search reindex` does (with the code of today: the revisions before this one, 0006 and 0014, no longer
index; a later change to what a passage holds moves this step to its own revision). A minute or two for
2 000 transcripts.

Revision ID: 0015_search_folded_index_only
Revises: 0014_search_speakers
Create Date: 2026-12-06 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0015_search_folded_index_only"
down_revision = "0014_search_speakers"
branch_labels = None
depends_on = None

FTS5 = "CREATE VIRTUAL TABLE {name} USING fts5({columns}, tokenize = 'unicode61 remove_diacritics 0')"


def upgrade() -> None:
    from core.search.text import indexed_forms
    from core.transcript_store import TRANSCRIPTS

    bind = op.get_bind()
    op.add_column("search_passages", sa.Column("syllables", sa.Text(), nullable=False, server_default=""))
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TABLE search_fts")
        op.execute(FTS5.format(name="search_fts", columns="folded"))
    else:
        op.execute("DROP INDEX ix_search_passages_tsv_exact")
        op.execute("ALTER TABLE search_passages DROP COLUMN tsv_exact")
        op.execute("CREATE INDEX ix_search_speakers_key_trgm ON search_speakers USING gin (key gin_trgm_ops)")
    others = bind.execute(sa.text("SELECT id, text FROM search_passages WHERE source <> 'transcript'")).all()
    forms = [(passage_id, *indexed_forms(text)) for passage_id, text in others]
    if forms:
        bind.execute(
            sa.text("UPDATE search_passages SET syllables = :syllables WHERE id = :id"),
            [{"id": i, "syllables": syllables} for i, syllables, _ in forms],
        )
        if sqlite:
            bind.execute(
                sa.text("INSERT INTO search_fts (rowid, folded) VALUES (:id, :folded)"),
                [{"id": i, "folded": folded} for i, _, folded in forms],
            )
    with Session(bind=bind, join_transaction_mode="create_savepoint") as session:
        TRANSCRIPTS.reindex(session)
        session.commit()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(FTS5.format(name="search_fts_both", columns="text, folded"))
        op.execute(
            "INSERT INTO search_fts_both (rowid, text, folded) SELECT f.rowid, p.syllables, f.folded "
            "FROM search_fts f JOIN search_passages p ON p.id = f.rowid"
        )
        op.execute("DROP TABLE search_fts")
        op.execute("ALTER TABLE search_fts_both RENAME TO search_fts")
    else:
        op.execute("DROP INDEX ix_search_speakers_key_trgm")
        op.execute("ALTER TABLE search_passages ADD COLUMN tsv_exact tsvector")
        op.execute("UPDATE search_passages SET tsv_exact = to_tsvector('simple'::regconfig, syllables)")
        op.execute("CREATE INDEX ix_search_passages_tsv_exact ON search_passages USING gin (tsv_exact)")
    op.drop_column("search_passages", "syllables")
