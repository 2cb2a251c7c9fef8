"""``marsad synth``: a synthetic Moroccan economy and its partners' deliveries."""

from __future__ import annotations

from pathlib import Path

import typer

from marsad.cli.context import print_json, state, user_errors


def register(app: typer.Typer) -> None:
    @app.command("synth")
    def synth_command(
        ctx: typer.Context,
        out: Path = typer.Option(..., "--out", help="Output folder (deliveries/ and truth/)."),
        scale: float = typer.Option(0.01, "--scale", min=0.0001, max=5.0, help="1.0 = national."),
        seed: int = typer.Option(2026, "--seed", help="Random seed (same seed, same output)."),
        as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    ) -> None:
        """Simulate enterprises 2016-2025 and write every partner's deliveries."""
        from marsad.synth import generate

        st = state(ctx)
        with user_errors(st):
            summary = generate(out=out, scale=scale, seed=seed, progress=not as_json)
        if as_json:
            print_json(summary.to_dict())
        else:
            summary.print(st.console)
