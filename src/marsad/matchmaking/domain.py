"""What the matcher reads: profiles, the register's facts on their enterprises, places.

A ``Profile`` is what a broker validated (from the database, or from a file of profiles);
a ``Firm`` is what the register says of the enterprise behind it. Neither carries any
hidden attribute: the matcher only ever sees what was written down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from marsad.reference import load_divisions, load_regions, load_sections

KINDS = (
    "business_offer",
    "business_request",
    "subcontracting_request",
    "technology_offer",
    "technology_request",
)
OFFERS = ("business_offer", "technology_offer")
REQUESTS = ("business_request", "subcontracting_request", "technology_request")
# which offer kind answers each request kind
ANSWERS = {
    "business_request": "business_offer",
    "subcontracting_request": "business_offer",
    "technology_request": "technology_offer",
}
KIND_LABELS = {
    "business_offer": "offre d'affaires",
    "business_request": "demande d'affaires",
    "subcontracting_request": "demande de sous-traitance",
    "technology_offer": "offre de technologie",
    "technology_request": "demande de technologie",
}
SIZES = ("MICRO", "TPE", "PE", "ME", "GE")
SMALL_SIZES = ("MICRO", "TPE", "PE", "ME")
SIZE_LABELS = {
    "MICRO": "micro-entreprise",
    "TPE": "très petite entreprise",
    "PE": "petite entreprise",
    "ME": "moyenne entreprise",
    "GE": "grande entreprise",
}

# seat of each region (its chef-lieu), degrees: distances are taken between them
REGION_SEATS: dict[str, tuple[float, float]] = {
    "01": (35.77, -5.80),  # Tanger
    "02": (34.68, -1.91),  # Oujda
    "03": (34.03, -5.00),  # Fès
    "04": (34.02, -6.84),  # Rabat
    "05": (32.34, -6.36),  # Béni Mellal
    "06": (33.57, -7.59),  # Casablanca
    "07": (31.63, -8.01),  # Marrakech
    "08": (31.93, -4.42),  # Errachidia
    "09": (30.42, -9.60),  # Agadir
    "10": (28.99, -10.06),  # Guelmim
    "11": (27.15, -13.20),  # Laâyoune
    "12": (23.68, -15.96),  # Dakhla
}
REGIONS = tuple(sorted(REGION_SEATS))


@dataclass(frozen=True)
class Profile:
    id: str
    enterprise_id: str
    kind: str
    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    activity_codes: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    capacity_mad: float | None = None  # offers: what they can deliver a year; requests: need
    site_region: str | None = None  # where the request is carried out / the offer is made
    regions_served: tuple[str, ...] = ()  # empty: every region
    sizes_sought: tuple[str, ...] = ()  # empty: any size
    excluded: tuple[str, ...] = ()  # enterprises the author will not be matched with
    valid_from: date | None = None
    valid_until: date | None = None

    @property
    def is_request(self) -> bool:
        return self.kind in REQUESTS

    def valid_on(self, day: date) -> bool:
        starts = self.valid_from is None or self.valid_from <= day
        return starts and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class Firm:
    """What the register says of an enterprise; ``None`` is unknown."""

    enterprise_id: str
    region_code: str | None = None
    section: str | None = None
    division: str | None = None
    size_class: str | None = None
    age_years: float | None = None
    turnover_cv: float | None = None  # coefficient of variation of the latest turnovers
    agreements: int = 0  # agreements recorded in earlier matches
    name: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Weights:
    capability: float = 0.40
    sector: float = 0.20
    distance: float = 0.15
    size: float = 0.15
    track_record: float = 0.10

    def as_dict(self) -> dict[str, float]:
        return {
            "capability": self.capability,
            "sector": self.sector,
            "distance": self.distance,
            "size": self.size,
            "track_record": self.track_record,
        }


def km(a: str, b: str) -> float | None:
    """Great-circle distance between the seats of two regions."""
    if a not in REGION_SEATS or b not in REGION_SEATS:
        return None
    (la1, lo1), (la2, lo2) = REGION_SEATS[a], REGION_SEATS[b]
    p1, p2, dp, dl = map(math.radians, (la1, la2, la2 - la1, lo2 - lo1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


DISTANCE_SCALE_KM = 300.0


def closeness(distance_km: float | None) -> float:
    """1 in the same region, about 0.75 at 90 km, 0.5 at 210 km; 0.3 when unknown."""
    return 0.3 if distance_km is None else math.exp(-distance_km / DISTANCE_SCALE_KM)


@cache
def region_names() -> dict[str, str]:
    return {r.code: r.name_fr for r in load_regions()}


@cache
def division_names() -> dict[str, str]:
    return {d.code: d.label_fr for d in load_divisions()}


@cache
def section_names() -> dict[str, str]:
    return {s.code: s.label_fr for s in load_sections()}


@cache
def section_of_division() -> dict[str, str]:
    return {d: s.code for s in load_sections() for d in s.divisions}


def code_levels(code: str) -> tuple[str | None, str | None, str | None]:
    """(class, division, section) of an NMA code written ``25``, ``2562`` or ``25.62``."""
    digits = "".join(ch for ch in code if ch.isdigit())
    if len(digits) < 2:
        letter = code.strip().upper()
        return None, None, letter if letter in section_names() else None
    division = digits[:2]
    klass = digits[:4] if len(digits) >= 4 else None
    return klass, division, section_of_division().get(division)
