"""The register's review queue in the back office: the uncertain pairs a page at a time
(searchable), each pair's two units side by side with the match-weight waterfall, and the
reviewer's decision, kept for every later build (which recalibrates the model on it).

Names are personal data: a unit's name shows only when the conventions of every partner
that delivered its source name the visitor's role among those that review the linkage of
their data (``linkage_review``); each reading of a pair is logged.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from marsad.conventions import ConventionSet
from marsad.errors import InvalidInput
from marsad.operational.auth import Actor
from marsad.reference import load_communes, load_divisions
from marsad.register.build import current_build, register_dir
from marsad.register.operating_point import saved_point
from marsad.register.queries import review_listing, review_pair
from marsad.register.reviews import ReviewLog
from marsad.register.sources import load_sources
from marsad.web.backoffice_pages_forms import field_text
from marsad.web.backoffice_pages_layout import HOME, PageRoute, SignedIn, layout, settings_of
from marsad.web.templating import render

router = APIRouter(prefix=HOME, route_class=PageRoute, include_in_schema=False)
BASE = f"{HOME}/register/review"
PAGE_SIZE = 50
UNIT_ID = re.compile(r"^[a-z]{2,12}:[A-Za-z0-9|\-_./ ]{1,80}$")
WITHHELD = "réservé (donnée personnelle)"

SOURCES = {
    "rc": "Registre du commerce (OMPIC)",
    "if": "Déclarations fiscales (DGI)",
    "cnss": "Sécurité sociale (CNSS)",
    "ae": "Registre des auto-entrepreneurs",
    "ccis": "Chambre de commerce (CCIS)",
    "bam": "Crédit (Bank Al-Maghrib)",
    "marocpme": "Bénéficiaires (Maroc PME)",
}
COMPARISONS = {
    "prior": "Avant toute comparaison",
    "name_std": "Nom",
    "place": "Lieu",
    "activity": "Activité",
    "legal_form": "Forme juridique",
    "ice": "ICE",
    "source": "Registres d'origine",
}
LEVELS = {
    "missing": "absent d'un côté",
    "Exact match on name_std": "même nom",
    "same words in another order": "mêmes mots dans un autre ordre",
    "same consonants (spelling or vowel variants)": "mêmes consonnes (graphie, voyelles)",
    "same word beginnings (abbreviations, endings)": "mêmes débuts de mots (abréviations)",
    "same rarest word, however spelt": "même mot le plus rare, quelle que soit sa graphie",
    "Exact match on commune_code": "même commune",
    "Exact match on province": "même province",
    "Exact match on region_code": "même région",
    "Exact match on division": "même division d'activité",
    "Exact match on section": "même section d'activité",
    "Exact match on legal_form": "même forme juridique",
    "same valid ICE": "même ICE valide",
    "ICE one digit apart, one failing its check": "ICE à un chiffre près, l'un invalide",
    "different ICE": "ICE différents",
    "same identifier system, numbers one digit apart": "même registre, numéros à un chiffre près",
    "same identifier system": "même registre",
    "a person register and another": "un registre de personnes et un autre",
    "two different enterprise registers": "deux registres d'entreprises",
    "All other comparisons": "différent",
}


@cache
def _communes() -> dict[str, str]:
    return {c.code: c.name for c in load_communes()}


@cache
def _divisions() -> dict[str, str]:
    return {d.code: f"{d.code} {d.label_fr}" for d in load_divisions()}


@cache
def _conventions() -> ConventionSet:
    return ConventionSet.load()


@cache
def _partners_of_system() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for spec in load_sources():
        out.setdefault(spec.system, set()).add(spec.partner)
    return {k: frozenset(v) for k, v in out.items()}


def sees_names(actor: Actor, system: str) -> bool:
    """Whether every convention under which the system's data came lets the role read
    their personal fields (a person's name, a trader's or an auto-entrepreneur's) to review
    the register's linkage (``linkage_review``)."""
    conventions = _conventions()
    partners = _partners_of_system().get(system, frozenset())
    found = [c for c in conventions.conventions if c.partner in partners]
    return bool(found) and all(actor.role in c.linkage_review for c in found)


def _place(code: str | None) -> str:
    return _communes().get(code or "", "lieu inconnu")


def _unit_id(value: str) -> str:
    if not UNIT_ID.match(value):
        raise InvalidInput("Identifiant d'unité invalide.")
    return value


@router.get("/register/review", response_class=HTMLResponse)
def queue(request: Request, visitor: SignedIn, page: int = 1, q: str = "") -> HTMLResponse:
    visitor.actor.require("register.review")
    settings = settings_of(request)
    search = q.strip()[:100]
    page = min(max(page, 1), 10**6)
    listing = review_listing(settings, page=page, size=PAGE_SIZE, search=search)
    decided = ReviewLog(register_dir(settings) / "reviews.jsonl").decisions()
    pairs = []
    for p in listing["pairs"]:
        review = decided.get((min(p["unit_a"], p["unit_b"]), max(p["unit_a"], p["unit_b"])))
        pairs.append(
            {
                **p,
                "name_a": p["name_a"] if sees_names(visitor.actor, p["system_a"]) else WITHHELD,
                "name_b": p["name_b"] if sees_names(visitor.actor, p["system_b"]) else WITHHELD,
                "source_a": SOURCES.get(p["system_a"], p["system_a"]),
                "source_b": SOURCES.get(p["system_b"], p["system_b"]),
                "place_a": _place(p["commune_a"]),
                "place_b": _place(p["commune_b"]),
                "decided": (
                    (
                        "décidée : même entreprise"
                        if review.decision == "same"
                        else "décidée : différentes"
                    )
                    if review
                    else ""
                ),
                "href": f"{BASE}/pair?{urlencode({'a': p['unit_a'], 'b': p['unit_b']})}",
            }
        )
    total, pages = listing["total"], max(1, math.ceil(listing["total"] / PAGE_SIZE))

    def link(n: int) -> str:
        return f"{BASE}?{urlencode({'page': n, **({'q': search} if search else {})})}"

    build = current_build(settings)
    point = saved_point(build) or {
        "threshold": 0.0,
        "expected_precision": 0.0,
        "expected_recall": 0.0,
    }
    body = render(
        "register_queue.html",
        base=BASE,
        search=search,
        pairs=pairs,
        total=total,
        first=(page - 1) * PAGE_SIZE + 1,
        last=(page - 1) * PAGE_SIZE + len(pairs),
        page=page,
        pages=pages,
        previous=link(page - 1) if page > 1 else "",
        next=link(page + 1) if page < pages else "",
        point=point,
        reviewed=point.get("calibration", {}).get("reviewed_pairs", 0),
    )
    notice = "Décision enregistrée." if request.query_params.get("ok") == "decided" else ""
    return layout(request, visitor, "Revue des paires incertaines", body, notice=notice)


def _rows(visitor: SignedIn, units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    a, b = units

    def name(u: dict[str, Any]) -> str:
        return str(u.get("name") or "—") if sees_names(visitor.actor, u["system"]) else WITHHELD

    def division(u: dict[str, Any]) -> str:
        return _divisions().get(u.get("division") or "", "inconnue")

    fields = [
        ("Registre", lambda u: SOURCES.get(u["system"], u["system"])),
        ("Numéro dans ce registre", lambda u: u["unit_id"].split(":", 1)[1]),
        ("Nom", name),
        ("ICE (valide)", lambda u: u.get("ice") or "—"),
        ("Forme juridique", lambda u: u.get("legal_form") or "—"),
        ("Commune", lambda u: _place(u.get("commune_code"))),
        ("Activité (division)", division),
        ("Lignes livrées", lambda u: str(u.get("n_rows") or 0)),
        ("Entreprise actuelle", lambda u: str(u.get("enterprise_id") or "")),
    ]
    return [
        {"label": label, "a": get(a), "b": get(b), "differs": get(a) != get(b)}
        for label, get in fields
    ]


@router.get("/register/review/pair", response_class=HTMLResponse)
def pair(request: Request, visitor: SignedIn, a: str = "", b: str = "") -> HTMLResponse:
    visitor.actor.require("register.review")
    settings = settings_of(request)
    found = review_pair(settings, _unit_id(a), _unit_id(b), user=visitor.actor.username)
    steps, total = [], 0.0
    for s in found["steps"]:
        weight = float(s["log2_weight"]) if math.isfinite(s["log2_weight"]) else -50.0
        total += weight
        steps.append(
            {
                "label": COMPARISONS.get(s["comparison"], s["comparison"]),
                "level": LEVELS.get(s["level"], s["level"]),
                "weight": weight,
                "total": total,
                "width": round(min(abs(weight), 20.0) / 20.0 * 100, 1),
            }
        )
    body = render(
        "register_pair.html",
        calibrated=found["calibrated_probability"],
        threshold=found["threshold"] or 0.0,
        verdict="même entreprise" if found["same_enterprise"] else "entreprises différentes",
        rows=_rows(visitor, found["units"]),
        steps=steps,
        action=f"{BASE}/pair",
        csrf=visitor.csrf,
        unit_a=a,
        unit_b=b,
        back=BASE,
    )
    return layout(request, visitor, "Deux unités : même entreprise ?", body)


@router.post("/register/review/pair")
async def decide(request: Request, visitor: SignedIn) -> Response:
    visitor.actor.require("register.review")
    form = await request.form()
    a, b = _unit_id(field_text(form, "a", 100)), _unit_id(field_text(form, "b", 100))
    decision = field_text(form, "decision", 20)
    if decision not in ("same", "different") or a == b:
        raise InvalidInput("Décision invalide : « même entreprise » ou « différentes ».")
    settings = settings_of(request)
    ReviewLog(register_dir(settings) / "reviews.jsonl").record(
        a,
        b,
        "same" if decision == "same" else "different",
        visitor.actor.username,
        field_text(form, "note", 500),
    )
    return RedirectResponse(f"{BASE}?ok=decided", status_code=303)
