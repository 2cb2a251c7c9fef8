"""``marsad outreach``: target lists, campaigns and their conversion, a partner's dashboard.

Every command acts as a user of the operational database (``--as``), with that user's role
and chamber: the same lists, rights and access log as the API, and the same JSON."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from marsad.cli.context import State, print_json, state, user_errors

if TYPE_CHECKING:
    from marsad.operational import Database
    from marsad.operational.auth import Actor

app = typer.Typer(
    help="Outreach: target lists, campaigns, events and partner dashboards.",
    no_args_is_help=True,
)
AS_USER = typer.Option(..., "--as", help="The user acting (their role and chamber apply).")


def _open(st: State, username: str) -> tuple[Database, Actor]:
    from sqlalchemy import select

    from marsad.errors import NotFound
    from marsad.operational import Database, migrate
    from marsad.operational.auth import Actor
    from marsad.operational.people import User

    url = st.settings().operational_url
    migrate(url)
    db = Database(url)
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username, User.active))
    if user is None:
        db.dispose()
        raise NotFound(f"L'utilisateur {username} n'existe pas ou n'est plus actif.")
    return db, Actor(user.id, user.username, user.role, user.chamber_code, user.partner_code)


def _day(text: str | None) -> date | None:
    from marsad.errors import InvalidInput

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"Date invalide : {text!r} (AAAA-MM-JJ attendu).", details=[{"field": "as_of"}]
        ) from None


@app.command("targets")
def targets(
    ctx: typer.Context,
    programme: str = typer.Option(..., "--programme", help="Programme code of the catalogue."),
    region: str | None = typer.Option(None, "--region", help="Region code (01-12)."),
    section: list[str] = typer.Option([], "--section", help="NMA section (repeatable)."),
    division: list[str] = typer.Option([], "--division", help="NMA division (repeatable)."),
    not_contacted: int | None = typer.Option(
        None, "--not-contacted-days", min=0, max=3650, help="Leave out recent contacts."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help="Reference day (default today)."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most this many lines."),
    out: Path | None = typer.Option(None, "--out", help="Write the list as CSV (logged)."),
    purpose: str = typer.Option(
        "mobilisation des entreprises cibles", "--purpose", help="Why (logged)."
    ),
    as_user: str = AS_USER,
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """Eligible enterprises of a programme that have not applied, by priority."""
    from marsad.outreach.exports import export_targets
    from marsad.outreach.targets import TargetQuery, build_targets

    st = state(ctx)
    with user_errors(st):
        db, actor = _open(st, as_user)
        query = TargetQuery(
            programme, region, list(section), list(division), not_contacted, _day(as_of), limit
        )
        found = build_targets(st.settings(), db, actor, query, purpose=purpose)
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(export_targets(db, actor, found, purpose).data)
        db.dispose()
    if as_json:
        print_json(found.to_dict())
        return
    c = found.counts
    st.console.print(
        f"{found.programme} ({found.region or 'toutes régions'}) : {c['examined']} entreprises "
        f"examinées, {c['eligible']} éligibles, {c['already_applied']} ont déjà déposé, "
        f"{c['recently_contacted']} contactées récemment, {c['listed']} à mobiliser "
        f"({found.seconds} s)",
        highlight=False,
    )
    if found.withheld_fields:
        st.console.print(
            f"Coordonnées non visibles pour votre rôle : {', '.join(found.withheld_fields)}"
        )
    table = Table("entreprise", "région", "section", "taille", "priorité", "critères",
                  *found.contact_fields)  # fmt: skip
    for r in found.rows[:50]:
        table.add_row(
            r["enterprise_id"],
            r["region_code"] or "",
            r["section"] or "",
            r["size_class"] or "",
            str(r["priority"]),
            ", ".join(r["criteria"]),
            *(str(r.get(f) or "") for f in found.contact_fields),
        )
    st.console.print(table)
    if out is not None:
        st.console.print(f"{len(found.rows)} lignes écrites dans {out}")


@app.command("campaigns")
def campaigns(
    ctx: typer.Context,
    programme: str | None = typer.Option(None, "--programme"),
    organiser: str | None = typer.Option(None, "--organiser"),
    conversion_figures: bool = typer.Option(
        False, "--conversion", help="The conversion figures instead of the list."
    ),
    as_user: str = AS_USER,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The campaigns the user may see, or their conversion figures."""
    from marsad.outreach.campaigns import list_campaigns
    from marsad.outreach.conversion import conversion
    from marsad.outreach.views import campaign_dict

    st = state(ctx)
    with user_errors(st):
        db, actor = _open(st, as_user)
        if conversion_figures:
            figures = conversion(db, actor, organiser=organiser, programme=programme)
        else:
            found = [campaign_dict(c) for c in list_campaigns(db, actor, programme=programme,
                                                             organiser=organiser)]  # fmt: skip
        db.dispose()
    if conversion_figures:
        if as_json:
            print_json(figures)
            return
        table = Table("campagne", "ciblées", "contactées", "jointes", "intéressées", "demandes",
                      "conversion")  # fmt: skip
        for c in figures["campaigns"]:
            rate = "—" if c["conversion_rate"] is None else f"{c['conversion_rate']:.1%}"
            table.add_row(c["name"], *(str(c[k]) for k in ("targeted", "contacted", "reached",
                          "interested", "applied")), rate)  # fmt: skip
        st.console.print(table)
        return
    if as_json:
        print_json(found)
        return
    table = Table("n°", "nom", "organisateur", "chambre", "programme", "canal", "ciblées")
    for c in found:
        table.add_row(str(c["id"]), c["name"], c["organiser_code"], c["chamber_code"] or "",
                      c["programme_code"], c["channel"], str(c["targeted"]))  # fmt: skip
    st.console.print(table)


@app.command("sync")
def sync(ctx: typer.Context) -> None:
    """Mark « applied » the targeted enterprises that applied to their campaign's programme."""
    from marsad.operational import Database, migrate
    from marsad.outreach.campaigns import sync_applications

    st = state(ctx)
    with user_errors(st):
        url = st.settings().operational_url
        migrate(url)
        db = Database(url)
        changed = sync_applications(db)
        db.dispose()
    st.console.print(
        f"{changed} entreprises ciblées ont déposé une demande depuis le dernier relevé"
    )


@app.command("dashboard")
def dashboard_command(
    ctx: typer.Context,
    partner: str = typer.Option(..., "--partner", help="Organiser code (CCIS, MAROC_PME, ...)."),
    chamber: str | None = typer.Option(None, "--chamber", help="One chamber of the partner."),
    as_user: str = AS_USER,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Trainings, events and campaigns of a partner, with the inclusion breakdowns."""
    from marsad.outreach.dashboard import dashboard

    st = state(ctx)
    with user_errors(st):
        db, actor = _open(st, as_user)
        board = dashboard(st.settings(), db, actor, partner, chamber=chamber)
        db.dispose()
    if as_json:
        print_json(board)
        return
    t, e, c = board["trainings"], board["events"], board["campaigns"]
    st.console.print(
        f"[bold]{partner}[/]{' / ' + chamber if chamber else ''} au {board['on']}\n"
        f"Formations : {t['cohorts']} cohortes, {t['enrolled']} inscrits, {t['completed']} ayant "
        f"achevé, {t['certificates']} attestations\n"
        f"Événements : {e['events']} ({e['joint']} conjoints), {e['registered']} inscrits, "
        f"{e['attended']} présents, {e['b2b_meetings']} rendez-vous B2B\n"
        f"Campagnes : {c['campaigns']}, {c['targeted']} entreprises ciblées, {c['reached']} "
        f"jointes, {c['applied']} demandes",
        highlight=False,
    )


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="outreach")
