"""``marsad training``: the module catalogue, cohorts and their results, certificates, the
inclusion breakdown, CSV exports and the demo seeding.

Commands that read cohorts or people act as a user of the operational database
(``--as``): the same rights, the same personal fields and the same access log as the API,
and with ``--json`` the same document as the matching route under ``/api/training``."""

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

app = typer.Typer(help="Training and coaching of managers.", no_args_is_help=True)
modules_app = typer.Typer(help="The module catalogue.", no_args_is_help=True)
app.add_typer(modules_app, name="modules")
AS_USER = typer.Option(..., "--as", help="The user acting (their role applies).")
JSON = typer.Option(False, "--json", help="Print the same JSON as the API.")


def _open(st: State, username: str | None) -> tuple[Database, Actor]:
    from sqlalchemy import select

    from marsad.errors import NotFound
    from marsad.operational import Database, migrate
    from marsad.operational.auth import SYSTEM, Actor
    from marsad.operational.people import User

    url = st.settings().operational_url
    migrate(url)
    db = Database(url)
    if username is None:
        return db, SYSTEM
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username, User.active))
    if user is None:
        db.dispose()
        raise NotFound(f"L'utilisateur {username} n'existe pas ou n'est plus actif.")
    return db, Actor(user.id, user.username, user.role, user.chamber_code, user.partner_code)


def _build(st: State) -> Path | None:
    from marsad.register.build import current_build

    return current_build(st.settings())


@modules_app.command("list")
def modules_list(ctx: typer.Context, as_json: bool = JSON) -> None:
    """The modules imported in the database (import them first)."""
    from marsad.training.catalogue import list_modules, module_dict, topic_label

    st = state(ctx)
    with user_errors(st):
        db, actor = _open(st, None)
        found = [module_dict(m) for m in list_modules(db, actor)]
        db.dispose()
    if as_json:
        print_json(found)
        return
    table = Table("code", "intitulé", "thème", "niveau", "durée", "langues", "formats")
    for m in found:
        table.add_row(
            m["code"],
            m["title"],
            topic_label(m["topic"]),
            m["level"],
            f"{m['duration_hours']} h",
            ", ".join(m["languages"]),
            ", ".join(m["formats"]),
        )
    st.console.print(table)
    if not found:
        st.console.print("Catalogue vide : lancez « marsad training modules import ».")


@modules_app.command("check")
def modules_check(
    ctx: typer.Context,
    file: Path | None = typer.Argument(None, help="A catalogue file (default: the shipped one)."),
) -> None:
    """Validate a catalogue file and list every problem at once."""
    from marsad.training.catalogue import load_catalogue

    st = state(ctx)
    with user_errors(st):
        found = load_catalogue(file)
    st.console.print(
        f"Catalogue valide : {len(found.modules)} modules, {len(found.topics)} thèmes.",
        highlight=False,
    )


@modules_app.command("import")
def modules_import(
    ctx: typer.Context,
    file: Path | None = typer.Option(None, "--file", help="A catalogue file (default: shipped)."),
    as_json: bool = JSON,
) -> None:
    """Import the catalogue into the database (new, changed and withdrawn modules)."""
    from marsad.training.catalogue import import_modules, load_catalogue

    st = state(ctx)
    with user_errors(st):
        catalogue = load_catalogue(file)
        db, actor = _open(st, None)
        summary = import_modules(db, actor, catalogue)
        db.dispose()
    if as_json:
        print_json(summary.to_dict())
        return
    st.console.print(
        f"{summary.created} modules créés, {summary.updated} mis à jour, "
        f"{summary.deactivated} retirés.",
        highlight=False,
    )


@app.command("cohorts")
def cohorts(ctx: typer.Context, as_user: str = AS_USER, as_json: bool = JSON) -> None:
    """The cohorts with their counts and the inclusion breakdown of their participants."""
    from marsad.training.inclusion import DIMENSIONS, label
    from marsad.training.views import cohort_list

    st = state(ctx)
    with user_errors(st):
        db, actor = _open(st, as_user)
        listing = cohort_list(db, actor, _build(st), date.today())
        db.dispose()
    if as_json:
        print_json(listing)
        return
    table = Table(
        "n°", "code", "module", "organisateur", "région", "inscrits", "achevée", "attest."
    )
    for c in listing["cohorts"]:
        table.add_row(
            str(c["id"]),
            c["code"],
            c["module_code"],
            c["partner_code"],
            c["region_code"],
            f"{c['enrolled']}/{c['capacity']}",
            str(c["completed"]),
            str(c["certificates"]),
        )
    st.console.print(table)
    for d in DIMENSIONS:
        parts = ", ".join(f"{label(d, k)} {n}" for k, n in listing["inclusion"][d].items() if n)
        st.console.print(f"{label(d)} : {parts or '—'}", highlight=False)


@app.command("cohort")
def cohort(
    ctx: typer.Context,
    cohort_id: int = typer.Argument(..., min=1),
    as_user: str = AS_USER,
    as_json: bool = JSON,
) -> None:
    """One cohort: sessions, participants, attendance, scores and certificates."""
    from marsad.training.views import cohort_view

    st = state(ctx)
    with user_errors(st):
        db, actor = _open(st, as_user)
        view = cohort_view(db, actor, cohort_id, _build(st), date.today())
        db.dispose()
    if as_json:
        print_json(view)
        return
    gains = view["gains"]
    st.console.print(
        f"Cohorte {view['code']} ({view['module_code']}) : {view['enrolled']} inscrits sur "
        f"{view['capacity']}, {len(view['sessions'])} séances, "
        f"{sum(p['completed'] for p in view['participants'])} ont achevé, "
        f"{view['certificates']} attestations ; gain moyen {gains['mean_gain']} points "
        f"({gains['paired']} évalués avant et après)",
        highlight=False,
    )


@app.command("certify")
def certify(
    ctx: typer.Context,
    cohort_id: int = typer.Option(..., "--cohort", min=1),
    as_user: str = AS_USER,
    as_json: bool = JSON,
) -> None:
    """Certificates for every participant who completed the cohort and has none yet."""
    from marsad.training.certificates import issue_all

    st = state(ctx)
    with user_errors(st):
        db, actor = _open(st, as_user)
        made = issue_all(db, actor, cohort_id, date.today())
        db.dispose()
    numbers = [c.number for c in made]
    if as_json:
        print_json({"cohort_id": cohort_id, "issued": numbers})
        return
    st.console.print(f"{len(numbers)} attestations délivrées : {', '.join(numbers) or '—'}")


@app.command("verify")
def verify(ctx: typer.Context, number: str = typer.Argument(...), as_json: bool = JSON) -> None:
    """Check a certificate number (exit 1 when no such certificate was issued)."""
    from dataclasses import asdict

    from marsad.training.certificates import verify as check

    st = state(ctx)
    with user_errors(st):
        db, _ = _open(st, None)
        found = check(db, number)
        db.dispose()
    if as_json:
        print_json(asdict(found))
    elif found.valid:
        st.console.print(
            f"Attestation {found.number} valide : {found.module} (cohorte {found.cohort}, "
            f"{found.partner_code}), délivrée le {found.issued_on} à {found.holder_initials}",
            highlight=False,
        )
    else:
        st.console.print(f"Aucune attestation n° {found.number} n'a été délivrée.")
    if not found.valid:
        raise typer.Exit(code=1)


@app.command("inclusion")
def inclusion(ctx: typer.Context, as_user: str = AS_USER, as_json: bool = JSON) -> None:
    """Who was reached: the breakdown of every participant enrolled in a cohort."""
    from marsad.training.inclusion import DIMENSIONS, label
    from marsad.training.views import inclusion_of

    st = state(ctx)
    with user_errors(st):
        db, actor = _open(st, as_user)
        actor.require("training.read")
        today = date.today()
        counts = inclusion_of(db, None, _build(st), today)
        db.dispose()
    if as_json:
        print_json({"on": str(today), "breakdown": counts})
        return
    for d in DIMENSIONS:
        parts = ", ".join(f"{label(d, k)} {n}" for k, n in counts[d].items())
        st.console.print(f"{label(d)} : {parts}", highlight=False)


@app.command("export")
def export(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", dir_okay=False, help="The CSV file written."),
    as_user: str = AS_USER,
    purpose: str = typer.Option(..., "--purpose", help="Why the list is exported (logged)."),
    cohort_id: int | None = typer.Option(None, "--cohort", min=1, help="A cohort's participants."),
    plans: bool = typer.Option(False, "--plans", help="The coaching plans."),
) -> None:
    """A CSV list (the cohorts, a cohort's participants, or the coaching plans), with the
    columns the user's role may see; the export is logged."""
    from marsad.errors import InvalidInput
    from marsad.training.exports import export_cohort, export_cohorts, export_plans

    st = state(ctx)
    with user_errors(st):
        if cohort_id is not None and plans:
            raise InvalidInput("Choisissez --cohort ou --plans, pas les deux.")
        db, actor = _open(st, as_user)
        today = date.today()
        if cohort_id is not None:
            done = export_cohort(db, actor, cohort_id, _build(st), today, purpose)
        elif plans:
            done = export_plans(db, actor, today, purpose)
        else:
            done = export_cohorts(db, actor, _build(st), today, purpose)
        db.dispose()
        try:
            out.write_bytes(done.data)
        except OSError as exc:
            raise InvalidInput(f"{out} ne peut être écrit ({exc.strerror}).") from None
    withheld = ", ".join(done.columns_withheld) or "aucune"
    st.console.print(
        f"{done.row_count} lignes écrites dans {out} ; colonnes retenues par les droits du "
        f"rôle : {withheld}",
        highlight=False,
    )


@app.command("seed")
def seed(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Demo cohorts, participants, attendance, assessments, certificates and coaching plans
    on the current register (a second run changes nothing)."""
    from marsad.training.demo import seed_training

    st = state(ctx)
    with user_errors(st):
        db, _ = _open(st, None)
        summary = seed_training(st.settings(), db)
        db.dispose()
    if as_json:
        print_json(summary.to_dict())
        return
    st.console.print(summary.sentence(), highlight=False)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="training")
