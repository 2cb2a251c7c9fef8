"""``marsad conventions``: check and list the data-exchange conventions."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from marsad.cli.context import print_json, state

app = typer.Typer(help="Data-exchange conventions.", no_args_is_help=True)


@app.command("check")
def check(
    ctx: typer.Context,
    folder: Path | None = typer.Option(
        None, "--dir", help="Folder of convention YAML files (default: configured or shipped)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Validate every convention and list every problem at once (exit 1 if any)."""
    from marsad.conventions import check_conventions

    st = state(ctx)
    report = check_conventions(folder or st.settings().conventions_dir)
    if as_json:
        print_json(report.to_dict())
    elif report.valid:
        table = Table("convention", "version", "partenaire", "validité", "jeux de données")
        for c in report.conventions:
            table.add_row(
                c.id,
                str(c.version),
                c.partner,
                f"{c.valid_from} – {c.valid_to}",
                ", ".join(sorted(c.datasets)),
            )
        st.console.print(table)
        st.console.print(f"[green]{len(report.conventions)} conventions valides[/]")
    else:
        st.err.print(f"[red]{len(report.problems)} problème(s) dans {report.folder}[/]")
        for problem in report.problems:
            st.err.print(f"  - {problem}", highlight=False)
    if not report.valid:
        raise typer.Exit(code=1)
