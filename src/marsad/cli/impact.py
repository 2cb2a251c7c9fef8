"""``marsad impact``: what support changes for enterprises, against comparable firms."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from marsad.cli.context import print_json, state, user_errors

app = typer.Typer(help="Impact of the support programmes.", no_args_is_help=True)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:+.3f}"


def _bar(value: float, scale: float = 0.5, width: int = 20) -> str:
    n = min(width, round(abs(value) / scale * width))
    left, right = ("-" * n, "") if value < 0 else ("", "+" * n)
    return left.rjust(width) + "|" + right.ljust(width)


@app.command("evaluate")
def evaluate_command(
    ctx: typer.Context,
    programme: str | None = typer.Option(None, "--programme", help="Programme code."),
    truth: Path | None = typer.Option(
        None,
        "--truth",
        exists=True,
        file_okay=False,
        help="truth/ folder of a synthetic economy: adds the true effect.",
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per programme."),
) -> None:
    """Estimate each programme's effect on turnover against matched comparable firms;
    without --programme, also keep the result for the public pages and the report."""
    from marsad.impact import evaluate, impact_indicators, not_measured
    from marsad.impact.cache import write_cached
    from marsad.impact.data import load_impact_data

    st = state(ctx)
    with user_errors(st):
        settings = st.settings()
        data = load_impact_data(settings)
        results = evaluate(settings, programme, truth=truth, data=data)
        if programme is None:
            cells = impact_indicators(settings, data=data)
            write_cached(settings, results, cells, not_measured(data))
    if as_json:
        print_json([r.to_dict() for r in results])
        return
    table = Table(
        "programme",
        "effet estimé",
        "IC 95 %",
        "avant/après naïf",
        "effet vrai",
        "appariés",
        "pré-tendances",
    )
    for r in results:
        ci = "—" if r.ci_low is None else f"[{r.ci_low:+.3f} ; {r.ci_high:+.3f}]"
        pre = "—" if not r.pre_trend else ("ok" if r.pre_trend["passed"] else "rejetées")
        table.add_row(
            r.programme,
            _pct(r.estimate),
            ci,
            _pct(r.naive_estimate),
            _pct(r.true_effect),
            f"{r.matching.matched}/{r.matching.beneficiaries}",
            pre,
        )
    st.console.print(table)
    st.console.print("Effets en logarithme du chiffre d'affaires (0,10 ≈ +10,5 %).")
    for r in results:
        if r.event_study:
            title = f"\n[bold]{r.programme}[/] : étude d'événement (année 0 = approbation)"
            st.console.print(title)
            for e in r.event_study:
                st.console.print(
                    f"  {int(e['relative_year']):+d} {_bar(float(e['estimate']))} "
                    f"{float(e['estimate']):+.3f} [{float(e['ci_low']):+.3f} ; "
                    f"{float(e['ci_high']):+.3f}]",
                    highlight=False,
                )
        for caveat in r.caveats:
            st.console.print(f"  • {caveat}", highlight=False)


@app.command("indicators")
def indicators_command(
    ctx: typer.Context,
    programme: str | None = typer.Option(None, "--programme", help="Programme code."),
    as_json: bool = typer.Option(False, "--json", help="The cells as JSON."),
) -> None:
    """Indicators per programme and breakdown, after disclosure control."""
    from marsad.impact import impact_indicators, not_measured
    from marsad.impact.data import load_impact_data

    st = state(ctx)
    with user_errors(st):
        settings = st.settings()
        data = load_impact_data(settings)
        cells = impact_indicators(settings, programme, data=data)
        missing = not_measured(data)
    if as_json:
        print_json({"cells": cells, "not_measured": missing})
        return
    table = Table("programme", "indicateur", "valeur", "n")
    for c in cells:
        if c["breakdown"] != "total":
            continue
        value = c["value"]
        shown = "secret" if c["status"] != "F" else ("—" if value is None else f"{value:.3f}")
        table.add_row(str(c["programme"]), str(c["indicator"]), shown, str(c["n"] or "—"))
    st.console.print(table)
    for reason in missing.values():
        st.console.print(f"  • {reason}", highlight=False)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="impact")
