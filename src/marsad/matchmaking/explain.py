"""Each component of a proposed match, in words a broker can check."""

from __future__ import annotations

from typing import Any

from marsad.matchmaking.domain import (
    SIZE_LABELS,
    Firm,
    Profile,
    Weights,
    code_levels,
    division_names,
    km,
    region_names,
    section_names,
)
from marsad.matchmaking.text import skeleton, words

LABELS = {
    "capability": "Capacités",
    "sector": "Secteur",
    "distance": "Distance",
    "size": "Taille",
    "track_record": "Parcours",
}


def _mad(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:.1f} M MAD".replace(".", ",")
    return f"{value / 1e3:.0f} k MAD"


def _degree(value: float) -> str:
    if value >= 0.6:
        return "très proches"
    if value >= 0.35:
        return "proches"
    if value >= 0.15:
        return "en partie communes"
    return "peu de points communs"


def shared_terms(request: Profile, offer: Profile, limit: int = 5) -> list[str]:
    """Words of the offer that the request also uses (spellings and scripts folded)."""
    wanted = {skeleton(w) for w in words(f"{request.title} {request.description}")}
    wanted |= {skeleton(w) for t in request.tags for w in words(t)}
    found: list[str] = []
    for word in words(f"{offer.title} {' '.join(offer.tags)} {offer.description}"):
        if len(word) > 2 and skeleton(word) in wanted and word not in found:
            found.append(word)
    return found[:limit]


def _capability(value: float, request: Profile, offer: Profile) -> str:
    text = f"{_degree(value)} ({value:.0%})"
    terms = shared_terms(request, offer)
    text += f" ; termes communs : {', '.join(terms)}" if terms else " ; aucun terme commun"
    asked = {c.upper() for c in request.certifications}
    if asked:
        held = asked & {c.upper() for c in offer.certifications}
        missing = sorted(asked - held)
        if held:
            text += f" ; certification demandée détenue : {', '.join(sorted(held))}"
        if missing:
            text += f" ; certification demandée absente : {', '.join(missing)}"
    return text


def _sector(value: float, request: Profile, offer: Profile, firm: Firm | None) -> str:
    sought = [code_levels(c) for c in request.activity_codes]
    held = [code_levels(c) for c in offer.activity_codes]
    if firm is not None and firm.division:
        held.append(code_levels(firm.division))
    for level, name in ((0, "classe"), (1, "division"), (2, "section")):
        common = {str(a[level]) for a in sought if a[level]} & {
            str(b[level]) for b in held if b[level]
        }
        if common:
            code = sorted(common)[0]
            label = (division_names() if level == 1 else section_names()).get(code, "")
            label = f" ({label})" if label and level else ""
            return f"même {name} NMA {code}{label}"
    if not sought:
        return "la demande ne précise pas d'activité NMA"
    return "activités NMA différentes (" + ", ".join(request.activity_codes) + ")"


def _distance(request: Profile, firm_r: Firm | None, firm_o: Firm | None) -> str:
    a = request.site_region or (firm_r.region_code if firm_r else None)
    b = firm_o.region_code if firm_o else None
    names = region_names()
    if a is None or b is None:
        return "région inconnue pour l'une des parties"
    if a == b:
        return f"même région ({names.get(a, a)})"
    distance = km(a, b) or 0.0
    return f"{names.get(b, b)} → {names.get(a, a)}, environ {distance:.0f} km entre chefs-lieux"


def _size(request: Profile, offer: Profile, firm: Firm | None) -> str:
    said = []
    size = firm.size_class if firm else None
    if request.sizes_sought:
        label = SIZE_LABELS.get(size or "", "taille inconnue au registre")
        said.append(f"{label}, parmi les tailles recherchées ({', '.join(request.sizes_sought)})")
    if request.capacity_mad and offer.capacity_mad:
        share = offer.capacity_mad / request.capacity_mad
        verdict = "couvre" if share >= 1 else f"couvre {share:.0%} de"
        said.append(
            f"capacité {_mad(offer.capacity_mad)} qui {verdict} un besoin de "
            f"{_mad(request.capacity_mad)}"
        )
    return " ; ".join(said) or "ni taille recherchée ni capacité déclarées : neutre"


def _track(firm: Firm | None) -> str:
    if firm is None:
        return "entreprise absente du registre : neutre"
    said = []
    if firm.age_years is not None:
        said.append(f"{firm.age_years:.0f} ans d'existence")
    if firm.turnover_cv is not None:
        steady = "stable" if firm.turnover_cv < 0.2 else "variable"
        said.append(f"chiffre d'affaires {steady} (variation {firm.turnover_cv:.0%})")
    said.append(f"{firm.agreements} accord(s) conclu(s) par mise en relation")
    return " ; ".join(said)


def explain(
    parts: dict[str, float],
    request: Profile,
    offer: Profile,
    firms: dict[str, Firm],
    weights: Weights,
) -> list[dict[str, Any]]:
    """The components of a match: value, weight, contribution and a sentence each."""
    firm_r, firm_o = firms.get(request.enterprise_id), firms.get(offer.enterprise_id)
    sentences = {
        "capability": _capability(parts["capability"], request, offer),
        "sector": _sector(parts["sector"], request, offer, firm_o),
        "distance": _distance(request, firm_r, firm_o),
        "size": _size(request, offer, firm_o),
        "track_record": _track(firm_o),
    }
    weight = weights.as_dict()
    return [
        {
            "component": name,
            "label": LABELS[name],
            "value": round(float(parts[name]), 4),
            "weight": weight[name],
            "contribution": round(float(parts[name]) * weight[name], 4),
            "words": f"{LABELS[name]} : {sentences[name]}",
        }
        for name in LABELS
    ]
