"""``marsad demo``: the main job, from a synthetic economy to staged deliveries."""

from __future__ import annotations

import time

import typer

from marsad.cli.context import print_json, state, user_errors


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        ctx: typer.Context,
        scale: float = typer.Option(0.01, "--scale", min=0.0001, max=5.0, help="1.0 = national."),
        seed: int = typer.Option(2026, "--seed"),
        serve: bool = typer.Option(
            True, "--serve/--no-serve", help="Serve the explorer at the end (when available)."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    ) -> None:
        """Build a synthetic economy, ingest all its deliveries and print a summary."""
        from marsad.ingest import Deliverer, ingest_folder
        from marsad.synth import generate

        st = state(ctx)
        with user_errors(st):
            settings = st.settings()
            started = time.perf_counter()
            synth_dir = settings.home / "synth"
            synth = generate(out=synth_dir, scale=scale, seed=seed, progress=not as_json)
            summary = ingest_folder(Deliverer(settings), synth_dir)
            seconds = round(time.perf_counter() - started, 1)
        totals = summary.totals()
        if as_json:
            print_json(
                {
                    "home": str(settings.home),
                    "synth": synth.to_dict(),
                    "ingest": totals,
                    "refused": [r.file for r in summary.reports if not r.valid],
                    "seconds": seconds,
                }
            )
        else:
            synth.print(st.console)
            st.console.print(
                f"[bold]Ingestion[/] : {totals['files']} fichiers, {totals['received']} lignes "
                f"reçues, {totals['loaded']} chargées, {totals['quarantined']} en quarantaine, "
                f"{totals['files_refused']} fichiers refusés — {seconds} s"
            )
            st.console.print(f"Données : {settings.home}")
        if serve and not as_json:
            st.console.print("(pas encore de serveur : l'explorateur arrive avec la publication)")
