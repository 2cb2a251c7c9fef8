"""``marsad demo``: the main job, from a synthetic economy to a protected release."""

from __future__ import annotations

import time

import typer

from marsad.cli.context import print_json, state, user_errors


def password_note(password: str) -> str:
    """What to say of the demo accounts' password: shown once, when they are created."""
    if not password:
        return "comptes déjà créés : leur mot de passe est celui affiché à leur création"
    return (
        f"mot de passe « {password} », tiré au hasard et affiché une seule fois : "
        "notez-le, ou changez-le en recréant les comptes"
    )


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        ctx: typer.Context,
        scale: float = typer.Option(0.01, "--scale", min=0.0001, max=5.0, help="1.0 = national."),
        seed: int = typer.Option(2026, "--seed"),
        serve: bool = typer.Option(
            True, "--serve/--no-serve", help="Serve the explorer and the API at the end."
        ),
        host: str = typer.Option("127.0.0.1", "--host", help="Address the explorer listens on."),
        port: int = typer.Option(8000, "--port", min=1, max=65535),
        as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    ) -> None:
        """Build a synthetic economy, ingest it, build the register, publish, serve the explorer."""
        from marsad.ingest import Deliverer, ingest_folder
        from marsad.matchmaking.demo import seed_matchmaking
        from marsad.operational import Database, migrate
        from marsad.outreach.demo import seed_outreach
        from marsad.programmes.demo import seed_demo
        from marsad.register.build import build_register
        from marsad.register.evaluate import evaluate_register
        from marsad.release import make_release
        from marsad.synth import generate
        from marsad.training.demo import seed_training

        st = state(ctx)
        with user_errors(st):
            settings = st.settings()
            started = time.perf_counter()
            synth_dir = settings.home / "synth"
            synth = generate(out=synth_dir, scale=scale, seed=seed, progress=not as_json)
            summary = ingest_folder(Deliverer(settings), synth_dir)
            register = build_register(settings)
            quality = evaluate_register(settings, synth_dir / "truth")
            release = make_release(settings)
            database = Database(settings.operational_url)
            migrate(settings.operational_url)
            programmes = seed_demo(settings, database)
            matchmaking = seed_matchmaking(settings, database, synth_dir / "truth")
            training = seed_training(settings, database)
            outreach = seed_outreach(settings, database, seed=seed)
            database.dispose()
            seconds = round(time.perf_counter() - started, 1)
        totals = summary.totals()
        if as_json:
            print_json(
                {
                    "home": str(settings.home),
                    "synth": synth.to_dict(),
                    "ingest": totals,
                    "refused": [r.file for r in summary.reports if not r.valid],
                    "register": register.to_dict(),
                    "register_quality": {
                        k: quality[k]
                        for k in ("pairwise", "bcubed", "true_enterprises", "found_enterprises")
                    },
                    "release": release.to_dict(),
                    "programmes": programmes.to_dict(),
                    "matchmaking": matchmaking.to_dict(),
                    "training": training.to_dict(),
                    "outreach": outreach.to_dict(),
                    "seconds": seconds,
                }
            )
        else:
            synth.print(st.console)
            st.console.print(
                f"[bold]Ingestion[/] : {totals['files']} fichiers, {totals['received']} lignes "
                f"reçues, {totals['loaded']} chargées, {totals['quarantined']} en quarantaine, "
                f"{totals['files_refused']} fichiers refusés"
            )
            pw = quality["pairwise"]
            st.console.print(
                f"[bold]Registre[/] : {register.units} unités → {register.enterprises} "
                f"entreprises ({quality['true_enterprises']} vraies) ; précision "
                f"{pw['precision']:.4f}, rappel {pw['recall']:.4f}, F1 {pw['f1']:.4f} ; "
                f"{register.review_queue} paires à revoir"
            )
            st.console.print(
                f"[bold]Publication[/] {release.id} : {release.tables} tables, "
                f"{release.cells} cellules, {release.primary} confidentielles et "
                f"{release.secondary} supprimées en secondaire, audit sans cellule exposée "
                f"({release.seconds} s)",
                highlight=False,
            )
            created = programmes.password or matchmaking.password or outreach.password
            st.console.print(
                f"[bold]Programmes[/] : {programmes.applications} demandes de démonstration "
                f"{programmes.by_status} ; utilisateurs {', '.join(programmes.users)} "
                f"({password_note(created)})",
                highlight=False,
            )
            st.console.print(
                f"[bold]Mise en relation[/] : {matchmaking.profiles} profils publiés, "
                f"propositions {matchmaking.run}",
                highlight=False,
            )
            st.console.print(
                f"[bold]Mobilisation et événements[/] : campagne « {outreach.campaign} », "
                f"{outreach.targeted} entreprises ciblées {outreach.outcomes} ; "
                f"{outreach.events} événements, {outreach.registrations} inscrits, "
                f"{outreach.attended} présents, {outreach.meetings} rendez-vous B2B",
                highlight=False,
            )
            st.console.print(
                f"[bold]Formation et accompagnement[/] : {training.sentence()}", highlight=False
            )
            st.console.print(f"Données : {settings.home} — durée totale {seconds} s")
        if serve and not as_json:
            import uvicorn

            from marsad.cli.serve import server_config
            from marsad.web import create_app

            address = f"http://{host}:{port}"
            st.console.print(
                f"[bold]Explorateur[/] : {address}/explorer — back-office : {address}/backoffice "
                f"— API : {address}/api/docs "
                "(Ctrl+C pour arrêter)",
                highlight=False,
            )
            config = server_config(create_app(settings), host, port)
            uvicorn.Server(config).run()
