"""The operating point of the linkage: calibrated probabilities, then the link threshold and
the review band chosen by a stated objective.

A Splink model's match probabilities assume that its comparisons are independent given
the match status; names and places are not (homonyms share both), so raw probabilities
are too confident. They are calibrated on labels the data carries and on reviewers'
decisions:

- **silver labels**: pairs of units that both carry a valid ICE. Two units with the same
  enterprise part are one enterprise, two with different ones are two. Their match weight
  without the ICE comparison says what the rest of the evidence (names, places, activity,
  sources) is worth: a logistic fit ``P(same) = σ(α + β·w)`` of that weight, ``w`` in
  natural-log odds, gives the calibration ``(α, β)``;
- **reviewers' decisions** on the model's pairs join the fit as labels of their own
  (their pair's ICE comparison as an offset). They do not shift the calibration of the
  pairs without an ICE as a whole: the queue puts first the decisions that change most
  (large groups of homonyms), so the decided pairs are no random sample of such pairs,
  and a shift learnt from them lowered every pair's probability (measured in
  ``docs/register.md``).

A model pair's calibrated probability is ``σ(α + β·w + w_ice)``, ``w_ice`` the weight of
its own ICE comparison (one digit apart, or one side without an ICE). The threshold
then maximises the expected F1 of all links (identifier links counted as sure) among the
thresholds whose expected precision is at least ``min_precision``, each pair counting the
pairs of delivered rows it joins (the measure of the register's pairwise quality); the
review band holds the most probable pairs below it, as many as reviewers can decide
between two builds.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from marsad.engines.base import Connection
from marsad.settings import Settings

LN2 = math.log(2.0)


@dataclass(frozen=True)
class Calibration:
    alpha: float = 0.0
    beta: float = 1.0
    silver_pairs: int = 0
    reviewed_pairs: int = 0

    @classmethod
    def of(cls, saved: dict[str, Any]) -> Calibration:
        """The calibration a saved operating point records (fields it does not know aside)."""
        known = {k: v for k, v in saved.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def probability(self, weight: np.ndarray, ice_weight: np.ndarray) -> np.ndarray:
        """Calibrated probabilities of model pairs (weights in log2 odds, as Splink's)."""
        z = self.alpha + self.beta * LN2 * weight + LN2 * ice_weight
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))


def _fit(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    offset: np.ndarray,
    prior_sd: np.ndarray,
    prior_mean: np.ndarray,
) -> np.ndarray:
    """Weighted logistic regression ``σ(α + β·x + offset)`` with a Gaussian
    prior (Newton-Raphson on the penalised log-likelihood)."""
    design = np.column_stack([np.ones_like(x), x])
    precision = 1.0 / prior_sd**2

    def objective(theta: np.ndarray) -> float:
        z = design @ theta + offset
        log_likelihood = np.sum(w * (y * z - np.logaddexp(0.0, z)))
        return float(log_likelihood - 0.5 * np.sum(precision * (theta - prior_mean) ** 2))

    theta = prior_mean.copy()
    current = objective(theta)
    for _ in range(100):  # Newton steps, halved until the penalised likelihood rises
        z = np.clip(design @ theta + offset, -50.0, 50.0)
        p = 1.0 / (1.0 + np.exp(-z))
        gradient = design.T @ (w * (y - p)) - precision * (theta - prior_mean)
        hessian = (design * (w * p * (1 - p))[:, None]).T @ design + np.diag(precision)
        step = np.linalg.solve(hessian, gradient)
        for _ in range(30):
            candidate = objective(theta + step)
            if candidate >= current:
                break
            step = step / 2
        else:
            break
        theta, current = theta + step, candidate
        if float(np.max(np.abs(step))) < 1e-9:
            break
    return theta


def calibrate(
    silver_weight: np.ndarray,
    silver_same: np.ndarray,
    silver_count: np.ndarray,
    review_weight: np.ndarray,
    review_ice_weight: np.ndarray,
    review_same: np.ndarray,
) -> Calibration:
    """``(α, β)`` from the silver labels (each counting ``silver_count`` pairs) and the
    reviewers' decisions (each counting one pair); weights in log2 odds."""
    x = np.concatenate([silver_weight, review_weight]) * LN2
    # a reviewed pair's own ICE comparison (one digit apart, one side without) enters as it
    # enters its calibrated probability: unscaled
    offset = np.concatenate([np.zeros(silver_weight.size), review_ice_weight * LN2])
    y = np.concatenate([silver_same, review_same]).astype(float)
    w = np.concatenate([silver_count, np.ones(review_weight.size)]).astype(float)
    if y.size == 0 or (silver_same.size and silver_same.all() and not review_same.size):
        return Calibration(silver_pairs=int(silver_count.sum()))
    theta = _fit(
        x,
        y,
        w,
        offset,
        prior_sd=np.array([10.0, 10.0]),
        prior_mean=np.array([0.0, 1.0]),
    )
    return Calibration(
        alpha=float(theta[0]),
        beta=float(theta[1]),
        silver_pairs=int(silver_count.sum()),
        reviewed_pairs=int(review_weight.size),
    )


@dataclass(frozen=True)
class OperatingPoint:
    threshold: float
    review_floor: float
    expected_precision: float
    expected_recall: float
    expected_f1: float
    review_queue_expected_matches: float
    objective: str
    chosen_by: str  # "objective", "settings" or "fixed model"
    calibration: Calibration = field(default_factory=Calibration)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ordered(
    probabilities: np.ndarray, weights: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(probabilities, dtype=float)
    w = np.ones_like(p) if weights is None else np.asarray(weights, dtype=float)
    order = np.argsort(-p, kind="stable")
    return p[order], w[order]


def choose(
    probabilities: np.ndarray,
    sure_links: float,
    *,
    min_precision: float,
    weights: np.ndarray | None = None,
    bounds: tuple[float, float] = (0.5, 0.995),
) -> float:
    """The threshold that maximises the expected F1 of the links among those whose expected
    precision reaches ``min_precision`` (within ``bounds``: never link a pair the model
    finds more likely different than same); the upper bound when none reaches it.

    ``weights`` count what each pair stands for (the pairs of delivered rows of its two
    units, as the register's pairwise quality counts them); ``sure_links`` is the weight
    of the links made without the model."""
    p, w = _ordered(probabilities, weights)
    total = sure_links + float((p * w).sum())  # expected matches among candidate pairs
    tp = sure_links + np.cumsum(p * w)
    precision = tp / (sure_links + np.cumsum(w))
    recall = tp / total if total else np.ones_like(tp)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    low, high = bounds
    last_of_ties = np.append(p[1:] < p[:-1], True)  # a threshold links every tie
    allowed = last_of_ties & (p >= low) & (p <= high) & (precision >= min_precision)
    if not allowed.any():
        return high
    return float(p[int(np.argmax(np.where(allowed, f1, -1.0)))])


def figures_at(
    probabilities: np.ndarray,
    sure_links: float,
    threshold: float,
    *,
    review_capacity: int,
    weights: np.ndarray | None = None,
    review_min: float = 0.05,
) -> tuple[float, dict[str, float]]:
    """Expected precision, recall and F1 of the links at ``threshold`` (pairs weighted as
    in ``choose``), and the review band's lower end: a reviewer's decision on a pair below
    the threshold adds, on average, its probability of being a match to the links, so the
    band holds the most probable pairs below the threshold, at most ``review_capacity``,
    none below ``review_min``."""
    p, w = _ordered(probabilities, weights)
    total = sure_links + float((p * w).sum())
    chosen = p >= threshold
    e_tp = sure_links + float((p * w)[chosen].sum())
    e_links = sure_links + float(w[chosen].sum())
    pr = e_tp / e_links if e_links else 1.0
    rc = e_tp / total if total else 1.0
    below = p[~chosen]
    floor = float(below[min(review_capacity, below.size) - 1]) if below.size else threshold
    floor = min(max(floor, review_min), threshold)
    return floor, {
        "expected_precision": pr,
        "expected_recall": rc,
        "expected_f1": 2 * pr * rc / (pr + rc) if pr + rc else 0.0,
        "review_queue_expected_matches": float(below[below >= floor].sum()),
    }


OBJECTIVE = "highest expected F1 with expected precision at least {:.3f} (pairs of delivered rows)"


def saved_point(build: Path | None) -> dict[str, Any] | None:
    """The operating point a build saved (``operating_point.json``), None before the first
    build or for a build of an earlier version."""
    path = build / "operating_point.json" if build is not None else None
    if path is None or not path.is_file():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def fixed_point(settings: Settings) -> dict[str, Any] | None:
    """The operating point saved beside a fixed linkage model (``operating_point.json`` of
    the build whose ``model.json`` the settings name), if any: a fixed model scores and
    decides the same pairs on every engine."""
    if settings.linkage_model is None:
        return None
    return saved_point(settings.linkage_model.parent)


def apply_operating_point(con: Connection, settings: Settings) -> OperatingPoint:
    """Calibrate the model's pairs (column ``calibrated`` of ``model_pairs``) on the silver
    labels and reviewers' decisions (table ``reviews``), then choose the threshold and the
    review band (unless the settings or a fixed model's saved point fix them)."""
    fixed = fixed_point(settings)
    if fixed is not None:
        calibration = Calibration.of(fixed["calibration"])
    else:
        silver = con.execute("SELECT weight, same, n FROM silver").fetchnumpy()
        reviewed = con.execute(  # a review's pair is stored in order (reviews.ReviewLog)
            """SELECT p.match_weight - p.ice_weight AS weight, p.ice_weight,
                      r.decision = 'same' AS same
               FROM reviews r JOIN model_pairs p
                 ON least(p.unit_a, p.unit_b) = r.unit_a
                AND greatest(p.unit_a, p.unit_b) = r.unit_b"""
        ).fetchnumpy()
        calibration = calibrate(
            np.asarray(silver["weight"], dtype=float),
            np.asarray(silver["same"], dtype=bool),
            np.asarray(silver["n"], dtype=float),
            np.asarray(reviewed["weight"], dtype=float),
            np.asarray(reviewed["ice_weight"], dtype=float),
            np.asarray(reviewed["same"], dtype=bool),
        )
    c = calibration
    con.execute(
        f"""CREATE OR REPLACE TABLE model_pairs AS
            SELECT *, 1.0 / (1.0 + exp(-least(greatest(
                {c.alpha!r} + {c.beta * LN2!r} * (match_weight - ice_weight)
                + {LN2!r} * ice_weight, -50.0), 50.0))) AS calibrated
            FROM model_pairs"""
    )
    # each pair counts the pairs of delivered rows it joins, as the register's quality does
    scored = con.execute(
        """SELECT m.calibrated, CAST(a.n_rows AS DOUBLE) * b.n_rows AS rows
           FROM model_pairs m JOIN units a ON a.unit_id = m.unit_a
           JOIN units b ON b.unit_id = m.unit_b"""
    ).fetchnumpy()
    sure = con.execute(
        """SELECT sum(CAST(a.n_rows AS DOUBLE) * b.n_rows) FROM (
               SELECT unit_a, unit_b FROM det_links
               UNION ALL SELECT unit_a, unit_b FROM reviews WHERE decision = 'same') l
           JOIN units a ON a.unit_id = l.unit_a JOIN units b ON b.unit_id = l.unit_b"""
    ).fetchone()
    p = np.asarray(scored["calibrated"], dtype=float)
    rows = np.asarray(scored["rows"], dtype=float)
    n_sure = float(sure[0] or 0) if sure else 0.0
    if settings.link_threshold is not None:
        threshold, chosen_by = settings.link_threshold, "settings"
    elif fixed is not None:
        threshold, chosen_by = float(fixed["threshold"]), "fixed model"
    else:
        threshold = choose(p, n_sure, min_precision=settings.min_link_precision, weights=rows)
        chosen_by = "objective"
    floor, figures = figures_at(
        p, n_sure, threshold, review_capacity=settings.review_capacity, weights=rows
    )
    if settings.review_threshold is not None:
        floor = min(settings.review_threshold, threshold)
    elif fixed is not None and chosen_by == "fixed model":
        floor = float(fixed["review_floor"])
    return OperatingPoint(
        threshold=round(threshold, 6),
        review_floor=round(floor, 6),
        expected_precision=round(figures["expected_precision"], 6),
        expected_recall=round(figures["expected_recall"], 6),
        expected_f1=round(figures["expected_f1"], 6),
        review_queue_expected_matches=round(figures["review_queue_expected_matches"], 1),
        objective=OBJECTIVE.format(settings.min_link_precision),
        chosen_by=chosen_by,
        calibration=calibration,
    )
