"""operational database: people, programmes, applications

Revision ID: 0001
Revises:
Create Date: 2026-11-29 01:56:52.623578
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.create_index("ix_access_log_subject", ["subject"], unique=False)

    op.create_table(
        "enterprise_commitments",
        sa.Column("enterprise_id", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=60), nullable=False),
        sa.Column("cap_mad", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("committed_mad", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.CheckConstraint(
            "committed_mad >= 0 AND committed_mad <= cap_mad",
            name=op.f("ck_enterprise_commitments_within_cap"),
        ),
        sa.PrimaryKeyConstraint("enterprise_id", "scope", name=op.f("pk_enterprise_commitments")),
    )
    op.create_table(
        "programme_budgets",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("operator", sa.String(length=40), nullable=False),
        sa.Column("budget_mad", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("committed_mad", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("paid_mad", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.CheckConstraint(
            "committed_mad >= 0 AND committed_mad <= budget_mad",
            name=op.f("ck_programme_budgets_committed"),
        ),
        sa.CheckConstraint(
            "paid_mad >= 0 AND paid_mad <= committed_mad", name=op.f("ck_programme_budgets_paid")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_programme_budgets")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("chamber_code", sa.String(length=20), nullable=True),
        sa.Column("partner_code", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('administrator', 'analyst', 'programme_manager', 'adviser', 'desk_agent', 'data_steward', 'public')",
            name=op.f("ck_users_role"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_api_tokens_token_sha256")),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_code", sa.String(length=40), nullable=False),
        sa.Column("enterprise_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("project", sa.JSON(), nullable=False),
        sa.Column("instrument", sa.Integer(), nullable=False),
        sa.Column("requested_mad", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("approved_mad", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("paid_mad", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("eligibility", sa.JSON(), nullable=False),
        sa.Column("score", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("chamber_code", sa.String(length=20), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'eligible', 'ineligible', 'appraised', 'approved', 'rejected', 'agreement', 'closed', 'clawed_back')",
            name=op.f("ck_applications_status"),
        ),
        sa.CheckConstraint("approved_mad >= 0", name=op.f("ck_applications_approved")),
        sa.CheckConstraint(
            "paid_mad >= 0 AND paid_mad <= approved_mad", name=op.f("ck_applications_paid")
        ),
        sa.CheckConstraint("requested_mad >= 0", name=op.f("ck_applications_requested")),
        sa.ForeignKeyConstraint(
            ["programme_code"],
            ["programme_budgets.code"],
            name=op.f("fk_applications_programme_code_programme_budgets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index("ix_applications_enterprise", ["enterprise_id"], unique=False)
        batch_op.create_index(
            "ix_applications_programme_status", ["programme_code", "status"], unique=False
        )

    op.create_table(
        "application_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_events_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_events")),
    )
    with op.batch_alter_table("application_events", schema=None) as batch_op:
        batch_op.create_index("ix_application_events_application", ["application_id"], unique=False)

    op.create_table(
        "tranches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("amount_mad", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("milestone", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.Column("paid_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint(
            "status IN ('planned', 'paid', 'cancelled')", name=op.f("ck_tranches_status")
        ),
        sa.CheckConstraint("amount_mad > 0", name=op.f("ck_tranches_amount")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_tranches_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tranches")),
        sa.UniqueConstraint("application_id", "seq", name=op.f("uq_tranches_application_id")),
    )


def downgrade() -> None:
    op.drop_table("tranches")
    with op.batch_alter_table("application_events", schema=None) as batch_op:
        batch_op.drop_index("ix_application_events_application")

    op.drop_table("application_events")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_programme_status")
        batch_op.drop_index("ix_applications_enterprise")

    op.drop_table("applications")
    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_table("programme_budgets")
    op.drop_table("enterprise_commitments")
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_access_log_subject")

    op.drop_table("access_log")
