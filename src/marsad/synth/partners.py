"""Matchmaking profiles of the synthetic economy and the true complementary pairs.

Computed from ``truth/enterprises.parquet`` and ``truth/panel.parquet`` after a run. Large
buyers (GE and ME of the latest year) hide input needs, TPE/PME hide capabilities, each
drawn from the concepts of ``partners_vocab`` (the firm's division makes some concepts
likelier, never certain). A request and an offer are a true pair when the offer's hidden
concept and specialty meet the request's, its hidden capacity covers the hidden volume, its
hidden quality passes the buyer's hidden threshold and the concept's reach covers the two
places; the best eight by a hidden fit are kept. Profiles only express the latent
attributes through noise: synonyms, Arabic script and transliterations, typos, tags that
are missing or wrong, NMA codes that are sometimes the buyer's own, declared capacities,
served regions and sizes that are approximate.

Writes ``truth/match_profiles.parquet`` (what brokers drafted: the matcher's input) and
``truth/match_pairs.parquet`` (request_key, offer_key, concept).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from marsad.reference import load_size_schemes
from marsad.synth.partners_text import (
    NEIGHBOURS,
    codes_for_offer,
    codes_for_request,
    offer_text,
    request_text,
    tags_for,
)
from marsad.synth.partners_vocab import CERTIFICATIONS, CONCEPTS, SECTOR_CERTIFICATION
from marsad.synth.rng import stream

KEEP_PER_REQUEST = 8


def _size_classes(turnover: np.ndarray) -> np.ndarray:
    classes = load_size_schemes()["omtpme_2021"]
    out = np.full(turnover.shape, classes[0].code, dtype=object)
    for c in classes:
        out[turnover >= (c.turnover_min_mad or 0.0)] = c.code
    return out


def _firms(truth: Path) -> pd.DataFrame:
    """Active non-AE firms of the latest year with a turnover, their place and size."""
    panel = pq.read_table(
        truth / "panel.parquet",
        columns=["enterprise_id", "year", "category", "active", "turnover_mad", "employees"],
    )
    last = int(pa.compute.max(panel.column("year")).as_py())
    df = panel.filter(pa.compute.equal(panel.column("year"), last)).to_pandas()
    df = df[df["active"] & (df["category"] != "AE") & (df["turnover_mad"] > 0)]
    ent = pq.read_table(
        truth / "enterprises.parquet", columns=["enterprise_id", "region_code", "division", "class"]
    ).to_pandas()
    df = df.merge(ent, on="enterprise_id").sort_values("enterprise_id", ignore_index=True)
    df["size"] = _size_classes(df["turnover_mad"].to_numpy())
    df.attrs["year"] = last
    return df


@dataclass
class _Side:
    """Profiles of one side under construction (parallel lists)."""

    firm: list[int]
    concept: list[int]
    kind: list[str]


def _pick(rng: np.random.Generator, pool: pd.DataFrame, n: int, weight: np.ndarray) -> np.ndarray:
    n = min(n, len(pool))
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    p = weight / weight.sum()
    return np.sort(rng.choice(len(pool), size=n, replace=False, p=p))


def _concept_for(rng: np.random.Generator, division: str, kind: str, role: str) -> int:
    """A concept of ``kind``; the firm's division makes its usual concepts likelier."""
    pool = [i for i, c in enumerate(CONCEPTS) if c.kind == kind]
    usual = [i for i in pool if division in getattr(CONCEPTS[i], role)]
    if usual and rng.random() < 0.6:
        return int(rng.choice(usual))
    return int(rng.choice(pool))


def plant_partners(truth: Path, seed: int, scale: float, out: Path | None = None) -> dict[str, int]:
    """Write the profiles and the true pairs under ``out`` (default: ``truth``)."""
    rng = stream(seed, "partners")
    out = out or truth
    firms = _firms(truth)
    size = firms["size"].to_numpy()
    as_of = date(int(firms.attrs["year"]), 12, 31)
    large = firms[np.isin(size, ("GE", "ME"))]
    small = firms[
        np.isin(size, ("TPE", "PE")) | ((size == "MICRO") & (firms["employees"] >= 2).to_numpy())
    ]
    supplier_divs = {d for c in CONCEPTS for d in c.suppliers}
    n = {
        "buyers": max(40, round(1500 * scale)),
        "offers": max(300, round(9000 * scale)),
        "tech_offers": max(40, round(900 * scale)),
        "tech_requests": max(25, round(500 * scale)),
        "small_requests": max(30, round(600 * scale)),
    }
    w_small = np.where(small["division"].isin(supplier_divs), 3.0, 1.0)
    w_large = np.where(large["size"] == "GE", 2.0, 1.0)
    offers, requests = _Side([], [], []), _Side([], [], [])

    def add(side: _Side, frame: pd.DataFrame, rows: np.ndarray, kind: str, role: str) -> None:
        for row in rows:
            firm = frame.iloc[int(row)]
            concept = _concept_for(rng, str(firm["division"]), "t" if "tech" in kind else "b", role)
            if kind == "request":
                kind_of = "subcontracting_request" if CONCEPTS[concept].subcontracting else ""
                kind_of = kind_of or "business_request"
            else:
                kind_of = kind
            side.firm.append(int(firm.name))
            side.concept.append(concept)
            side.kind.append(kind_of)

    for row in _pick(rng, large, n["buyers"], w_large):
        add(requests, large, np.repeat(row, 1 + rng.poisson(1.0)), "request", "buyers")
    add(offers, small, _pick(rng, small, n["offers"], w_small), "business_offer", "suppliers")
    tech = firms[np.isin(size, ("TPE", "PE", "ME"))]
    w_tech = np.ones(len(tech))
    add(offers, tech, _pick(rng, tech, n["tech_offers"], w_tech), "technology_offer", "suppliers")
    add(
        requests, tech, _pick(rng, tech, n["tech_requests"], w_tech), "technology_request", "buyers"
    )
    add(requests, small, _pick(rng, small, n["small_requests"], w_small), "request", "buyers")
    return _write(rng, firms, offers, requests, as_of, out, {"seed": seed, "scale": scale})


def _reach_ok(reach: str, a: str, b: np.ndarray) -> np.ndarray:
    if reach == "N":
        return np.ones(b.shape, dtype=bool)
    near = {a} | (NEIGHBOURS[a] if reach == "R" else set())
    return np.isin(b, list(near))


def _write(
    rng: np.random.Generator,
    firms: pd.DataFrame,
    offers: _Side,
    requests: _Side,
    as_of: date,
    out: Path,
    meta: dict[str, float | int],
) -> dict[str, int]:
    of, rf = firms.loc[offers.firm], firms.loc[requests.firm]
    o_concept, r_concept = np.array(offers.concept), np.array(requests.concept)
    # hidden attributes
    capacity = of["turnover_mad"].to_numpy() * np.exp(rng.normal(-1.2, 0.6, len(of)))
    quality = rng.beta(2.0, 2.0, len(of))
    mastered = rng.random((len(of), 3)) < 0.5
    mastered[np.arange(len(of)), rng.integers(0, 3, len(of))] = True
    need = np.median(capacity) * np.exp(rng.normal(0.0, 0.9, len(rf)))
    threshold = rng.uniform(0.2, 0.8, len(rf))
    specialty = rng.integers(0, 3, len(rf))
    site = np.where(
        rng.random(len(rf)) < 0.85,
        rf["region_code"].to_numpy(),
        rng.choice(sorted(NEIGHBOURS), len(rf)),
    )
    o_region = of["region_code"].to_numpy()
    o_ent = np.array(offers.firm)
    excluded: list[list[int]] = [[] for _ in range(len(rf))]
    pairs: list[tuple[int, int, str]] = []
    for r in range(len(rf)):
        concept = CONCEPTS[r_concept[r]]
        same = np.flatnonzero(o_concept == r_concept[r])
        if same.size and rng.random() < 0.1:
            excluded[r].append(int(firms.at[o_ent[rng.choice(same)], "enterprise_id"]))
        excluded_ent = {e for e in excluded[r]}
        ok = (
            mastered[same, specialty[r]]
            & (capacity[same] >= need[r])
            & (quality[same] >= threshold[r])
            & _reach_ok(concept.reach, site[r], o_region[same])
            & (o_ent[same] != requests.firm[r])
            & ~np.isin(firms.loc[o_ent[same], "enterprise_id"].to_numpy(), list(excluded_ent))
        )
        good = same[ok]
        fit = quality[good] + 0.3 * np.log(capacity[good] / need[r]) + rng.normal(0, 0.3, good.size)
        for o in good[np.argsort(-fit, kind="stable")][:KEEP_PER_REQUEST]:
            pairs.append((r, int(o), concept.key))
    rows: list[dict[str, object]] = []
    for i in range(len(of)):
        firm, concept = of.iloc[i], CONCEPTS[o_concept[i]]
        certs = [
            c
            for c, p in zip(CERTIFICATIONS[:3], (0.1, 0.05, 0.03), strict=True)
            if rng.random() < p + 0.6 * quality[i] * (c == "ISO 9001")
        ]
        special = SECTOR_CERTIFICATION.get(str(firm["division"]))
        if special and rng.random() < quality[i]:
            certs.append(special)
        served = _served(rng, concept.reach, str(firm["region_code"]))
        title, text = offer_text(rng, concept, mastered[i])
        rows.append(
            _row(rng, f"O{i + 1:06d}", firm, offers.kind[i], title, text, as_of)
            | {
                "tags": tags_for(rng, concept),
                "activity_codes": codes_for_offer(rng, concept, firm),
                "certifications": certs,
                "capacity_mad": float(capacity[i] * np.exp(rng.normal(0, 0.35)))
                if rng.random() < 0.8
                else None,
                "site_region": str(firm["region_code"]),
                "regions_served": served,
                "sizes_sought": ["GE", "ME"] if rng.random() < 0.1 else [],
                "excluded": [],
            }
        )
    big = np.median(need)
    for r in range(len(rf)):
        firm, concept = rf.iloc[r], CONCEPTS[r_concept[r]]
        title, text = request_text(rng, concept, requests.kind[r], int(specialty[r]))
        sizes: list[str] = []
        if rng.random() < 0.35:
            sizes = ["PE", "ME"] if need[r] > big else ["MICRO", "TPE", "PE"]
        rows.append(
            _row(rng, f"R{r + 1:06d}", firm, requests.kind[r], title, text, as_of)
            | {
                "tags": tags_for(rng, concept),
                "activity_codes": codes_for_request(rng, concept, firm),
                "certifications": ["ISO 9001"] if rng.random() < 0.6 * threshold[r] else [],
                "capacity_mad": float(need[r] * np.exp(rng.normal(0, 0.35)))
                if rng.random() < 0.6
                else None,
                "site_region": str(site[r]),
                "regions_served": [],
                "sizes_sought": sizes,
                "excluded": excluded[r],
            }
        )
    return _save(rows, pairs, firms, out, meta | {"as_of": as_of.isoformat()})


def _served(rng: np.random.Generator, reach: str, region: str) -> list[str]:
    if reach == "L":
        extra = sorted(NEIGHBOURS[region])[:1] if rng.random() < 0.4 else []
        return [region, *extra]
    if reach == "R":
        return sorted({region} | NEIGHBOURS[region]) if rng.random() < 0.7 else [region]
    if rng.random() < 0.65:
        return []
    others = rng.choice(sorted(NEIGHBOURS), 3, replace=False).tolist()
    return sorted({region, *others})


def _row(
    rng: np.random.Generator,
    key: str,
    firm: pd.Series,
    kind: str,
    title: str,
    text: str,
    as_of: date,
) -> dict[str, object]:
    start = as_of - timedelta(days=int(rng.integers(0, 330)))
    return {
        "profile_key": key,
        "enterprise_id": int(firm["enterprise_id"]),
        "kind": kind,
        "title": title,
        "description": text,
        "valid_from": start,
        "valid_until": start + timedelta(days=365),
    }


def _save(
    rows: list[dict[str, object]],
    pairs: list[tuple[int, int, str]],
    firms: pd.DataFrame,
    out: Path,
    meta: dict[str, object],
) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    schema = pa.schema(
        [
            ("profile_key", pa.string()),
            ("enterprise_id", pa.int64()),
            ("kind", pa.string()),
            ("title", pa.string()),
            ("description", pa.string()),
            ("valid_from", pa.date32()),
            ("valid_until", pa.date32()),
            ("tags", pa.list_(pa.string())),
            ("activity_codes", pa.list_(pa.string())),
            ("certifications", pa.list_(pa.string())),
            ("capacity_mad", pa.float64()),
            ("site_region", pa.string()),
            ("regions_served", pa.list_(pa.string())),
            ("sizes_sought", pa.list_(pa.string())),
            ("excluded", pa.list_(pa.int64())),
        ],
        metadata={b"marsad.partners": json.dumps(meta).encode()},
    )
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, out / "match_profiles.parquet", compression="zstd")
    truth = pa.table(
        {
            "request_key": [f"R{r + 1:06d}" for r, _, _ in pairs],
            "offer_key": [f"O{o + 1:06d}" for _, o, _ in pairs],
            "concept": [c for _, _, c in pairs],
        },
        schema=pa.schema(
            [("request_key", pa.string()), ("offer_key", pa.string()), ("concept", pa.string())]
        ),
    )
    pq.write_table(truth, out / "match_pairs.parquet", compression="zstd")
    return {"match_profiles": table.num_rows, "match_pairs": truth.num_rows}
