"""``marsad deliveries``: the delivery ledger, a data steward's decisions, partner scorecards."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.table import Table

from marsad.cli.context import State, print_json, state, user_errors

if TYPE_CHECKING:
    from marsad.ingest.scorecard import Scorecard
    from marsad.ingest.stewardship import Action

app = typer.Typer(
    help=(
        "Without a command: the deliveries on record and their state (current ones; --all "
        "for every state). Commands: a data steward's decisions and the partner scorecards."
    ),
    invoke_without_command=True,
)
LANG = typer.Option("fr", "--lang", help="Language: fr, ar or en.")
BY = typer.Option(None, "--by", help="Who decides, for the record (default: the system user).")
REASON = typer.Option("", "--reason", help="Why, for the record.")
AS_JSON = typer.Option(False, "--json", help="Print the result as JSON.")


@app.callback()
def listing(
    ctx: typer.Context,
    partner: str | None = typer.Option(None, "--partner", help="Only this partner's."),
    dataset: str | None = typer.Option(None, "--dataset", help="Only this dataset's."),
    everything: bool = typer.Option(
        False, "--all", help="Also pending, superseded, withdrawn and refused deliveries."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the records as JSON."),
    lang: str = LANG,
) -> None:
    """List the deliveries on record (current ones by default), with their state."""
    if ctx.invoked_subcommand is not None:
        return
    from marsad.ingest import Ledger
    from marsad.ingest.texts import check_lang, text

    st = state(ctx)
    with user_errors(st):
        check_lang(lang)
        records = [
            r
            for r in Ledger(st.settings().ledger_path).records()
            if (everything or r.status == "current")
            and (partner is None or r.partner == partner)
            and (dataset is None or r.dataset == dataset)
        ]
    if as_json:
        print_json([r.to_dict() for r in records])
        return
    columns = ("delivery", "state", "received_at", "received", "loaded", "quarantined")
    table = Table(*(text(c, lang) for c in columns))
    for r in records:
        table.add_row(
            r.id,
            text(f"state_{r.status}", lang),
            r.received_at,
            str(r.received),
            str(r.loaded),
            str(r.quarantined),
        )
    st.console.print(table)


def _decide(
    st: State,
    action: Action,
    delivery_id: str,
    by: str | None,
    reason: str,
    lang: str,
    as_json: bool,
) -> None:
    from marsad.ingest.stewardship import decide
    from marsad.ingest.texts import check_lang, text

    with user_errors(st):
        check_lang(lang)
        decision = decide(st.settings(), action, delivery_id, by=by, reason=reason, lang=lang)
    if as_json:
        print_json(decision.to_dict())
        return
    st.console.print(f"[bold]{text(f'decision_{action}', lang, id=delivery_id)}[/]")
    if decision.no_longer_current and decision.no_longer_current != delivery_id:
        st.console.print(text("no_longer_current", lang, id=decision.no_longer_current))
    for effect in decision.effects:
        st.console.print(f"- {effect['message']}", highlight=False)


@app.command("confirm")
def confirm(
    ctx: typer.Context,
    delivery_id: str = typer.Argument(..., help="The pending delivery."),
    by: str | None = BY,
    reason: str = REASON,
    as_json: bool = AS_JSON,
    lang: str = LANG,
) -> None:
    """Make a pending delivery current, the one it replaces superseded (logged)."""
    _decide(state(ctx), "confirm", delivery_id, by, reason, lang, as_json)


@app.command("withdraw")
def withdraw(
    ctx: typer.Context,
    delivery_id: str = typer.Argument(..., help="A pending or current delivery."),
    by: str | None = BY,
    reason: str = REASON,
    as_json: bool = AS_JSON,
    lang: str = LANG,
) -> None:
    """Withdraw a pending delivery (or a current one, leaving its period without data)."""
    _decide(state(ctx), "withdraw", delivery_id, by, reason, lang, as_json)


@app.command("restore")
def restore(
    ctx: typer.Context,
    delivery_id: str = typer.Argument(..., help="A superseded or withdrawn delivery."),
    by: str | None = BY,
    reason: str = REASON,
    as_json: bool = AS_JSON,
    lang: str = LANG,
) -> None:
    """Make an earlier delivery current again (logged), and say what must follow."""
    _decide(state(ctx), "restore", delivery_id, by, reason, lang, as_json)


@app.command("scorecard")
def scorecard(
    ctx: typer.Context,
    partner: str = typer.Option(..., "--partner", help="Partner code, e.g. dgi."),
    as_json: bool = AS_JSON,
    lang: str = LANG,
) -> None:
    """A partner's feedback report: timeliness, rows, quarantine and refusals by rule,
    identifier quality, and the enterprises known only through it."""
    from marsad.ingest.scorecard import scorecard as make
    from marsad.ingest.texts import check_lang

    st = state(ctx)
    with user_errors(st):
        card = make(st.settings(), partner, lang=check_lang(lang))
    if as_json:
        print_json(card.model_dump(mode="json"))
    else:
        _print_scorecard(st, card)


def _print_scorecard(st: State, card: Scorecard) -> None:
    from marsad.ingest.texts import text

    lang = card.lang
    name = {"name": card.partner_name, "partner": card.partner, "as_of": card.as_of}
    st.console.print(f"[bold]{text('scorecard_title', lang, **name)}[/]", highlight=False)
    for ds in card.datasets:
        calendar = (
            text("calendar", lang, **ds.calendar.model_dump())
            if ds.calendar
            else text("no_calendar", lang)
        )
        fields = sorted({(i.field, i.label) for p in ds.periods for i in p.identifiers})
        heads = ["period", "due", "first_received", "timeliness", "files", "loaded", "change"]
        table = Table(
            *(text(h, lang) for h in heads),
            text("quarantined_share", lang),
            *(text("failing_share", lang, field=f, rule=label) for f, label in fields),
            title=f"{card.partner}.{ds.dataset} — {ds.description} ({calendar})",
            title_justify="left",
        )
        for p in ds.periods:
            quality = {i.field: i.failing_percent for i in p.identifiers}
            table.add_row(
                str(p.period),
                str(p.due or ""),
                str(p.first_received or ""),
                text(p.timeliness, lang, days=p.days_late) if p.timeliness else "",
                str(p.files),
                f"{p.loaded:,}".replace(",", " "),
                _number(p.loaded_change_percent, signed=True),
                _number(p.quarantined_percent),
                *(_number(quality.get(f)) for f, _ in fields),
            )
        st.console.print(table)
        for key, shares in (
            ("quarantine_by_rule", ds.quarantine_by_rule),
            ("refusals_by_rule", ds.refusals_by_rule),
        ):
            if shares:
                rules = Table(
                    text("rule", lang),
                    text("rows" if key == "quarantine_by_rule" else "files", lang),
                    text("share", lang),
                    title=text(key, lang),
                    title_justify="left",
                )
                for s in shares:
                    rules.add_row(s.label, str(s.count), f"{s.percent:g} %")
                st.console.print(rules)
    if card.only_partner is not None:
        only = card.only_partner
        st.console.print(
            text(
                "only_here",
                lang,
                only=only.only_partner,
                with_partner=only.with_partner,
                share=_number(only.percent),
                build=only.build,
                total=only.enterprises,
            ),
            highlight=False,
        )
    if card.note:
        st.console.print(f"[yellow]{card.note}[/]", highlight=False)


def _number(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+g}" if signed else f"{value:g}"
