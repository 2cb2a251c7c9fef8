"""Root of the ``marsad`` command: global options and the command groups."""

from __future__ import annotations

from pathlib import Path

import typer

from marsad.cli import (
    audit,
    conventions,
    deliveries,
    demo,
    impact,
    match,
    outreach,
    partners,
    programmes,
    register,
    release,
    report,
    serve,
    stewardship,
    synth,
    training,
    users,
)
from marsad.cli.context import EngineChoice, State

app = typer.Typer(
    name="marsad",
    help="marsad: the information system of a TPME observatory.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    home: Path | None = typer.Option(
        None, "--home", envvar="MARSAD_HOME", help="Data directory (default ./marsad-data)."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of errors."),
    engine: EngineChoice | None = typer.Option(
        None,
        "--engine",
        help="SQL engine of the register build and the releases (default: the settings', duckdb).",
    ),
) -> None:
    ctx.obj = State(home=home, debug=debug, engine=engine.value if engine else None)


app.add_typer(conventions.app, name="conventions")
app.add_typer(register.app, name="register")
deliveries.register(app)
app.add_typer(stewardship.app, name="deliveries")
synth.register(app)
demo.register(app)
release.register(app)
report.register(app)
serve.register(app)
partners.register(app)
programmes.register(app)
users.register(app)
audit.register(app)
match.register(app)
impact.register(app)
training.register(app)
outreach.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
