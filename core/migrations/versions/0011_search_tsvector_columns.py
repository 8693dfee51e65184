"""search_passages on PostgreSQL: the tsvectors become plain columns written with each row

The generated columns ran `regexp_replace` and `unaccent` in the database for every passage saved; the forms
are now made once in Python (`core.search.text.indexed_forms`, the same as SQLite's) and only parsed by
`to_tsvector`. The existing values are kept: they are the same tsvectors. Nothing changes on SQLite.

Revision ID: 0011_search_tsvector_columns
Revises: 0010_voiceprints_db
Create Date: 2026-12-05 16:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0011_search_tsvector_columns"
down_revision = "0010_voiceprints_db"
branch_labels = None
depends_on = None

SYLLABLES = r"regexp_replace(text, '[^[:alnum:]]+', ' ', 'g')"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in ("exact", "folded"):
        op.execute(f"ALTER TABLE search_passages ADD COLUMN tsv_{name}_plain tsvector")
        op.execute(f"UPDATE search_passages SET tsv_{name}_plain = tsv_{name}")
        op.execute(f"ALTER TABLE search_passages DROP COLUMN tsv_{name}")  # and its index
        op.execute(f"ALTER TABLE search_passages RENAME COLUMN tsv_{name}_plain TO tsv_{name}")
        op.execute(f"CREATE INDEX ix_search_passages_tsv_{name} ON search_passages USING gin (tsv_{name})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    forms = {"exact": SYLLABLES, "folded": f"gobang_fold({SYLLABLES})"}
    for name, form in forms.items():
        op.execute(f"ALTER TABLE search_passages DROP COLUMN tsv_{name}")
        op.execute(
            f"ALTER TABLE search_passages ADD COLUMN tsv_{name} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {form})) STORED"
        )
        op.execute(f"CREATE INDEX ix_search_passages_tsv_{name} ON search_passages USING gin (tsv_{name})")
