"""jobs.kind: what a job does (transcription or minutes), a column instead of a key hidden in its JSON options

Revision ID: 0009_job_kind
Revises: 0008_sealed_secrets
Create Date: 2026-12-05 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_job_kind"
down_revision = "0008_sealed_secrets"
branch_labels = None
depends_on = None

_jobs = sa.table(
    "jobs", sa.column("id", sa.String(32)), sa.column("kind", sa.String(20)), sa.column("options", sa.JSON)
)


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="transcription"))
    connection = op.get_bind()
    # Only minutes jobs carried a kind (`{"kind": "minutes", …}`); the text match narrows the rows read.
    named = connection.execute(
        sa.select(_jobs.c.id, _jobs.c.options).where(sa.cast(_jobs.c.options, sa.Text).like('%"kind"%'))
    ).all()
    for job_id, options in named:
        if isinstance(options, dict) and options.get("kind") == "minutes":
            rest = {key: value for key, value in options.items() if key != "kind"}
            connection.execute(_jobs.update().where(_jobs.c.id == job_id).values(kind="minutes", options=rest))


def downgrade() -> None:
    connection = op.get_bind()
    minutes = connection.execute(sa.select(_jobs.c.id, _jobs.c.options).where(_jobs.c.kind == "minutes")).all()
    for job_id, options in minutes:
        connection.execute(_jobs.update().where(_jobs.c.id == job_id).values(options={**options, "kind": "minutes"}))
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("kind")
