"""Impact of each programme: the estimate against matched comparable firms, the naive
before/after figure next to it, the event study, the pre-trend check and plain caveats.

``evaluate`` is the Python API behind ``marsad impact evaluate``; its results are
aggregates (no enterprise-level value), and a programme with fewer matched beneficiaries
than ``MIN_MATCHED`` (or than the disclosure rules' minimum frequency) gets no estimate.
On a synthetic economy, ``truth`` (a synth output's ``truth/`` folder) adds the true
effect planted by the generator.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from marsad.confidentiality import load_rules
from marsad.errors import NotFound
from marsad.impact.adjustment import COVARIATES
from marsad.impact.data import ImpactData, load_impact_data
from marsad.impact.disclosure import protect_cells
from marsad.impact.estimation import combine, estimate_stack
from marsad.impact.indicators import indicator_cells
from marsad.impact.matching import MatchingSpec, MatchReport, match_programme
from marsad.settings import Settings

MIN_MATCHED = 10
ESTIMAND = (
    "effet moyen du soutien sur le logarithme du chiffre d'affaires déclaré des bénéficiaires "
    "(ATT), sur les {window} années qui suivent l'année d'approbation"
)


@dataclass
class ProgrammeImpact:
    programme: str
    status: str  # estimated | insufficient
    estimate: float | None
    std_error: float | None
    ci_low: float | None
    ci_high: float | None
    naive_estimate: float | None
    naive_ci_low: float | None
    naive_ci_high: float | None
    window_years: int
    matching: MatchReport
    cohorts: list[dict[str, int | None]] = field(default_factory=list)
    event_study: list[dict[str, float | int]] = field(default_factory=list)
    pre_trend: dict[str, float | bool | int] = field(default_factory=dict)
    # covariates of the outcome model of at least one cohort (empty: plain comparison)
    adjusted_on: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    true_effect: float | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "programme": self.programme,
            "status": self.status,
            "estimand": ESTIMAND.format(window=self.window_years),
            "estimate": self.estimate,
            "std_error": self.std_error,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "confidence_level": 0.95,
            "naive_estimate": self.naive_estimate,
            "naive_ci_low": self.naive_ci_low,
            "naive_ci_high": self.naive_ci_high,
            "window_years": self.window_years,
            "matching": self.matching.to_dict(),
            "cohorts": [dict(c) for c in self.cohorts],
            "event_study": [dict(e) for e in self.event_study],
            "pre_trend": dict(self.pre_trend),
            "adjusted_on": list(self.adjusted_on),
            "caveats": list(self.caveats),
            "seconds": round(self.seconds, 3),
        }
        if self.true_effect is not None:
            out["true_effect"] = self.true_effect
        return out


def true_effects(truth: Path) -> dict[str, float]:
    """Programme -> true effect, from a synth output's ``truth/effects.parquet``."""
    path = truth / "effects.parquet"
    if not path.is_file():
        raise NotFound(f"{path} introuvable (le dossier truth/ d'une économie synthétique)")
    table = pq.read_table(path).to_pylist()
    return {
        str(r["programme_code"]): float(r["true_effect"])
        for r in table
        if r["true_effect"] is not None
    }


def _caveats(result: ProgrammeImpact) -> list[str]:
    m = result.matching
    out = [
        "Sélection : les bénéficiaires ne sont pas tirés au sort. L'estimation suppose qu'à "
        "caractéristiques égales avant le soutien (catégorie, secteur, âge, taille, région, "
        "niveau et tendance du chiffre d'affaires, effectif salarié), ils auraient évolué "
        "comme les entreprises comparables ; une sélection sur ce qui ne se voit pas dans les "
        "données (qualité du projet, du dirigeant) n'est pas corrigée.",
        "La comparaison avant/après attribue au programme toute l'évolution des bénéficiaires, "
        "y compris celle qu'ils auraient connue sans soutien : elle trompe dès que les "
        "entreprises soutenues croissaient déjà ou que toute l'économie bougeait.",
        "Seules les entreprises qui ont déclaré un chiffre d'affaires chaque année de la "
        "fenêtre sont comparées ; les disparitions relèvent de l'indicateur de résilience.",
    ]
    if result.status != "estimated":
        out.insert(
            0,
            f"Effectif insuffisant : {m.matched} bénéficiaire(s) apparié(s), il en "
            f"faut au moins {MIN_MATCHED} pour publier une estimation.",
        )
        return out
    if m.matched < 50:
        out.append(
            f"Petit échantillon ({m.matched} bénéficiaires appariés) : l'intervalle est "
            "large et l'estimation fragile."
        )
    lost = m.beneficiaries - m.matched
    if m.beneficiaries and lost / m.beneficiaries > 0.2:
        out.append(
            f"{lost} bénéficiaire(s) sur {m.beneficiaries} hors de l'estimation (années "
            "sans fenêtre complète, historique incomplet, aucune entreprise comparable "
            "ou autre programme) : l'estimation porte sur les autres."
        )
    if not result.pre_trend.get("passed", True):
        out.append(
            "Tendances antérieures différentes : avant le soutien, les bénéficiaires "
            "n'évoluaient pas comme leurs comparables (test des pré-tendances rejeté) ; "
            "l'estimation est à lire avec prudence."
        )
    return out


def evaluate_programme(
    data: ImpactData,
    programme: str,
    spec: MatchingSpec,
    min_matched: int = MIN_MATCHED,
    *,
    adjust: bool = True,
) -> ProgrammeImpact:
    """The programme's estimate; ``adjust=False`` compares the matched sets without the
    covariate adjustment (to measure what the adjustment changes)."""
    started = time.perf_counter()
    stacks, matching = match_programme(data, programme, spec)
    result = ProgrammeImpact(
        programme=programme,
        status="insufficient",
        estimate=None,
        std_error=None,
        ci_low=None,
        ci_high=None,
        naive_estimate=None,
        naive_ci_low=None,
        naive_ci_high=None,
        window_years=spec.post_years,
        matching=matching,
    )
    if matching.matched >= min_matched:
        estimates = [estimate_stack(data, s, adjust) for s in stacks]
        combined = combine(estimates)
        result.status = "estimated"
        result.estimate, result.std_error = combined.att.estimate, combined.att.std_error
        result.ci_low, result.ci_high = combined.att.ci_low, combined.att.ci_high
        result.naive_estimate = combined.naive.estimate
        result.naive_ci_low, result.naive_ci_high = combined.naive.ci_low, combined.naive.ci_high
        result.event_study = [e for e in combined.events if int(e["beneficiaries"]) >= min_matched]
        result.pre_trend = combined.pre_trend
        used = {name for e in estimates for name in e.adjusted_for}
        result.adjusted_on = [name for name in COVARIATES if name in used]
        result.cohorts = [
            {"approval_year": e.approval_year, "beneficiaries": e.treated, "controls": e.controls}
            if e.treated >= min_matched
            else {"approval_year": e.approval_year, "beneficiaries": None, "controls": None}
            for e in estimates
        ]
    result.caveats = _caveats(result)
    result.seconds = time.perf_counter() - started
    return result


def evaluate(
    settings: Settings,
    programme: str | None = None,
    *,
    truth: Path | None = None,
    spec: MatchingSpec | None = None,
    data: ImpactData | None = None,
) -> list[ProgrammeImpact]:
    """The impact of every programme with beneficiaries in the register (or of one)."""
    data = data if data is not None else load_impact_data(settings)
    known = data.programmes()
    if programme is not None:
        programme = programme.strip().upper()
        if programme not in known:
            raise NotFound(
                f"programme {programme!r} sans bénéficiaire dans le registre "
                f"(connus : {', '.join(known) or 'aucun'})"
            )
    chosen = [programme] if programme else known
    floor = max(MIN_MATCHED, load_rules(settings.home).min_frequency)
    results = [evaluate_programme(data, code, spec or MatchingSpec(), floor) for code in chosen]
    if truth is not None:
        effects = true_effects(truth)
        for r in results:
            r.true_effect = effects.get(r.programme)
    return results


def _plain(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def impact_indicators(
    settings: Settings, programme: str | None = None, *, data: ImpactData | None = None
) -> list[dict[str, object]]:
    """The indicator cells of every programme (or one) after disclosure control: cells
    with status C or N carry no value."""
    data = data if data is not None else load_impact_data(settings)
    cells = protect_cells(indicator_cells(data), load_rules(settings.home))
    if programme is not None:
        cells = cells[cells["programme"] == programme.strip().upper()]
    return [{k: _plain(v) for k, v in row.items()} for row in cells.to_dict(orient="records")]
