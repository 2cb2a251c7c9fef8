"""``marsad users``: accounts of the back office, their API tokens and second factor."""

from __future__ import annotations

import sys
from datetime import datetime

import typer
from rich.table import Table

from marsad.cli.context import print_json, state, user_errors
from marsad.cli.programmes import open_database

users_app = typer.Typer(
    help="Users of the back office, their API tokens and second factor.", no_args_is_help=True
)
token_app = typer.Typer(help="API tokens of users: issue, list, revoke.", no_args_is_help=True)
totp_app = typer.Typer(
    help="The second factor (one-time codes, RFC 6238) of a user.", no_args_is_help=True
)


def _when(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M")


@users_app.command("create")
def create_user_command(
    ctx: typer.Context,
    username: str = typer.Argument(...),
    role: str = typer.Option(..., "--role", help="administrator, analyst, programme_manager, ..."),
    chamber: str | None = typer.Option(None, "--chamber", help="A desk agent's chamber."),
    partner: str | None = typer.Option(None, "--partner", help="A data steward's partner."),
    full_name: str = typer.Option("", "--name"),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
) -> None:
    """Create a user (the password is asked for, or read from standard input)."""
    from marsad.operational.auth import create_user

    st = state(ctx)
    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else typer.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    )
    with user_errors(st):
        db = open_database(ctx)
        actor = create_user(
            db,
            username,
            role,
            password,
            full_name=full_name,
            chamber_code=chamber,
            partner_code=partner,
        )
        db.dispose()
    st.console.print(f"Utilisateur {actor.username} ({actor.role}) créé.")


@users_app.command("deactivate")
def deactivate_command(ctx: typer.Context, username: str = typer.Argument(...)) -> None:
    """Deactivate a user: no more sign-in nor token; open sessions end, tokens are revoked."""
    from marsad.operational.accounts import deactivate

    st = state(ctx)
    with user_errors(st):
        db = open_database(ctx)
        done = deactivate(db, username)
        db.dispose()
    st.console.print(
        f"Utilisateur {username} désactivé : {done.sessions_ended} session(s) fermée(s), "
        f"{done.tokens_revoked} jeton(s) révoqué(s).",
        highlight=False,
    )


@users_app.command("activate")
def activate_command(ctx: typer.Context, username: str = typer.Argument(...)) -> None:
    """Let a deactivated user sign in again (their old tokens stay revoked)."""
    from marsad.operational.accounts import activate

    st = state(ctx)
    with user_errors(st):
        db = open_database(ctx)
        activate(db, username)
        db.dispose()
    st.console.print(f"Utilisateur {username} réactivé.", highlight=False)


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    username: str = typer.Argument(...),
    label: str = typer.Option("", "--label", help="What the token is for."),
    days: int | None = typer.Option(
        None, "--days", min=1, max=3650, help="Days of validity (default: token_days, 90)."
    ),
) -> None:
    """Issue an API token for a user (shown once), valid for a number of days."""
    from sqlalchemy import select

    from marsad.errors import NotFound
    from marsad.operational.auth import Actor, issue_token
    from marsad.operational.people import User

    st = state(ctx)
    with user_errors(st):
        db = open_database(ctx)
        with db.session() as session:
            user = session.scalar(select(User).where(User.username == username, User.active))
            if user is None:
                raise NotFound(f"L'utilisateur {username} n'existe pas ou est désactivé.")
            actor = Actor(user.id, user.username, user.role, user.chamber_code)
        secret = issue_token(db, actor, label, days or st.settings().token_days)
        db.dispose()
    st.console.print(secret, markup=False, highlight=False)


@token_app.command("list")
def token_list(
    ctx: typer.Context,
    username: str | None = typer.Argument(None, help="Only this user's tokens."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The API tokens (number, user, label, dates, state), never their secret."""
    from marsad.operational.accounts import tokens

    st = state(ctx)
    with user_errors(st):
        db = open_database(ctx)
        found = tokens(db, username)
        db.dispose()
    if as_json:
        print_json(
            [
                {
                    "id": t.id,
                    "username": t.username,
                    "label": t.label,
                    "created_at": t.created_at.isoformat(),
                    "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                    "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                    "state": t.state,
                }
                for t in found
            ]
        )
        return
    table = Table("n°", "utilisateur", "libellé", "créé", "expire", "état")
    for t in found:
        table.add_row(
            str(t.id), t.username, t.label, _when(t.created_at), _when(t.expires_at), t.state
        )
    st.console.print(table)


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context, token_id: int = typer.Argument(..., help="Its number (tokens list).")
) -> None:
    """Revoke an API token at once."""
    from marsad.operational.accounts import revoke_token

    st = state(ctx)
    with user_errors(st):
        db = open_database(ctx)
        info = revoke_token(db, token_id)
        db.dispose()
    st.console.print(f"Jeton n° {info.id} de {info.username} révoqué.", highlight=False)


@totp_app.command("enable")
def totp_enable(ctx: typer.Context, username: str = typer.Argument(...)) -> None:
    """Require a one-time code at sign-in; prints the address for the authenticator
    application (shown once: scan it or type its secret)."""
    from marsad.operational.accounts import enable_second_factor

    st = state(ctx)
    with user_errors(st):
        db = open_database(ctx)
        uri = enable_second_factor(db, username)
        db.dispose()
    st.console.print(
        f"Second facteur activé pour {username}. À saisir dans l'application "
        "d'authentification (affiché une seule fois) :",
        highlight=False,
    )
    st.console.print(uri, markup=False, highlight=False)


@totp_app.command("disable")
def totp_disable(ctx: typer.Context, username: str = typer.Argument(...)) -> None:
    """Remove a user's second factor (a lost telephone)."""
    from marsad.operational.accounts import disable_second_factor

    st = state(ctx)
    with user_errors(st):
        db = open_database(ctx)
        disable_second_factor(db, username)
        db.dispose()
    st.console.print(f"Second facteur retiré pour {username}.", highlight=False)


def register(app: typer.Typer) -> None:
    users_app.add_typer(token_app, name="token")
    users_app.add_typer(totp_app, name="totp")
    app.add_typer(users_app, name="users")
