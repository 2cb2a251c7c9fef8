"""advisers, missions, desk, pilots, web sessions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 01:58:50.822289
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "desk_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chamber_code", sa.String(length=20), nullable=False),
        sa.Column("person_name", sa.String(length=200), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("commune_code", sa.String(length=12), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("activity_kind", sa.String(length=20), nullable=False),
        sa.Column("activity_code", sa.String(length=10), nullable=True),
        sa.Column("expected_turnover_mad", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("eligibility_reason", sa.Text(), nullable=False),
        sa.Column("ae_number", sa.String(length=30), nullable=True),
        sa.Column("enterprise_id", sa.String(length=40), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "activity_kind IN ('commerce', 'industry', 'crafts', 'services')",
            name=op.f("ck_desk_cases_activity"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'eligible', 'ineligible', 'registering', 'registered', 'abandoned')",
            name=op.f("ck_desk_cases_status"),
        ),
        sa.CheckConstraint("expected_turnover_mad >= 0", name=op.f("ck_desk_cases_turnover")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_cases")),
    )
    with op.batch_alter_table("desk_cases", schema=None) as batch_op:
        batch_op.create_index("ix_desk_cases_chamber", ["chamber_code", "opened_at"], unique=False)

    op.create_table(
        "pilot_committees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pilot_committees")),
    )
    op.create_table(
        "advisers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=20), nullable=False),
        sa.Column("accreditation", sa.String(length=20), nullable=False),
        sa.Column("accredited_until", sa.Date(), nullable=True),
        sa.Column("specialities", sa.JSON(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("daily_rate_mad", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "accreditation IN ('pending', 'accredited', 'suspended', 'withdrawn')",
            name=op.f("ck_advisers_accreditation"),
        ),
        sa.CheckConstraint(
            "model IN ('individual', 'platform', 'resource_centre')", name=op.f("ck_advisers_model")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_advisers_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisers")),
    )
    op.create_table(
        "desk_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["desk_cases.id"], name=op.f("fk_desk_steps_case_id_desk_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_steps")),
    )
    op.create_table(
        "pilot_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["pilot_committees.id"],
            name=op.f("fk_pilot_meetings_committee_id_pilot_committees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pilot_meetings")),
    )
    op.create_table(
        "pilot_targets",
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("programme_code", sa.String(length=40), nullable=False),
        sa.Column("firms_supported", sa.Integer(), nullable=False),
        sa.Column("budget_mad", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.CheckConstraint(
            "firms_supported >= 0 AND budget_mad >= 0", name=op.f("ck_pilot_targets_positive")
        ),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["pilot_committees.id"],
            name=op.f("fk_pilot_targets_committee_id_pilot_committees"),
        ),
        sa.PrimaryKeyConstraint(
            "committee_id", "year", "programme_code", name=op.f("pk_pilot_targets")
        ),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_web_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
    )
    op.create_table(
        "missions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("adviser_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("days", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("daily_rate_mad", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("satisfaction_comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('assigned', 'in_progress', 'delivered', 'accepted', 'cancelled')",
            name=op.f("ck_missions_status"),
        ),
        sa.CheckConstraint("days > 0", name=op.f("ck_missions_days")),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_missions_dates")
        ),
        sa.ForeignKeyConstraint(
            ["adviser_id"], ["advisers.id"], name=op.f("fk_missions_adviser_id_advisers")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_missions_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missions")),
    )
    with op.batch_alter_table("missions", schema=None) as batch_op:
        batch_op.create_index("ix_missions_adviser", ["adviser_id"], unique=False)

    op.create_table(
        "pilot_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.CheckConstraint("kind IN ('decision', 'action')", name=op.f("ck_pilot_actions_kind")),
        sa.CheckConstraint(
            "status IN ('open', 'done', 'dropped')", name=op.f("ck_pilot_actions_status")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["pilot_meetings.id"],
            name=op.f("fk_pilot_actions_meeting_id_pilot_meetings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pilot_actions")),
    )
    op.create_table(
        "deliverables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mission_id"], ["missions.id"], name=op.f("fk_deliverables_mission_id_missions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliverables")),
    )


def downgrade() -> None:

    op.drop_table("deliverables")
    op.drop_table("pilot_actions")
    with op.batch_alter_table("missions", schema=None) as batch_op:
        batch_op.drop_index("ix_missions_adviser")

    op.drop_table("missions")
    op.drop_table("web_sessions")
    op.drop_table("pilot_targets")
    op.drop_table("pilot_meetings")
    op.drop_table("desk_steps")
    op.drop_table("advisers")
    op.drop_table("pilot_committees")
    with op.batch_alter_table("desk_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_desk_cases_chamber")

    op.drop_table("desk_cases")
