"""security: sign-in throttling, expiring API tokens, deactivation and a second factor of
users, the access log chained by hashes, certificate numbers with a random part

Existing API tokens get an expiry 90 days after the upgrade; existing certificates are
renumbered with a random part (the old numbers could be enumerated).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 22:59:50.595898
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as marsad.training.certificates


def _check_digits(text: str) -> str:
    digits = "".join(str(int(c, 36)) for c in text)
    return f"{98 - int(digits + '00') % 97:02d}"


def _renumber_certificates() -> None:
    connection = op.get_bind()
    table = sa.table(
        "training_certificates",
        sa.column("number", sa.String),
        sa.column("enrolment_id", sa.Integer),
        sa.column("issued_on", sa.Date),
    )
    for number, enrolment_id, issued_on in connection.execute(
        sa.select(table.c.number, table.c.enrolment_id, table.c.issued_on)
    ).all():
        year = issued_on.year if issued_on else int(str(number)[:4])
        random_part = "".join(secrets.choice(ALPHABET) for _ in range(8))
        body = f"{year:04d}{enrolment_id:08d}{random_part}"
        new = f"{year:04d}-{enrolment_id:08d}-{random_part}-{_check_digits(body)}"
        connection.execute(table.update().where(table.c.number == number).values(number=new))


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttle")),
    )
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_access_log_at", ["at"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_access_log_seq"), ["seq"])

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
    expiry = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=90)
    tokens = sa.table("api_tokens", sa.column("expires_at", sa.DateTime))
    op.get_bind().execute(tokens.update().values(expires_at=expiry))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deactivated_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))

    _renumber_certificates()


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_secret")
        batch_op.drop_column("deactivated_at")

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")

    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_access_log_seq"), type_="unique")
        batch_op.drop_index("ix_access_log_at")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")

    op.drop_table("sign_in_throttle")
