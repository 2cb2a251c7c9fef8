"""``marsad deliver`` and ``marsad ingest``: partner files into staging, with a report.

Exit code 1 when a file is refused or waits as pending (it did not become current).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from marsad.cli.context import print_json, state, user_errors


def register(app: typer.Typer) -> None:
    @app.command("deliver")
    def deliver(
        ctx: typer.Context,
        file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
        partner: str = typer.Option(..., "--partner", help="Partner code, e.g. dgi."),
        dataset: str = typer.Option(..., "--dataset", help="Dataset, e.g. tax_declarations."),
        period: int = typer.Option(..., "--period", help="Reference or extraction year."),
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
        lang: str = typer.Option("fr", "--lang", help="Language of the report: fr, ar or en."),
    ) -> None:
        """Deliver one file under its convention (exit 1 when it is refused or pending)."""
        from marsad.ingest import Deliverer
        from marsad.ingest.texts import check_lang

        st = state(ctx)
        with user_errors(st):
            check_lang(lang)
            report = Deliverer(st.settings()).deliver(partner, dataset, period, file)
        if as_json:
            print_json(report.to_dict())
        else:
            report.print(st.console, lang=lang)
        if report.status in ("refused", "pending"):
            raise typer.Exit(code=1)

    @app.command("ingest")
    def ingest(
        ctx: typer.Context,
        folder: Path = typer.Argument(..., exists=True, file_okay=False),
        as_json: bool = typer.Option(False, "--json", help="Print the reports as JSON."),
    ) -> None:
        """Deliver every file of a folder laid out as <partner>/<dataset>/<period>[.vN].<ext>."""
        from marsad.ingest import Deliverer, find_deliveries, ingest_folder

        st = state(ctx)
        with user_errors(st):
            settings = st.settings()
            deliverer = Deliverer(settings)
            files, _ = find_deliveries(folder)
            progress = Progress(
                TextColumn("ingestion"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=st.err,
                disable=as_json,
            )
            with progress:
                task = progress.add_task("", total=len(files))
                summary = ingest_folder(
                    deliverer,
                    folder,
                    on_done=lambda r: progress.update(task, advance=1, description=r.file),
                )
        if as_json:
            print_json(summary.to_dict())
        else:
            table = Table("fichier", "statut", "reçues", "chargées", "quarantaine", "signalées")
            for r in summary.reports:
                table.add_row(
                    r.file,
                    r.status,
                    str(r.received),
                    str(r.loaded),
                    str(r.quarantined),
                    str(r.flagged),
                )
            st.console.print(table)
            for name in summary.unrecognised:
                st.console.print(
                    f"[yellow]ignoré[/] {name}: not <partner>/<dataset>/<period>.<ext>"
                )
            t = summary.totals()
            st.console.print(
                f"{t['files']} fichiers ({t['files_loaded']} chargés, {t['files_pending']} en "
                f"attente, {t['files_duplicate']} déjà reçus, {t['files_refused']} refusés) ; "
                f"lignes reçues {t['received']}, chargées {t['loaded']}, en quarantaine "
                f"{t['quarantined']}"
            )
        if not summary.valid or summary.totals()["files_pending"]:
            raise typer.Exit(code=1)
