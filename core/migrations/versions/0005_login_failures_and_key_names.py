"""logins locked per (account, client address); API key names unique among a unit's unrevoked keys

Review findings F13 and F4 (issue 13). Account-wide lock counters (`users.failed_logins`,
`users.locked_until`) are replaced by `login_failures`; running account-wide locks are dropped (they were
what let a stranger lock anyone out). Duplicate key names within a unit are renamed "<name> (<prefix>)",
oldest first keeps its name, so the unique index can be built; keys keep working (the prefix is their id).

Revision ID: 0005_login_failures
Revises: 0004
Create Date: 2026-12-05 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_login_failures"
down_revision = "0004"
branch_labels = None
depends_on = None


def _rename_duplicate_key_names() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, prefix, name, org_unit_id FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at, id")
    ).all()
    seen: set[tuple[int, str]] = set()
    for key_id, prefix, name, unit in rows:
        slot = (unit or 0, name)
        if slot in seen:
            bind.execute(
                sa.text("UPDATE api_keys SET name = :name WHERE id = :id"), {"name": f"{name} ({prefix})", "id": key_id}
            )
        seen.add(slot)


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "client"),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")
    _rename_duplicate_key_names()
    op.create_index(
        "uq_api_keys_unit_name",
        "api_keys",
        [sa.text("coalesce(org_unit_id, 0)"), "name"],
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
        sqlite_where=sa.text("revoked_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_api_keys_unit_name", table_name="api_keys")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
    op.drop_table("login_failures")
