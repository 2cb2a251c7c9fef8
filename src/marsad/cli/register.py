"""``marsad register``: build the business register, review, explain, show, export, evaluate."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from marsad.cli.context import print_json, state, user_errors

app = typer.Typer(help="The business register.", no_args_is_help=True)


@app.command("build")
def build(
    ctx: typer.Context,
    full: bool = typer.Option(
        False, "--full", help="Re-train the model and score every pair (default: incremental)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the build report as JSON."),
) -> None:
    """Standardise, link and cluster every current delivery into enterprises."""
    from marsad.register.build import build_register

    st = state(ctx)
    with user_errors(st):
        report = build_register(st.settings(), full=full)
    if as_json:
        print_json(report.to_dict())
        return
    table = Table("lignes", "unités", "entreprises", "liens", "à revoir", "secondes")
    table.add_row(
        str(report.rows),
        str(report.units),
        str(report.enterprises),
        ", ".join(f"{k} {v}" for k, v in report.links.items()),
        str(report.review_queue),
        str(sum(report.seconds.values())),
    )
    st.console.print(table)
    point = report.operating_point
    how = "choisi par l’objectif" if point["chosen_by"] == "objective" else "fixé"
    st.console.print(
        f"seuil de liaison {point['threshold']:.3f} ({how} : {point['objective']}) ; "
        f"précision attendue {point['expected_precision']:.4f}, rappel attendu "
        f"{point['expected_recall']:.4f} ; revue à partir de {point['review_floor']:.3f}",
        highlight=False,
    )
    st.console.print(f"registre {report.build_id} ; changements : {report.changes}")


@app.command("review")
def review(
    ctx: typer.Context,
    unit_a: str | None = typer.Argument(None, help="First unit of a pair to decide."),
    unit_b: str | None = typer.Argument(None, help="Second unit of the pair."),
    decision: str | None = typer.Option(None, "--decision", help="same or different"),
    reviewer: str = typer.Option("reviewer", "--reviewer"),
    limit: int = typer.Option(20, "--limit", min=1, max=1000, help="Pairs per page."),
    page: int = typer.Option(1, "--page", min=1, help="Page of the queue."),
    search: str = typer.Option("", "--search", help="Pairs whose unit id or name holds it."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List the uncertain pairs (those whose decision changes most first) with their
    evidence, a page at a time, or record a decision on one pair."""
    from marsad.errors import InvalidInput
    from marsad.register.build import register_dir
    from marsad.register.queries import review_listing
    from marsad.register.reviews import Decision, ReviewLog

    st = state(ctx)
    with user_errors(st):
        settings = st.settings()
        if unit_a or unit_b or decision:
            if not (unit_a and unit_b and decision in ("same", "different")):
                raise InvalidInput("give two units and --decision same|different")
            verdict: Decision = "same" if decision == "same" else "different"
            saved = ReviewLog(register_dir(settings) / "reviews.jsonl").record(
                unit_a, unit_b, verdict, reviewer
            )
            if as_json:
                print_json(saved.__dict__)
            else:
                st.console.print(
                    f"décision enregistrée : {saved.unit_a} / {saved.unit_b} = {decision}"
                )
            return
        listing = review_listing(settings, page=page, size=limit, search=search)
    if as_json:
        print_json(listing)
        return
    pairs, total = listing["pairs"], listing["total"]
    first = (page - 1) * limit + 1
    table = Table(
        "rang",
        "unité A",
        "unité B",
        "probabilité",
        "nom A",
        "nom B",
        title=f"paires à revoir : {first} à {first + len(pairs) - 1} sur {total}"
        if pairs
        else f"aucune paire sur cette page ({total} à revoir)",
    )
    for p in pairs:
        table.add_row(
            str(p["rank"]),
            p["unit_a"],
            p["unit_b"],
            f"{p['probability']:.3f}",
            p["name_a"] or "",
            p["name_b"] or "",
        )
    st.console.print(table, soft_wrap=True)


@app.command("explain")
def explain(
    ctx: typer.Context,
    unit_a: str = typer.Argument(...),
    unit_b: str = typer.Argument(...),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Why two units were or were not linked: the evidence of each comparison."""
    from marsad.register.queries import explain_pair

    st = state(ctx)
    with user_errors(st):
        result = explain_pair(st.settings(), unit_a, unit_b)
    if as_json:
        print_json(result)
        return
    st.console.print(result["verdict"])
    table = Table("comparaison", "niveau", "A", "B", "facteur de Bayes", "poids (log2)")
    for step in result["steps"]:
        table.add_row(
            step["comparison"],
            step["level"],
            str(step["value_a"]),
            str(step["value_b"]),
            f"{step['bayes_factor']:.3g}",
            f"{step['log2_weight']:+.2f}",
        )
    st.console.print(table)
    st.console.print(
        f"probabilité du modèle : {result['probability']:.4f} ; calibrée : "
        f"{result['calibrated_probability']:.4f} (seuil de liaison {result['threshold']})"
    )


@app.command("show")
def show(
    ctx: typer.Context,
    enterprise: str = typer.Argument(...),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """An enterprise with its units, its predecessor and successor (an auto-entrepreneur
    and the company that carries on its activity); logged: enterprise-level data."""
    from marsad.register.queries import show_enterprise

    st = state(ctx)
    with user_errors(st):
        result = show_enterprise(st.settings(), enterprise)
    if as_json:
        print_json(result)
        return
    table = Table("unité", "système", "nom", "ICE", "commune", "division", "lignes")
    for u in result["units"]:
        table.add_row(
            u["unit_id"],
            u["system"],
            u["name"] or "",
            u["ice"] or "",
            u["commune_code"] or "",
            u["division"] or "",
            str(u["n_rows"]),
        )
    st.console.print(f"entreprise {enterprise}")
    st.console.print(table)
    for key, label, other in (
        ("predecessors", "prédécesseur", "predecessor_id"),
        ("successors", "successeur", "successor_id"),
    ):
        for link in result[key]:
            st.console.print(
                f"{label} : {link[other]} (auto-entrepreneur radié le "
                f"{link['deregistration_date']}, société créée le {link['creation_date']} ; "
                f"nom {link['name_evidence']}, lieu {link['place_evidence']}, activité "
                f"{link['activity_evidence']}, score {link['score']})",
                highlight=False,
            )


@app.command("export")
def export(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="CSV file to write."),
) -> None:
    """Every loaded row of every delivery with its enterprise id (CSV)."""
    from marsad.register.queries import export_rows

    st = state(ctx)
    with user_errors(st):
        n = export_rows(st.settings(), out)
    st.console.print(f"{n} lignes écrites dans {out}")


@app.command("evaluate")
def evaluate(
    ctx: typer.Context,
    truth: Path = typer.Option(..., "--truth", exists=True, file_okay=False),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Quality against a ground truth: pairwise and B-cubed precision, recall, F1, and the
    precision and recall of the succession links."""
    from marsad.register.evaluate import evaluate_register

    st = state(ctx)
    with user_errors(st):
        result = evaluate_register(st.settings(), truth)
    if as_json:
        print_json(result)
        return
    table = Table("mesure", "précision", "rappel", "F1")
    for key in ("pairwise", "bcubed"):
        m = result[key]
        table.add_row(key, f"{m['precision']:.4f}", f"{m['recall']:.4f}", f"{m['f1']:.4f}")
    st.console.print(table)
    st.console.print(
        f"entreprises vraies {result['true_enterprises']}, trouvées {result['found_enterprises']}"
    )
    succession = result.get("successions")
    if succession:
        st.console.print(
            f"successions auto-entrepreneur → société : précision "
            f"{succession['precision']:.4f}, rappel {succession['recall']:.4f} "
            f"({succession['right_links']} justes sur {succession['links']} liens, "
            f"{succession['true_pairs']} vraies)"
        )
