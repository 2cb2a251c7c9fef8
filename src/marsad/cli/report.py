"""``marsad report``: the observatory's annual report of a release, in HTML and PDF."""

from __future__ import annotations

from pathlib import Path

import typer

from marsad.cli.context import print_json, state, user_errors


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        ctx: typer.Context,
        release_id: str = typer.Option(
            "latest", "--release", help="Release id, e.g. 2026-11-29.1 (default: the latest)."
        ),
        out: Path | None = typer.Option(
            None, "--out", help="Folder of the report (default <home>/reports/<release id>)."
        ),
        lang: str = typer.Option("fr", "--lang", help="Language of the report: fr, ar or en."),
        no_pdf: bool = typer.Option(False, "--no-pdf", help="Write the HTML report only."),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """Write the annual report of a release (exit 2 when the release does not exist)."""
        from marsad.publish.report import write_report

        st = state(ctx)
        with user_errors(st):
            result = write_report(
                st.settings(), release_id=release_id, out=out, lang=lang, pdf=not no_pdf
            )
        if as_json:
            print_json(result.to_dict())
            return
        st.console.print(
            f"[bold]Rapport de la publication {result.release_id}[/] : "
            f"{len(result.sections)} parties, {result.seconds} s\n{result.html}",
            highlight=False,
        )
        if result.pdf is not None:
            st.console.print(str(result.pdf), highlight=False)
        elif result.pdf_skipped_reason:
            st.console.print(f"[yellow]{result.pdf_skipped_reason}[/]", highlight=False)
        if result.missing_tables:
            st.console.print(
                f"Tables absentes de la publication (parties réduites) : "
                f"{', '.join(result.missing_tables)}",
                highlight=False,
            )
