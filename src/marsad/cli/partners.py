"""``marsad token``: the tokens partners use to deliver over HTTP."""

from __future__ import annotations

import typer
from rich.table import Table

from marsad.cli.context import print_json, state, user_errors

tokens = typer.Typer(help="Partner tokens for deliveries over HTTP.", no_args_is_help=True)


@tokens.command("create")
def create(
    ctx: typer.Context,
    partner: str = typer.Option(..., "--partner", help="Partner code, e.g. dgi."),
    label: str = typer.Option("", "--label", help="Who holds the token, for the record."),
    as_json: bool = typer.Option(False, "--json", help="Print the token as JSON."),
) -> None:
    """Make a token for a partner; the secret is shown once and only its hash is kept."""
    from marsad.ingest.tokens import TokenStore

    st = state(ctx)
    with user_errors(st):
        record, secret = TokenStore(st.settings().home).create(partner, label)
    if as_json:
        print_json({**record.public(), "token": secret})
        return
    st.console.print(f"Jeton {record.id} pour {record.partner} (affiché une seule fois) :")
    st.console.print(secret, markup=False, highlight=False)


@tokens.command("list")
def list_tokens(
    ctx: typer.Context,
    partner: str | None = typer.Option(None, "--partner"),
    as_json: bool = typer.Option(False, "--json", help="Print the tokens as JSON."),
) -> None:
    """List the tokens on record (never their secrets)."""
    from marsad.ingest.tokens import TokenStore

    st = state(ctx)
    with user_errors(st):
        records = TokenStore(st.settings().home).list(partner)
    if as_json:
        print_json([r.public() for r in records])
        return
    table = Table("jeton", "partenaire", "libellé", "créé le", "révoqué le")
    for r in records:
        table.add_row(r.id, r.partner, r.label, r.created_at, r.revoked_at or "")
    st.console.print(table)


@tokens.command("revoke")
def revoke(
    ctx: typer.Context,
    token_id: str = typer.Argument(..., help="The token's id (not its secret)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Revoke a token: it stops working at once."""
    from marsad.ingest.tokens import TokenStore

    st = state(ctx)
    with user_errors(st):
        record = TokenStore(st.settings().home).revoke(token_id)
    if as_json:
        print_json(record.public())
    else:
        st.console.print(f"Jeton {record.id} révoqué le {record.revoked_at}.")


def register(app: typer.Typer) -> None:
    app.add_typer(tokens, name="token")
