"""voice_people, voice_embeddings: voiceprints in the service database; the old SQLite file's people moved in

Every worker now sees the same enrolled people without a shared file. The file (`voiceprints_path`, handed to
`core.db.migrate`) is read if it exists, its people and embeddings copied, and it is renamed `*.migrated`
(kept, not deleted: it is the only copy should anything go wrong). People of a unit the database no longer
has go to no unit, where administrators see and assign them.

Revision ID: 0010_voiceprints_db
Revises: 0009_job_kind
Create Date: 2026-12-05 16:30:00
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0010_voiceprints_db"
down_revision = "0009_job_kind"
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")

_people = sa.table(
    "voice_people",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("org_unit_id", sa.Integer),
    sa.column("created_by", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
_embeddings = sa.table(
    "voice_embeddings",
    sa.column("person_id", sa.Integer),
    sa.column("model_id", sa.String),
    sa.column("dim", sa.Integer),
    sa.column("vector", sa.LargeBinary),
    sa.column("seconds", sa.Float),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table(
        "voice_people",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), sa.ForeignKey("org_units.id"), nullable=True),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_voice_people_org_unit_id", "voice_people", ["org_unit_id"])
    op.create_index(
        "uq_voice_people_unit_name", "voice_people", [sa.func.coalesce(sa.text("org_unit_id"), 0), "name"], unique=True
    )
    op.create_table(
        "voice_embeddings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("voice_people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_voice_embeddings_model_person", "voice_embeddings", ["model_id", "person_id"])
    config = op.get_context().config
    legacy = config.attributes.get("voiceprints_file") if config is not None else None
    if legacy is not None and Path(legacy).is_file():
        _move_file(Path(legacy))


def _instant(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _move_file(path: Path) -> None:
    """Copy the people and embeddings of an old voiceprint file (schema 1 or 2), then rename it `*.migrated`."""
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        columns = {row[1] for row in source.execute("PRAGMA table_info(people)")}
        if not columns:
            people, vectors = [], []
        elif "unit" in columns:  # schema 2: people keyed by (unit, name), unit 0 is no unit
            people = source.execute("SELECT id, name, unit, created_at FROM people").fetchall()
            vectors = source.execute(
                "SELECT person, model_id, dim, vector, seconds, created_at FROM embeddings ORDER BY id"
            ).fetchall()
        else:  # schema 1: no units, embeddings keyed by name
            people = source.execute("SELECT rowid, name, 0, created_at FROM people").fetchall()
            vectors = source.execute(
                "SELECT p.rowid, e.model_id, e.dim, e.vector, e.seconds, e.created_at"
                " FROM embeddings e JOIN people p ON p.name = e.name ORDER BY e.id"
            ).fetchall()
    finally:
        source.close()
    bind = op.get_bind()
    units = set(bind.scalars(sa.text("SELECT id FROM org_units")).all())
    taken: set[tuple[int | None, str]] = set()
    ids: dict[int, int] = {}
    for old_id, name, unit, created_at in people:
        org_unit_id = unit if unit in units else None
        if unit and org_unit_id is None:  # the unit is gone: the person waits, in no unit, to be assigned
            name = f"{name} (đơn vị {unit})"
        if (org_unit_id, name) in taken:
            continue
        taken.add((org_unit_id, name))
        moment = _instant(created_at)
        ids[old_id] = bind.execute(
            sa.insert(_people)
            .values(name=name, org_unit_id=org_unit_id, created_by="migration", created_at=moment, updated_at=moment)
            .returning(_people.c.id)
        ).scalar_one()
    rows = [
        {
            "person_id": ids[person],
            "model_id": model_id,
            "dim": dim,
            "vector": bytes(vector),
            "seconds": seconds,
            "created_at": _instant(created_at),
        }
        for person, model_id, dim, vector, seconds, created_at in vectors
        if person in ids
    ]
    if rows:
        bind.execute(sa.insert(_embeddings), rows)
    path.rename(path.with_name(path.name + ".migrated"))
    logger.info("voiceprints_migrated file=%s people=%d embeddings=%d", path, len(ids), len(rows))


def downgrade() -> None:
    op.drop_table("voice_embeddings")
    op.drop_table("voice_people")
