"""Forms of the back-office pages: what was typed, the error of each field, and controls
that tie each input to its label, its hint and its error (``aria-describedby``)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.datastructures import FormData

from marsad.errors import InvalidInput, MarsadError

MAX_AMOUNT = Decimal(10) ** 12


def e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def field_text(form: FormData, name: str, limit: int = 4000) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


@dataclass
class Form:
    """One form of a page: what was typed, the error of each field, a general message."""

    id: str
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""

    def fail(self, exc: MarsadError) -> None:
        self.message = exc.message
        for detail in exc.details:
            name = str(detail.get("field", "")).rsplit(".", 1)[-1]
            self.errors.setdefault(name or "_", str(detail.get("message", "")))

    def check(self) -> None:
        """Raise the field errors found while reading the form, if any."""
        if self.errors:
            details = [{"field": k, "message": v} for k, v in self.errors.items()]
            self.errors = {}
            raise InvalidInput("Le formulaire contient des erreurs.", details=details)

    def decimal(
        self,
        name: str,
        *,
        required: bool = True,
        high: Decimal = MAX_AMOUNT,
        problem: str = "montant en dirhams attendu (positif, au plus 2 décimales)",
    ) -> Decimal | None:
        """A number typed the French way or not (``320 000,50``), from 0 to ``high``."""
        raw = self.values.get(name, "")
        for space in (" ", "\u202f", "\xa0"):
            raw = raw.replace(space, "")
        if not raw:
            if required:
                self.errors[name] = "valeur obligatoire"
            return None
        try:
            value = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or not 0 <= value <= high or value != round(value, 2):
            self.errors[name] = problem
            return None
        return value

    def integer(self, name: str, low: int, high: int) -> int | None:
        raw = self.values.get(name, "").replace(" ", "")
        if not raw:
            return None
        if not raw.isdigit() or not low <= int(raw) <= high:
            self.errors[name] = f"nombre entier entre {low} et {high} attendu"
            return None
        return int(raw)


def control(
    form: Form,
    name: str,
    label: str,
    *,
    kind: str = "text",
    required: bool = False,
    options: list[tuple[str, str]] | None = None,
    options_html: str | None = None,
    hint: str = "",
    extra: str = "",
) -> str:
    """A labelled input (or select, textarea, checkbox) with its hint and its error."""
    fid = f"{form.id}-{name}"
    error = form.errors.get(name, "")
    described = [f"{fid}-hint"] if hint else []
    described += [f"{fid}-error"] if error else []
    attrs = f'id="{fid}" name="{name}"'
    attrs += f' aria-describedby="{" ".join(described)}"' if described else ""
    attrs += ' aria-invalid="true"' if error else ""
    attrs += " required" if required else ""
    attrs += f" {extra}" if extra else ""
    value = form.values.get(name, "")
    if options is not None or options_html is not None:
        opts = options_html or "".join(
            f'<option value="{e(v)}"{" selected" if v == value else ""}>{e(text_)}</option>'
            for v, text_ in options or []
        )
        widget = f"<select {attrs}>{opts}</select>"
    elif kind == "textarea":
        widget = f'<textarea {attrs} rows="3">{e(value)}</textarea>'
    elif kind == "checkbox":
        checked = " checked" if value else ""
        widget = f'<input type="checkbox" value="1" {attrs}{checked}>'
    else:
        widget = f'<input type="{kind}" value="{e(value)}" {attrs}>'
    mark = ' <span class="req">(obligatoire)</span>' if required else ""
    label_html = f'<label for="{fid}">{e(label)}{mark}</label>'
    hint_html = f'<p class="hint" id="{fid}-hint">{e(hint)}</p>' if hint else ""
    error_html = f'<p class="field-error" id="{fid}-error">Erreur : {e(error)}</p>' if error else ""
    css = "field check" if kind == "checkbox" else "field"
    css += " invalid" if error else ""
    if kind == "checkbox":
        return f'<div class="{css}">{widget} {label_html}{hint_html}{error_html}</div>'
    return f'<div class="{css}">{label_html}{widget}{hint_html}{error_html}</div>'


def form_alert(form: Form) -> str:
    """The reason a form was refused, next to the form (the status region also says it)."""
    if not form.message:
        return ""
    general = form.errors.get("_", "")
    more = f" ({e(general)})" if general else ""
    return f'<div class="alert"><p>Refusé : {e(form.message)}{more}</p></div>'


def table(caption: str, headers: list[str], rows: list[list[str]], empty: str) -> str:
    """A table of already-escaped cells; the first cell of a row is its header."""
    if not rows:
        return f'<p class="empty">{e(empty)}</p>'
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in headers)
    body = "".join(
        f'<tr><th scope="row">{r[0]}</th>{"".join(f"<td>{c}</td>" for c in r[1:])}</tr>'
        for r in rows
    )
    return (
        f'<div class="table-wrap"><table class="bo"><caption>{e(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )
