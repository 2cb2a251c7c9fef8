"""Reference classifications shipped with marsad: regions, NMA 2010 sections and divisions,
size-class schemes, communes (with provinces and spelling variants) and trade-registry courts.

Codes are stored, labels are looked up here. Every loader is cached and returns immutable
objects; the CSV files under ``data/`` are the single source.
"""

from marsad.reference.classifications import (
    Division,
    Region,
    Section,
    SizeClass,
    load_divisions,
    load_regions,
    load_sections,
    load_size_schemes,
    section_of_activity_code,
)
from marsad.reference.places import (
    Commune,
    Court,
    load_communes,
    load_courts,
    lookup_commune,
    place_key,
)

__all__ = [
    "Commune",
    "Court",
    "Division",
    "Region",
    "Section",
    "SizeClass",
    "load_communes",
    "load_courts",
    "load_divisions",
    "load_regions",
    "load_sections",
    "load_size_schemes",
    "lookup_commune",
    "place_key",
    "section_of_activity_code",
]
