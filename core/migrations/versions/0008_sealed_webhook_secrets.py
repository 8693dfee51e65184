"""webhooks.secret widened for sealed (encrypted) signing secrets; they are sealed at the server's start

Revision ID: 0008_sealed_secrets
Revises: 0007_live
Create Date: 2026-12-05 15:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_sealed_secrets"
down_revision = "0007_live"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhooks") as batch:
        batch.alter_column("secret", type_=sa.String(600), existing_type=sa.String(200), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("webhooks") as batch:
        batch.alter_column("secret", type_=sa.String(200), existing_type=sa.String(600), existing_nullable=False)
