"""``marsad audit``: read the access log and verify its hash chains."""

from __future__ import annotations

from datetime import date

import typer
from rich.table import Table

from marsad.cli.context import print_json, state, user_errors

app = typer.Typer(help="The access log: read it, verify its chains.", no_args_is_help=True)


def _day(text: str | None, name: str) -> date | None:
    from marsad.errors import InvalidInput

    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"Date invalide : {text!r} (AAAA-MM-JJ attendu).", details=[{"field": name}]
        ) from None


@app.command("log")
def log_command(
    ctx: typer.Context,
    as_user: str = typer.Option(..., "--as", help="The user reading (access_log.read)."),
    subject: str = typer.Option("", "--subject", help="Lines whose subject contains this."),
    actor: str = typer.Option("", "--actor", help="Lines whose actor contains this."),
    purpose: str = typer.Option("", "--purpose", help="Lines whose purpose contains this."),
    since: str | None = typer.Option(None, "--since", help="From this day (AAAA-MM-JJ)."),
    until: str | None = typer.Option(None, "--until", help="To this day, included."),
    limit: int = typer.Option(100, "--limit", min=1, max=500),
    offset: int = typer.Option(0, "--offset", min=0),
    as_json: bool = typer.Option(False, "--json", help="Print the same JSON as the API."),
) -> None:
    """The lines of the access log, newest first (reading it is logged too)."""
    from marsad.cli.training import _open
    from marsad.operational.access_log import ACTION_LABELS, Filters, read
    from marsad.web.access_log_api import page_out

    st = state(ctx)
    with user_errors(st):
        filters = Filters(subject, actor, purpose, _day(since, "since"), _day(until, "until"))
        db, reader = _open(st, as_user)
        page = read(db, st.settings().home, reader, filters, offset=offset, limit=limit)
        db.dispose()
    if as_json:
        print_json(page_out(page).model_dump(mode="json"))
        return
    table = Table("quand (UTC)", "qui", "action", "objet", "finalité", "source")
    for e in page.entries:
        when = e.at.strftime("%Y-%m-%d %H:%M:%S")
        action = ACTION_LABELS.get(e.action, e.action)
        table.add_row(when, e.actor, action, e.subject, e.purpose, e.source)
    st.console.print(table)
    shown = f"{offset + 1}–{offset + len(page.entries)}" if page.entries else "aucune"
    st.console.print(f"Lignes {shown} sur {page.total}.", highlight=False)


@app.command("verify")
def verify_command(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Check the hash chains of the access log (table and file); exit 1 if broken."""
    from marsad.cli.programmes import open_database
    from marsad.operational.access_log import verify

    st = state(ctx)
    with user_errors(st):
        db = open_database(ctx)
        reports = verify(db, st.settings().home)
        db.dispose()
    if as_json:
        print_json(
            [
                {
                    "store": r.store,
                    "lines": r.lines,
                    "chained": r.chained,
                    "before_chain": r.before_chain,
                    "pending": r.pending,
                    "head": r.head,
                    "intact": r.intact,
                    "problems": r.problems,
                }
                for r in reports
            ]
        )
    else:
        for r in reports:
            verdict = "intacte" if r.intact else f"ROMPUE ({len(r.problems)} problème(s))"
            st.console.print(
                f"{r.store} : {r.lines} ligne(s), {r.chained} chaînée(s), chaîne {verdict} ; "
                f"dernière empreinte {r.head}",
                highlight=False,
            )
            if r.before_chain:
                st.console.print(
                    f"  {r.before_chain} ligne(s) écrite(s) avant le chaînage, non vérifiables",
                    highlight=False,
                )
            for problem in r.problems[:50]:
                st.console.print(f"  {problem}", highlight=False)
    if not all(r.intact for r in reports):
        raise typer.Exit(code=1)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="audit")
