"""``marsad release`` and ``marsad releases``: immutable vintages of the statistics."""

from __future__ import annotations

import typer

from marsad.cli.context import print_json, state, user_errors


def register(app: typer.Typer) -> None:
    @app.command("release")
    def release(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    ) -> None:
        """Compute, protect, audit and publish the statistics of the current register."""
        from marsad.release import make_release

        st = state(ctx)
        with user_errors(st):
            summary = make_release(st.settings())
        if as_json:
            print_json(summary.to_dict())
            return
        st.console.print(
            f"[bold]Publication {summary.id}[/] : {summary.tables} tables, {summary.cells} "
            f"cellules ({summary.primary} confidentielles, {summary.secondary} supprimées "
            f"en secondaire), années {summary.data_years[0] if summary.data_years else '-'}"
            f"–{summary.data_years[-1] if summary.data_years else '-'}, audit sans cellule "
            f"exposée, {summary.seconds} s\n{summary.path}",
            highlight=False,
        )

    @app.command("releases")
    def releases(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
    ) -> None:
        """List the releases, oldest first."""
        from marsad.release import ReleaseStore

        st = state(ctx)
        with user_errors(st):
            store = ReleaseStore(st.settings().home)
            rows = []
            for release_id in store.ids():
                manifest = store.manifest(release_id)
                rows.append(
                    {
                        "id": release_id,
                        "created_at": manifest["created_at"],
                        "data_years": manifest["data_years"],
                        "tables": len(manifest["tables"]),
                        "previous": manifest.get("previous"),
                    }
                )
        if as_json:
            print_json(rows)
            return
        if not rows:
            st.console.print("Aucune publication.")
        for row in rows:
            st.console.print(
                f"{row['id']}  {row['created_at']}  {row['tables']} tables  "
                f"années {row['data_years'][0]}–{row['data_years'][-1]}",
                highlight=False,
            )
