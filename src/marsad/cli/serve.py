"""``marsad serve``: the HTTP API, the data explorer and the back office."""

from __future__ import annotations

from typing import Any

import typer

from marsad.cli.context import state, user_errors


def server_config(application: Any, host: str, port: int) -> Any:
    """uvicorn's settings: its own proxy headers off, since marsad believes a proxy only
    when ``trusted_proxies`` names it (``marsad.web.proxies``)."""
    import uvicorn

    return uvicorn.Config(
        application,
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=False,
        server_header=False,
        forwarded_allow_ips="",
    )


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        ctx: typer.Context,
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", min=1, max=65535),
    ) -> None:
        """Serve the API and the web pages of the data directory."""
        import uvicorn

        from marsad.web import create_app

        st = state(ctx)
        with user_errors(st):
            application = create_app(st.settings())
            st.console.print(f"marsad écoute sur http://{host}:{port}/ (Ctrl+C pour arrêter)")
            uvicorn.Server(server_config(application, host, port)).run()
