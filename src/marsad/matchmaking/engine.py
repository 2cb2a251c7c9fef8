"""Matching many profiles at once: hard filters, then a score of five components.

For every request, the offers of the kind that answers it are scored in blocks of rows
(dense matrices of a few hundred requests by all offers). Hard filters remove a pair
before any score: a profile not valid on the day, the same enterprise on both sides, an
enterprise excluded by the other side, a region the offer does not serve (or the request
does not accept), a size the other side does not seek. The score is a weighted sum of
capability similarity, sector proximity in the NMA hierarchy, closeness of the regions,
size and capacity fit, and the supplier's track record in the register; each lies in
[0, 1]. Ties are broken by a fixed pseudo-random order of the offers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from marsad.matchmaking.domain import ANSWERS, REGIONS, SIZES, Firm, Profile, Weights, closeness, km
from marsad.matchmaking.features import (
    capability_matrix,
    certification_matrices,
    code_sets,
    level_matrices,
)

PARTS = ("capability", "sector", "distance", "size", "track_record")
SECTOR_LEVELS = (1.0, 0.8, 0.4)  # same class, same division, same section
ALL = (1 << len(REGIONS)) - 1


def _region_index(code: str | None) -> int:
    return REGIONS.index(code) if code in REGIONS else len(REGIONS)


def _closeness_table() -> np.ndarray:
    n = len(REGIONS)
    table = np.full((n + 1, n + 1), closeness(None))
    for i, a in enumerate(REGIONS):
        for j, b in enumerate(REGIONS):
            table[i, j] = closeness(km(a, b))
    return table


def _mask(codes: Sequence[str], universe: Sequence[str]) -> int:
    bits = sum(1 << universe.index(c) for c in set(codes) if c in universe)
    return bits or (1 << len(universe)) - 1


def track_record(firm: Firm | None) -> float:
    """Mean of age (full at 10 years), turnover stability and past agreements (full at 3)."""
    if firm is None:
        return 0.5
    parts = []
    if firm.age_years is not None:
        parts.append(min(max(firm.age_years, 0.0) / 10.0, 1.0))
    if firm.turnover_cv is not None:
        parts.append(min(max(1.0 - firm.turnover_cv, 0.0), 1.0))
    parts.append(min(firm.agreements / 3.0, 1.0))
    return float(np.mean(parts))


@dataclass
class Block:
    """Scores of some requests (rows) against every offer of the answering kind (columns)."""

    rows: np.ndarray  # indices into Matcher.requests
    cols: np.ndarray  # indices into Matcher.offers
    score: np.ndarray  # -inf where a hard filter removed the pair
    parts: dict[str, np.ndarray]


@dataclass
class Matcher:
    profiles: Sequence[Profile]
    firms: dict[str, Firm]
    as_of: date
    weights: Weights = field(default_factory=Weights)
    removed: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        valid = [p for p in self.profiles if p.valid_on(self.as_of)]
        self.removed["validity"] = len(self.profiles) - len(valid)
        self.requests = [p for p in valid if p.kind in ANSWERS]
        self.offers = [p for p in valid if p.kind not in ANSWERS]
        everyone = [*self.requests, *self.offers]
        capability = capability_matrix(everyone)
        self._req_cap = capability[: len(self.requests)]
        self._off_cap = capability[len(self.requests) :].T.tocsr()
        req_firms = [self.firms.get(p.enterprise_id) for p in self.requests]
        off_firms = [self.firms.get(p.enterprise_id) for p in self.offers]
        self._levels = level_matrices(
            [code_sets(p, None, with_firm=False) for p in self.requests],
            [code_sets(p, f, with_firm=True) for p, f in zip(self.offers, off_firms, strict=True)],
        )
        self._certs = certification_matrices(self.requests, self.offers)
        ent = {e: i for i, e in enumerate({p.enterprise_id for p in everyone})}
        self._req_ent = np.array([ent[p.enterprise_id] for p in self.requests], dtype=np.int64)
        self._off_ent = np.array([ent[p.enterprise_id] for p in self.offers], dtype=np.int64)
        self._req_excl = [{ent[e] for e in p.excluded if e in ent} for p in self.requests]
        self._off_excl = [{ent[e] for e in p.excluded if e in ent} for p in self.offers]
        self._req_site = np.array(
            [
                _region_index(p.site_region or (f.region_code if f else None))
                for p, f in zip(self.requests, req_firms, strict=True)
            ]
        )
        self._off_region = np.array(
            [
                _region_index((f.region_code if f else None) or p.site_region)
                for p, f in zip(self.offers, off_firms, strict=True)
            ]
        )
        self._off_serves = np.array([_mask(p.regions_served, REGIONS) for p in self.offers])
        self._req_accepts = np.array([_mask(p.regions_served, REGIONS) for p in self.requests])
        self._req_sizes = np.array([_mask(p.sizes_sought, SIZES) for p in self.requests])
        self._off_sizes = np.array([_mask(p.sizes_sought, SIZES) for p in self.offers])
        self._req_size_said = np.array([bool(p.sizes_sought) for p in self.requests])
        self._req_size_bit = np.array([self._size_bit(f) for f in req_firms])
        self._off_size_bit = np.array([self._size_bit(f) for f in off_firms])
        self._need = np.array([p.capacity_mad or np.nan for p in self.requests], dtype=float)
        self._capacity = np.array([p.capacity_mad or np.nan for p in self.offers], dtype=float)
        self._track = np.array([track_record(f) for f in off_firms])
        self._close = _closeness_table()
        self._jitter = np.random.default_rng(0).random(len(self.offers)) * 1e-9
        self._req_kind = np.array([ANSWERS[p.kind] for p in self.requests], dtype=object)
        self._off_kind = np.array([p.kind for p in self.offers], dtype=object)

    @staticmethod
    def _size_bit(firm: Firm | None) -> int:
        if firm is None or firm.size_class not in SIZES:
            return (1 << len(SIZES)) - 1  # unknown: not filtered out
        return 1 << SIZES.index(firm.size_class)

    def blocks(self, rows: int = 256) -> Iterator[Block]:
        """Every request against the offers that answer it, ``rows`` requests at a time."""
        for kind in sorted(set(self._req_kind)):
            req = np.flatnonzero(self._req_kind == kind)
            off = np.flatnonzero(self._off_kind == kind)
            for start in range(0, req.size, rows):
                yield self._block(req[start : start + rows], off)

    def _block(self, r: np.ndarray, o: np.ndarray) -> Block:
        w = self.weights
        text = (self._req_cap[r] @ self._off_cap[:, o]).toarray()
        want, held, asks = self._certs
        cover = (want[r] @ held[o].T).toarray()
        capability = np.where(asks[r][:, None], 0.85 * text + 0.15 * cover, text)
        sector = np.zeros_like(text)
        for (a, b), level in zip(self._levels, SECTOR_LEVELS, strict=True):
            hit = (a[r] @ b[o].T).toarray() > 0
            sector = np.maximum(sector, np.where(hit, level, 0.0))
        distance = self._close[self._req_site[r][:, None], self._off_region[o][None, :]]
        size = self._size_fit(r, o)
        track = np.broadcast_to(self._track[o][None, :], text.shape)
        score = (
            w.capability * capability
            + w.sector * sector
            + w.distance * distance
            + w.size * size
            + w.track_record * track
            + self._jitter[o][None, :]
        )
        score[~self._allowed(r, o)] = -np.inf
        parts = dict(zip(PARTS, (capability, sector, distance, size, track), strict=True))
        return Block(r, o, score, parts)

    def _size_fit(self, r: np.ndarray, o: np.ndarray) -> np.ndarray:
        ratio = self._capacity[o][None, :] / self._need[r][:, None]
        cap = np.sqrt(np.clip(ratio, 0.0, 1.0))
        said = np.broadcast_to(self._req_size_said[r][:, None], cap.shape)
        known = ~np.isnan(cap)
        total = np.where(known, cap, 0.0) + np.where(said, 1.0, 0.0)
        count = known.astype(float) + said.astype(float)
        return np.where(count > 0, total / np.maximum(count, 1.0), 0.5)

    def _allowed(self, r: np.ndarray, o: np.ndarray) -> np.ndarray:
        """The hard filters; what each removes is counted in ``removed`` (first one wins)."""
        n = len(REGIONS)
        site, region = self._req_site[r][:, None], self._off_region[o][None, :]
        serves = (self._off_serves[o][None, :] >> np.minimum(site, n - 1)) & 1 == 1
        accepts = (self._req_accepts[r][:, None] >> np.minimum(region, n - 1)) & 1 == 1
        checks = [
            ("same_enterprise", self._req_ent[r][:, None] != self._off_ent[o][None, :]),
            ("region", serves | (site == n)),  # an unknown place is not filtered out
            ("region", accepts | (region == n)),
            ("size", (self._req_sizes[r][:, None] & self._off_size_bit[o][None, :]) != 0),
            ("size", (self._off_sizes[o][None, :] & self._req_size_bit[r][:, None]) != 0),
            ("exclusion", ~self._excluded(r, o)),
        ]
        ok = np.ones((r.size, o.size), dtype=bool)
        for name, passed in checks:
            self.removed[name] += int((ok & ~passed).sum())
            ok &= passed
        return ok

    def _excluded(self, r: np.ndarray, o: np.ndarray) -> np.ndarray:
        """Pairs where one side excluded the other's enterprise."""
        out = np.zeros((r.size, o.size), dtype=bool)
        ents = self._off_ent[o]
        for i, req in enumerate(r):
            if self._req_excl[req]:
                out[i] |= np.isin(ents, list(self._req_excl[req]))
        for j, off in enumerate(o):
            if self._off_excl[off]:
                out[:, j] |= np.isin(self._req_ent[r], list(self._off_excl[off]))
        return out
