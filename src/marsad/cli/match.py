"""``marsad match``: batch proposals, their measured quality, demo profiles, the indicator."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from marsad.cli.context import print_json, state, user_errors

if TYPE_CHECKING:
    from marsad.operational import Database

app = typer.Typer(help="Matchmaking between large enterprises and TPE/PME.", no_args_is_help=True)


def _database(ctx: typer.Context) -> Database:
    from marsad.operational import Database, migrate

    url = state(ctx).settings().operational_url
    migrate(url)
    return Database(url)


def _synth(ctx: typer.Context, synth: Path | None) -> Path:
    return (synth or state(ctx).settings().home / "synth") / "truth"


@app.command("run")
def run(
    ctx: typer.Context,
    as_of: str | None = typer.Option(None, "--as-of", help="Day of validity (default today)."),
    per_request: int = typer.Option(
        5, "--per-request", min=1, max=50, help="Best offers proposed to each request."
    ),
    per_offer: int = typer.Option(
        3, "--per-offer", min=0, max=50, help="Best requests proposed to each offer."
    ),
    min_score: float = typer.Option(
        0.3, "--min-score", min=0.0, max=1.0, help="No proposal under this score."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Propose the best pairs among the published profiles, for brokers to validate."""
    from marsad.matchmaking.proposals import run_matching
    from marsad.operational.auth import SYSTEM
    from marsad.web.matchmaking_api import firms_loader

    st = state(ctx)
    with user_errors(st):
        day = date.fromisoformat(as_of) if as_of else None
        database = _database(ctx)
        summary = run_matching(
            database,
            SYSTEM,
            firms_loader(st.settings()),
            day,
            per_request=per_request,
            per_offer=per_offer,
            min_score=min_score,
        )
        database.dispose()
    if as_json:
        print_json(summary.to_dict())
        return
    st.console.print(
        f"{summary.requests} demandes × {summary.offers} offres publiées : "
        f"{summary.proposals_new} nouvelles propositions, {summary.proposals_updated} mises à "
        f"jour ({summary.seconds} s)",
        highlight=False,
    )


@app.command("evaluate")
def evaluate_command(
    ctx: typer.Context,
    synth: Path | None = typer.Option(
        None, "--synth", help="Output folder of `marsad synth` (default <home>/synth)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Precision@5, recall@10 and MRR against the planted pairs, next to a sector baseline."""
    from marsad.matchmaking.evaluate import evaluate

    st = state(ctx)
    with user_errors(st):
        result = evaluate(_synth(ctx, synth))
    if as_json:
        print_json(result)
        return
    base = result["baseline"]
    st.console.print(
        f"{result['queries']} demandes évaluées ({result['requests']} demandes, "
        f"{result['offers']} offres, {result['true_pairs']} vraies paires)",
        highlight=False,
    )
    for key, label in (("precision_at_5", "précision@5"), ("recall_at_10", "rappel@10")):
        st.console.print(f"{label:<14}{result[key]:.4f}   référence secteur {base[key]:.4f}")
    st.console.print(f"{'MRR':<14}{result['mrr']:.4f}   référence secteur {base['mrr']:.4f}")


@app.command("seed")
def seed(
    ctx: typer.Context,
    synth: Path | None = typer.Option(
        None, "--synth", help="Output folder of `marsad synth` (default <home>/synth)."
    ),
    limit: int = typer.Option(1500, "--limit", min=1, help="Most profiles to publish."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Publish the synthetic economy's profiles for register enterprises and follow some up."""
    from marsad.cli.demo import password_note
    from marsad.matchmaking.demo import seed_matchmaking

    st = state(ctx)
    with user_errors(st):
        database = _database(ctx)
        summary = seed_matchmaking(st.settings(), database, _synth(ctx, synth), limit=limit)
        database.dispose()
    if as_json:
        print_json(summary.to_dict())
        return
    st.console.print(
        f"{summary.profiles} profils publiés ({summary.skipped} écartés), "
        f"{summary.run.get('proposals_new', 0)} propositions, suites : {summary.followed} ; "
        f"utilisateurs {', '.join(summary.users)} ({password_note(summary.password)})",
        highlight=False,
    )


@app.command("indicator")
def indicator(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print as JSON.")
) -> None:
    """The market-access indicator: how far proposals went, agreements, TPE/PME reached."""
    from marsad.matchmaking.outcomes import market_access
    from marsad.operational.auth import SYSTEM
    from marsad.register.build import current_build
    from marsad.web.matchmaking_api import firms_loader

    st = state(ctx)
    with user_errors(st):
        settings = st.settings()
        database = _database(ctx)
        loader = firms_loader(settings) if current_build(settings) else None
        result = market_access(database, SYSTEM, loader)
        database.dispose()
    if as_json:
        print_json(result)
        return
    st.console.print(
        f"{result['proposals']} propositions, {result['validated']} validées, "
        f"{result['meetings']} rencontres, {result['agreements']} accords pour "
        f"{result['agreements_value_mad']:,.0f} MAD".replace(",", " "),
        highlight=False,
    )


@app.command("expire")
def expire(ctx: typer.Context) -> None:
    """Published profiles past their validity become expired."""
    from marsad.matchmaking.profiles import expire_due
    from marsad.operational.auth import SYSTEM

    st = state(ctx)
    with user_errors(st):
        database = _database(ctx)
        count = expire_due(database, SYSTEM)
        database.dispose()
    st.console.print(f"{count} profil(s) expiré(s).")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="match")
