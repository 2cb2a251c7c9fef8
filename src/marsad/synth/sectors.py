"""Activities: NMA 2010 section, division and class of each enterprise.

Sections and their divisions come from ``marsad.reference``. Within a section, the weight
of the main divisions follows their usual importance among Moroccan firms (wholesale and
retail trade, building, road transport); the others share the rest evenly. Classes
(4 digits) are drawn from a short list of frequent ISIC Rev.4 classes, or a plausible
class of the division.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa

from marsad.reference import load_divisions, load_sections

DIVISION_WEIGHTS: dict[str, dict[str, float]] = {
    "G": {"45": 0.12, "46": 0.40, "47": 0.48},
    "F": {"41": 0.50, "42": 0.15, "43": 0.35},
    "H": {"49": 0.78, "50": 0.02, "51": 0.01, "52": 0.17, "53": 0.02},
    "C": {"10": 0.18, "13": 0.06, "14": 0.12, "16": 0.06, "22": 0.06, "23": 0.08, "25": 0.14},
    "M": {"69": 0.25, "70": 0.20, "71": 0.25, "73": 0.18, "74": 0.08},
    "I": {"55": 0.25, "56": 0.75},
    "N": {"77": 0.15, "78": 0.05, "79": 0.15, "80": 0.15, "81": 0.30, "82": 0.20},
}

FREQUENT_CLASSES: dict[str, tuple[str, ...]] = {
    "45": ("4511", "4520", "4530"),
    "46": ("4631", "4649", "4663", "4669", "4673", "4690"),
    "47": ("4711", "4719", "4721", "4730", "4741", "4752", "4771", "4773"),
    "41": ("4100",),
    "42": ("4210", "4220", "4290"),
    "43": ("4321", "4322", "4330", "4390"),
    "49": ("4923", "4922", "4930"),
    "52": ("5210", "5229"),
    "55": ("5510", "5520"),
    "56": ("5610", "5621", "5630"),
    "62": ("6201", "6202", "6209"),
    "68": ("6810", "6820"),
    "69": ("6910", "6920"),
    "70": ("7020",),
    "71": ("7110", "7120"),
    "73": ("7310", "7320"),
    "10": ("1071", "1050", "1079"),
    "14": ("1410", "1430"),
    "25": ("2511", "2592", "2599"),
    "81": ("8121", "8129", "8130"),
    "85": ("8510", "8521", "8559"),
    "86": ("8621", "8622", "8690"),
    "96": ("9602", "9609"),
}


@dataclass(frozen=True)
class ActivityTables:
    sections: tuple[str, ...]
    divisions: tuple[str, ...]  # all division codes
    division_section: np.ndarray  # section index of each division
    division_label: pa.Array  # French label (section label when the division has none)
    class_offsets: np.ndarray  # into class_codes, per division
    class_counts: np.ndarray
    class_codes: pa.Array


@cache
def activity_tables() -> ActivityTables:
    sections = load_sections()
    labels = {d.code: d.label_fr for d in load_divisions()}
    codes: list[str] = []
    section_of: list[int] = []
    label_of: list[str] = []
    for s_index, section in enumerate(sections):
        for division in section.divisions:
            codes.append(division)
            section_of.append(s_index)
            label_of.append(labels.get(division, section.label_fr))
    classes = [FREQUENT_CLASSES.get(code, (code + "10", code + "90")) for code in codes]
    counts = np.array([len(c) for c in classes], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return ActivityTables(
        sections=tuple(s.code for s in sections),
        divisions=tuple(codes),
        division_section=np.asarray(section_of, dtype=np.int64),
        division_label=pa.array(label_of, pa.string()),
        class_offsets=offsets,
        class_counts=counts,
        class_codes=pa.array([c for group in classes for c in group], pa.string()),
    )


def draw_activities(
    rng: np.random.Generator, shares: dict[str, float], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Section index, division index and class index (into the flat class table)."""
    tables = activity_tables()
    known = [s for s in tables.sections if shares.get(s, 0.0) > 0]
    p = np.array([shares[s] for s in known], dtype=np.float64)
    picked = rng.choice(len(known), size=n, p=p / p.sum())
    section = np.array([tables.sections.index(s) for s in known], dtype=np.int64)[picked]
    division = np.zeros(n, dtype=np.int64)
    for s_index, code in enumerate(tables.sections):
        rows = np.flatnonzero(section == s_index)
        if not rows.size:
            continue
        members = np.flatnonzero(tables.division_section == s_index)
        explicit = DIVISION_WEIGHTS.get(code, {})
        w = np.array([explicit.get(tables.divisions[m], 0.0) for m in members], dtype=np.float64)
        rest = 1.0 - w.sum()
        empty = w == 0
        if empty.any():
            w[empty] = max(rest, 0.0) / empty.sum() if rest > 0 else 0.0
        if w.sum() <= 0:
            w[:] = 1.0
        division[rows] = members[rng.choice(members.size, size=rows.size, p=w / w.sum())]
    pick = np.floor(rng.random(n) * tables.class_counts[division]).astype(np.int64)
    klass = tables.class_offsets[division] + pick
    return section, division, klass


def section_index(code: str) -> int:
    return activity_tables().sections.index(code)
