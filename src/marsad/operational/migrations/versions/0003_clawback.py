"""clawback of an application

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 02:28:00.811262
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "clawed_back_mad",
                sa.Numeric(precision=16, scale=2),
                server_default="0",
                nullable=False,
            )
        )
        batch_op.create_check_constraint(
            "clawed_back", "clawed_back_mad >= 0 AND clawed_back_mad <= paid_mad"
        )


def downgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint("ck_applications_clawed_back", type_="check")
        batch_op.drop_column("clawed_back_mad")
