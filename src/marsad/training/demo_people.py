"""The people of the training demo: managers of the register's active TPME and project
holders, with names, genders and ages drawn as among business owners in Morocco (more men
than women, most managers between 35 and 54), their commune, and their answers."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pandas as pd

from marsad.programmes.service import build_dir
from marsad.reference import load_communes
from marsad.settings import Settings

FIRST_F = ["Fatima", "Khadija", "Amina", "Salma", "Nadia", "Zineb", "Hanane", "Meryem", "Loubna"]
FIRST_M = ["Mohamed", "Youssef", "Ahmed", "Hassan", "Rachid", "Omar", "Karim", "Said", "Anas"]
FAMILY = [
    "Alaoui",
    "Bennani",
    "Tazi",
    "Berrada",
    "El Idrissi",
    "Fassi",
    "Ouazzani",
    "Chraibi",
    "Amrani",
    "Benjelloun",
    "Lahlou",
    "Naciri",
    "Ait Taleb",
    "Ouchen",
    "Bouzid",
    "Zerouali",
]


def active_firms(settings: Settings) -> pd.DataFrame:
    """Active TPME of the latest panel year, with their region and commune."""
    build = build_dir(settings)
    panel = pd.read_parquet(
        build / "panel.parquet",
        columns=["enterprise_id", "year", "active", "turnover_mad", "size_omtpme_2021"],
    )
    year = panel.loc[panel["turnover_mad"].notna(), "year"].max()
    latest = panel[(panel["year"] == year) & panel["active"].fillna(False).astype(bool)]
    latest = latest[latest["size_omtpme_2021"].isin(["MICRO", "TPE", "PE", "ME"])]
    firms = pd.read_parquet(
        build / "enterprises.parquet",
        columns=["enterprise_id", "name", "legal_form", "region_code", "commune_code", "gender"],
    )
    merged = firms.merge(latest[["enterprise_id"]], on="enterprise_id")
    merged["enterprise_id"] = merged["enterprise_id"].astype(str)
    return merged.sort_values("enterprise_id").reset_index(drop=True)


def draw_person(rng: random.Random, firm: dict[str, Any] | None, today: date) -> dict[str, Any]:
    gender = firm.get("gender") if firm else None
    if gender not in ("F", "M"):
        gender = "F" if rng.random() < 0.34 else "M"
    first = rng.choice(FIRST_F if gender == "F" else FIRST_M)
    # ages of managers: about a quarter under 35, most 35-54, a tail of 55 and over;
    # project holders are younger
    r = rng.random()
    if firm is None:
        age = rng.randint(20, 38)
    elif r < 0.27:
        age = rng.randint(22, 34)
    elif r < 0.87:
        age = rng.randint(35, 54)
    else:
        age = rng.randint(55, 68)
    return {
        "full_name": f"{first} {rng.choice(FAMILY)}",
        "gender": gender if rng.random() > 0.03 else None,  # a few not said
        "birth_year": today.year - age if rng.random() > 0.05 else None,
        "phone": f"06{rng.randint(10, 99)}{rng.randint(0, 999999):06d}",
        "email": None,
    }


def draw_commune(rng: random.Random, region: str, firm: dict[str, Any] | None) -> str:
    known = {c.code for c in load_communes()}
    if firm and firm.get("commune_code") in known:
        return str(firm["commune_code"])
    here = [c for c in load_communes() if c.region_code == region]
    return rng.choices([c.code for c in here], weights=[max(c.population, 1) for c in here])[0]


def draw_answers(
    rng: random.Random, questionnaire: list[dict[str, Any]], p: float
) -> dict[str, int]:
    out = {}
    for q in questionnaire:
        wrong = [i for i in range(len(q["choices"])) if i != q["answer"]]
        out[q["id"]] = q["answer"] if rng.random() < p else rng.choice(wrong)
    return out
