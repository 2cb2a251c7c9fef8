"""``marsad db``, ``marsad programmes``, ``marsad applications``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from marsad.cli.context import print_json, state, user_errors

if TYPE_CHECKING:
    from marsad.operational import Database

db_app = typer.Typer(help="The operational database.", no_args_is_help=True)
programmes_app = typer.Typer(help="The programme catalogue.", no_args_is_help=True)
applications_app = typer.Typer(help="Applications to programmes.", no_args_is_help=True)


def open_database(ctx: typer.Context) -> Database:
    from marsad.operational import Database, migrate

    url = state(ctx).settings().operational_url
    migrate(url)
    return Database(url)


@db_app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Create or migrate the operational database to the latest revision."""
    from marsad.operational.db import current_revision

    st = state(ctx)
    with user_errors(st):
        database = open_database(ctx)
        revision = current_revision(database.url)
        database.dispose()
    st.console.print(f"Base opérationnelle à la révision {revision}.")


@programmes_app.command("list")
def list_programmes(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """The programmes of the catalogue with their instruments and rules."""
    from marsad.programmes.service import catalogue

    st = state(ctx)
    with user_errors(st):
        programmes = catalogue()
    if as_json:
        print_json([p.model_dump(mode="json") for p in programmes.values()])
        return
    table = Table("programme", "opérateur", "budget (MAD)", "instruments", "règles")
    for p in programmes.values():
        table.add_row(
            p.code,
            p.operator,
            "non publié" if p.budget_mad is None else f"{p.budget_mad:,.0f}",
            ", ".join(i.kind for i in p.instruments),
            str(len(p.eligibility)),
        )
    st.console.print(table)


@programmes_app.command("seed")
def seed(
    ctx: typer.Context,
    envelope: list[str] = typer.Option(
        [], "--envelope", help="CODE=AMOUNT for a programme whose envelope is not published."
    ),
    demo: bool = typer.Option(False, "--demo", help="Also demo users and applications."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Write the catalogue's budgets into the operational database."""
    from marsad.errors import InvalidInput
    from marsad.programmes.demo import seed_demo
    from marsad.programmes.service import seed_budgets

    st = state(ctx)
    with user_errors(st):
        envelopes: dict[str, Decimal] = {}
        for item in envelope:
            code, _, amount = item.partition("=")
            try:
                envelopes[code.strip()] = Decimal(amount)
            except InvalidOperation:
                raise InvalidInput(f"Enveloppe invalide : {item!r} (CODE=MONTANT).") from None
        database = open_database(ctx)
        budgets = seed_budgets(database, envelopes)
        summary = seed_demo(st.settings(), database).to_dict() if demo else None
        database.dispose()
    if as_json:
        print_json({"budgets": {k: str(v) for k, v in budgets.items()}, "demo": summary})
        return
    for code, budget in budgets.items():
        st.console.print(f"{code} : {budget:,.0f} MAD")
    if summary:
        st.console.print(
            f"Démonstration : {summary['applications']} demandes {summary['by_status']}"
        )


@applications_app.command("import")
def import_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    as_user: str = typer.Option(..., "--as", help="The user the applications are made by."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Import applications from a CSV file (exit 1 when a row is refused)."""
    from sqlalchemy import select

    from marsad.errors import NotFound
    from marsad.operational.auth import Actor
    from marsad.operational.people import User
    from marsad.programmes.imports import import_applications

    st = state(ctx)
    with user_errors(st):
        database = open_database(ctx)
        with database.session() as session:
            user = session.scalar(select(User).where(User.username == as_user))
            if user is None:
                raise NotFound(f"L'utilisateur {as_user} n'existe pas.")
            actor = Actor(user.id, user.username, user.role, user.chamber_code)
        report = import_applications(st.settings(), database, actor, file)
        database.dispose()
    if as_json:
        print_json(report.to_dict())
    else:
        st.console.print(
            f"{report.received} lignes reçues, {report.imported} demandes créées, "
            f"{report.refused} refusées"
        )
        for issue in report.issues[:50]:
            st.console.print(
                f"  ligne {issue.row} [{issue.column}] {issue.rule} {issue.value!r} : "
                f"{issue.message}",
                highlight=False,
            )
    if not report.valid:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.add_typer(programmes_app, name="programmes")
    app.add_typer(applications_app, name="applications")
