"""matchmaking: profiles, their history, proposals, meetings, outcomes, members

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 02:43:29.901521
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("activity_codes", sa.JSON(), nullable=False),
        sa.Column("certifications", sa.JSON(), nullable=False),
        sa.Column("capacity_mad", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("site_region", sa.String(length=2), nullable=True),
        sa.Column("regions_served", sa.JSON(), nullable=False),
        sa.Column("sizes_sought", sa.JSON(), nullable=False),
        sa.Column("excluded", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("chamber_code", sa.String(length=20), nullable=True),
        sa.Column("source_key", sa.String(length=40), nullable=True),
        sa.Column("renewals", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("validated_by", sa.String(length=120), nullable=True),
        sa.Column("validated_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('business_offer', 'business_request', 'subcontracting_request', 'technology_offer', 'technology_request')",
            name=op.f("ck_match_profiles_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'published', 'rejected', 'expired', 'withdrawn')",
            name=op.f("ck_match_profiles_status"),
        ),
        sa.CheckConstraint(
            "capacity_mad IS NULL OR capacity_mad >= 0", name=op.f("ck_match_profiles_capacity")
        ),
        sa.CheckConstraint("renewals >= 0", name=op.f("ck_match_profiles_renewals")),
        sa.CheckConstraint("valid_until >= valid_from", name=op.f("ck_match_profiles_validity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_profiles")),
        sa.UniqueConstraint("source_key", name=op.f("uq_match_profiles_source_key")),
    )
    with op.batch_alter_table("match_profiles", schema=None) as batch_op:
        batch_op.create_index("ix_match_profiles_enterprise", ["enterprise_id"], unique=False)
        batch_op.create_index("ix_match_profiles_status_kind", ["status", "kind"], unique=False)

    op.create_table(
        "match_members",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.String(length=40), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_match_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "enterprise_id", name=op.f("pk_match_members")),
    )
    op.create_table(
        "match_profile_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["match_profiles.id"],
            name=op.f("fk_match_profile_events_profile_id_match_profiles"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_profile_events")),
    )
    with op.batch_alter_table("match_profile_events", schema=None) as batch_op:
        batch_op.create_index("ix_match_profile_events_profile", ["profile_id"], unique=False)

    op.create_table(
        "match_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(precision=6, scale=4), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("request_interest", sa.String(length=3), nullable=True),
        sa.Column("offer_interest", sa.String(length=3), nullable=True),
        sa.Column("validated_by", sa.String(length=120), nullable=True),
        sa.Column("validated_at", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "offer_interest IS NULL OR offer_interest IN ('yes', 'no')",
            name=op.f("ck_match_proposals_offer_interest"),
        ),
        sa.CheckConstraint(
            "request_interest IS NULL OR request_interest IN ('yes', 'no')",
            name=op.f("ck_match_proposals_request_interest"),
        ),
        sa.CheckConstraint(
            "status IN ('proposed', 'validated', 'dismissed', 'declined', 'connected', 'agreement', 'no_agreement')",
            name=op.f("ck_match_proposals_status"),
        ),
        sa.CheckConstraint(
            "request_id <> offer_id", name=op.f("ck_match_proposals_distinct_profiles")
        ),
        sa.CheckConstraint("score >= 0 AND score <= 1", name=op.f("ck_match_proposals_score")),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["match_profiles.id"],
            name=op.f("fk_match_proposals_offer_id_match_profiles"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["match_profiles.id"],
            name=op.f("fk_match_proposals_request_id_match_profiles"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_proposals")),
        sa.UniqueConstraint("request_id", "offer_id", name=op.f("uq_match_proposals_request_id")),
    )
    with op.batch_alter_table("match_proposals", schema=None) as batch_op:
        batch_op.create_index("ix_match_proposals_offer", ["offer_id"], unique=False)
        batch_op.create_index("ix_match_proposals_status", ["status"], unique=False)

    op.create_table(
        "match_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["match_proposals.id"],
            name=op.f("fk_match_meetings_proposal_id_match_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_meetings")),
    )
    with op.batch_alter_table("match_meetings", schema=None) as batch_op:
        batch_op.create_index("ix_match_meetings_proposal", ["proposal_id"], unique=False)

    op.create_table(
        "match_outcomes",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("agreement_type", sa.String(length=20), nullable=True),
        sa.Column("value_mad", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "agreement_type IS NULL OR agreement_type IN ('subcontracting', 'supply', 'partnership', 'technology', 'other')",
            name=op.f("ck_match_outcomes_type"),
        ),
        sa.CheckConstraint(
            "outcome = 'no_agreement' OR (agreement_type IS NOT NULL AND signed_on IS NOT NULL)",
            name=op.f("ck_match_outcomes_agreement_complete"),
        ),
        sa.CheckConstraint(
            "outcome IN ('agreement', 'no_agreement')", name=op.f("ck_match_outcomes_outcome")
        ),
        sa.CheckConstraint(
            "value_mad IS NULL OR value_mad >= 0", name=op.f("ck_match_outcomes_value")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["match_proposals.id"],
            name=op.f("fk_match_outcomes_proposal_id_match_proposals"),
        ),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_match_outcomes")),
    )


def downgrade() -> None:
    op.drop_table("match_outcomes")
    with op.batch_alter_table("match_meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_match_meetings_proposal")

    op.drop_table("match_meetings")
    with op.batch_alter_table("match_proposals", schema=None) as batch_op:
        batch_op.drop_index("ix_match_proposals_status")
        batch_op.drop_index("ix_match_proposals_offer")

    op.drop_table("match_proposals")
    with op.batch_alter_table("match_profile_events", schema=None) as batch_op:
        batch_op.drop_index("ix_match_profile_events_profile")

    op.drop_table("match_profile_events")
    op.drop_table("match_members")
    with op.batch_alter_table("match_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_match_profiles_status_kind")
        batch_op.drop_index("ix_match_profiles_enterprise")

    op.drop_table("match_profiles")
