"""Auto-entrepreneurs who formalise: they leave the status and create a company.

A share of the auto-entrepreneurs who deregister (``FORMALISING_SHARE``, an assumption:
no published figure counts these passages) create, within months, a single-member
company (SARL AU) or register as a natural-person trader. The successor is one of the
economy's own creations, so that the published counts of creations stay as calibrated:
a trade-registry entrant of the same creation year, region and manager's gender (and,
when one is free, of the same NMA section) is given the person, and its creation date
is moved within its creation year to a few months after the deregistration (sometimes a
few weeks before: the company is often registered before the status is closed).

What the two records then share, as in real registers:

- the person: a trader's name is the person's name; a company's denomination contains the
  person's name (``NAMED_COMPANY_SHARE``), otherwise it is an unrelated trade name;
- the place: the auto-entrepreneur's commune becomes the company's (``SAME_COMMUNE_SHARE``)
  or another commune of its court's area;
- the activity: the same NMA division (``SAME_DIVISION_SHARE``), else the same section;
  when no entrant of the section is free, an unrelated one.

Nothing else changes: the identifiers (a company gets its own ICE, RC, IF), the
auto-entrepreneur's turnover and dates, the company's money and life. The pairs are the
truth of ``truth/successions.parquet``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from marsad.synth import vocab
from marsad.synth.config import YEARS
from marsad.synth.geography import place_tables
from marsad.synth.names import LEGAL_FORMS, family_names, given_names, name_key, section_words
from marsad.synth.population import KIND_ENTRANT
from marsad.synth.rng import stream

if TYPE_CHECKING:
    from marsad.synth.economy import AutoEntrepreneurs, Firms

FORMALISING_SHARE = 0.08  # of the auto-entrepreneurs deregistered in 2016-2025
TRADER_SHARE = 0.4  # successors registered as natural-person traders (else SARL AU)
NAMED_COMPANY_SHARE = 0.65  # company denominations holding the person's name
SAME_COMMUNE_SHARE = 0.75
SAME_DIVISION_SHARE = 0.6
LAG_DAYS = (-45, 540)  # creation date minus deregistration date, bounds


@dataclass
class Successions:
    """Predecessor auto-entrepreneurs (rows of ``AutoEntrepreneurs``) and their successor
    firms (rows of ``Firms``)."""

    ae: np.ndarray
    firm: np.ndarray
    named: np.ndarray  # bool: the denomination holds the person's name
    same_section: np.ndarray  # bool

    @property
    def size(self) -> int:
        return int(self.ae.size)


def _year(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[Y]").astype(np.int64) + 1970


def _lags(rng: np.random.Generator, n: int) -> np.ndarray:
    """Days from deregistration to creation: mostly one to six months."""
    days = np.round(rng.gamma(1.6, 55.0, n)) - 20
    return np.clip(days, *LAG_DAYS).astype("timedelta64[D]")


def _pair(
    rng: np.random.Generator, ae_keys: list[np.ndarray], firm_keys: list[np.ndarray]
) -> np.ndarray:
    """For each auto-entrepreneur, a distinct firm with the same key (-1: none)."""
    ae_code = np.stack(ae_keys, axis=1)
    firm_code = np.stack(firm_keys, axis=1)
    pools: dict[tuple[int, ...], list[int]] = {}
    for f in rng.permutation(firm_code.shape[0]):
        pools.setdefault(tuple(firm_code[f].tolist()), []).append(int(f))
    out = np.full(ae_code.shape[0], -1, dtype=np.int64)
    for i in range(ae_code.shape[0]):
        pool = pools.get(tuple(ae_code[i].tolist()))
        if pool:
            out[i] = pool.pop()
    return out


def plant_formalisations(seed: int, firms: Firms, ae: AutoEntrepreneurs) -> Successions:
    """Choose the pairs and make each successor the person's firm (in place)."""
    rng = stream(seed, "formalisation")
    dereg = ae.registrations.deregistration_date
    gone = ~np.isnat(dereg)
    gone[gone] &= np.isin(_year(dereg[gone]), YEARS)
    leaving = np.flatnonzero(gone & (rng.random(ae.size) < FORMALISING_SHARE))
    target = dereg[leaving] + _lags(rng, leaving.size)
    trader = rng.random(leaving.size) < TRADER_SHARE
    form = np.where(trader, LEGAL_FORMS.index("PP"), LEGAL_FORMS.index("SARL_AU"))
    entrants = np.flatnonzero(
        (firms.kind == KIND_ENTRANT)
        & ~firms.shell
        & np.isin(firms.legal_form, [LEGAL_FORMS.index("PP"), LEGAL_FORMS.index("SARL_AU")])
    )
    ae_keys = [_year(target), ae.region[leaving], ae.woman[leaving], form]
    firm_keys = [
        _year(firms.birth_date[entrants]),
        firms.region[entrants],
        firms.woman[entrants],
        firms.legal_form[entrants],
    ]
    chosen = _pair(rng, [*ae_keys, ae.section[leaving]], [*firm_keys, firms.section[entrants]])
    same_section = chosen >= 0
    free = np.ones(entrants.size, dtype=bool)
    free[chosen[same_section]] = False
    rest = np.flatnonzero(~same_section)
    if rest.size:
        sub = _pair(rng, [k[rest] for k in ae_keys], [k[free] for k in firm_keys])
        chosen[rest] = np.where(sub >= 0, np.flatnonzero(free)[np.maximum(sub, 0)], -1)
    ok = chosen >= 0
    successor = entrants[chosen[ok]]
    pred = leaving[ok]
    dates = target[ok]
    # the successor must be alive on its new creation date
    death = firms.death_date[successor]
    alive = np.isnat(death) | (death > dates)
    pred, successor, dates = pred[alive], successor[alive], dates[alive]
    same_section = same_section[ok][alive]
    firms.birth_date[successor] = dates
    named = _give_person(rng, firms, ae, pred, successor)
    _share_place_and_activity(rng, firms, ae, pred, successor, same_section)
    order = np.argsort(ae.enterprise_id[pred], kind="stable")
    return Successions(pred[order], successor[order], named[order], same_section[order])


def _give_person(
    rng: np.random.Generator,
    firms: Firms,
    ae: AutoEntrepreneurs,
    pred: np.ndarray,
    successor: np.ndarray,
) -> np.ndarray:
    """The successor's manager is the person; its name says so (traders always)."""
    firms.given[successor] = ae.given[pred]
    firms.family[successor] = ae.family[pred]
    legal = firms.legal[successor]
    named = ~legal | (rng.random(successor.size) < NAMED_COMPANY_SHARE)
    person = pc.binary_join_element_wise(
        given_names().canonical.take(pa.array(ae.given[pred])),
        family_names().canonical.take(pa.array(ae.family[pred])),
        " ",
    )
    words = section_words()
    section = firms.section[successor]
    pick = np.floor(rng.random(successor.size) * words.counts[section]).astype(np.int64)
    word = words.flat.take(pa.array(words.offsets[section] + pick))
    family = family_names().canonical.take(pa.array(ae.family[pred]))
    pattern = rng.integers(0, 3, successor.size)
    company = pc.if_else(
        pa.array(pattern == 0),
        pc.binary_join_element_wise(person, word, " "),
        pc.if_else(
            pa.array(pattern == 1),
            pc.binary_join_element_wise(word, person, " "),
            pc.binary_join_element_wise(family, word, " "),
        ),
    )
    new_name = pc.if_else(pa.array(legal), company, person)
    names = firms.name.to_pylist()
    taken = {k for k in name_key(firms.name.filter(pa.array(firms.legal))).to_pylist() if k}
    tails = vocab.SUFFIXES + vocab.PLACE_WORDS
    for i, value in zip(
        np.flatnonzero(named), new_name.filter(pa.array(named)).to_pylist(), strict=True
    ):
        row = int(successor[i])
        if legal[i]:
            key = name_key(pa.array([value])).to_pylist()[0]
            while key in taken:  # a company name is reserved nationally
                value = f"{value} {tails[int(rng.integers(0, len(tails)))]}"
                key = name_key(pa.array([value])).to_pylist()[0]
            taken.add(key)
        names[row] = value
    firms.name = pa.array(names, pa.string())
    return np.asarray(named, dtype=bool)


def _share_place_and_activity(
    rng: np.random.Generator,
    firms: Firms,
    ae: AutoEntrepreneurs,
    pred: np.ndarray,
    successor: np.ndarray,
    same_section: np.ndarray,
) -> None:
    """The auto-entrepreneur worked where the company sits, in the same trade or a near one."""
    tables = place_tables()
    commune = firms.commune[successor]
    court = tables.commune_court[commune]
    same = rng.random(pred.size) < SAME_COMMUNE_SHARE
    moved = commune.copy()
    for i in np.flatnonzero(~same):
        area = np.flatnonzero(tables.commune_court == court[i])
        moved[i] = area[int(rng.integers(0, area.size))]
    ae.commune[pred] = moved
    same_division = same_section & (rng.random(pred.size) < SAME_DIVISION_SHARE)
    ae.division[pred] = np.where(same_division, firms.division[successor], ae.division[pred])
    ae.klass[pred] = np.where(same_division, firms.klass[successor], ae.klass[pred])


def successions_table(firms: Firms, ae: AutoEntrepreneurs, found: Successions) -> pa.Table:
    return pa.table(
        {
            "predecessor_id": pa.array(ae.enterprise_id[found.ae], pa.int64()),
            "successor_id": pa.array(firms.enterprise_id[found.firm], pa.int64()),
            "deregistration_date": pa.array(
                ae.registrations.deregistration_date[found.ae], pa.date32()
            ),
            "creation_date": pa.array(firms.birth_date[found.firm], pa.date32()),
            "successor_legal_form": pa.array(
                [LEGAL_FORMS[int(f)] for f in firms.legal_form[found.firm]], pa.string()
            ),
            "named": pa.array(found.named, pa.bool_()),
            "same_commune": pa.array(ae.commune[found.ae] == firms.commune[found.firm]),
            "same_section": pa.array(found.same_section, pa.bool_()),
        }
    )


def write_successions(firms: Firms, ae: AutoEntrepreneurs, found: Successions, truth: Path) -> int:
    table = successions_table(firms, ae, found)
    pq.write_table(table, truth / "successions.parquet", compression="zstd")
    return table.num_rows
