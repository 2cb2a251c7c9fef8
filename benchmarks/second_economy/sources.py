"""How each partner sees an enterprise: its name, ICE, commune and activity code as typed.

Departures are drawn once per enterprise and partner (a tax office keeps the same wrong
spelling year after year) and a few more per row (a slip in one year's extract).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from second_economy.noise import Style, commune_text, company_name, person_name, typo
from second_economy.population import EPMA, EPPA, Population
from second_economy.vocab_activity import DIVISIONS
from second_economy.vocab_places import CITIES, SPELLINGS

STYLES: dict[str, Style] = {
    "ompic": Style(translit=0.04, particle=0.05, abbrev=0.03, small_words=0.03, typo=0.02,
                   form_in_name=0.35, prefix=0.10, upper=0.75, family_first=0.80,
                   trader_prefix=0.0),
    "dgi": Style(translit=0.10, particle=0.12, abbrev=0.25, small_words=0.10, typo=0.04,
                 form_in_name=0.60, prefix=0.30, upper=0.97, family_first=0.50,
                 trader_prefix=0.08),
    "cnss": Style(translit=0.12, particle=0.15, abbrev=0.35, small_words=0.12, typo=0.05,
                  form_in_name=0.45, prefix=0.35, upper=1.0, family_first=0.60,
                  trader_prefix=0.10),
    "ccis": Style(translit=0.08, particle=0.10, abbrev=0.08, small_words=0.08, typo=0.04,
                  form_in_name=0.50, prefix=0.20, upper=0.50, family_first=0.40,
                  trader_prefix=0.05),
    "marocpme": Style(translit=0.06, particle=0.08, abbrev=0.05, small_words=0.06, typo=0.03,
                      form_in_name=0.70, prefix=0.15, upper=0.40, family_first=0.30,
                      trader_prefix=0.03),
    "rnae": Style(translit=0.03, particle=0.05, abbrev=0.0, small_words=0.0, typo=0.015,
                  form_in_name=0.0, prefix=0.0, upper=0.85, family_first=0.30,
                  trader_prefix=0.0),
}  # fmt: skip

# Per partner: (commune replaced by its city, spelling variant, upper case) and
# activity code (division only, another class of the division, another division of the
# section, another section altogether).
PLACE_HABITS = {"ompic": (0.10, 0.05, 0.7), "cnss": (0.15, 0.10, 0.9),
                "rnae": (0.05, 0.08, 0.5), "dgi": (0.0, 0.08, 0.9)}  # fmt: skip
CODE_HABITS = {"dgi": (0.40, 0.08, 0.05, 0.03), "ccis": (0.55, 0.08, 0.06, 0.05),
               "rnae": (0.20, 0.05, 0.03, 0.02)}  # fmt: skip
_CLASSES = sorted(c for divs in DIVISIONS.values() for _, cl in divs.values() for c in cl)
_SECTION_OF = {c[:2]: s for s, divs in DIVISIONS.items() for d, (_, cl) in divs.items()
               for c in cl}  # fmt: skip


@dataclass(frozen=True)
class IceFaults:
    """Rates of identifier faults per row (missing is decided by the caller)."""

    wrong: float
    zeros_lost: float
    spaces: float


def ice15(ice9: np.ndarray, establishment: np.ndarray | int = 0) -> np.ndarray:
    """Full ICE numbers (int64) with valid mod-97 control digits; -1 stays -1."""
    body = ice9 * 10_000 + establishment
    check = (97 - (body * 100) % 97) % 97
    return np.where(ice9 >= 0, body * 100 + check, -1)


def wrong_digit(text: str, rnd: random.Random) -> str:
    """One digit of an ICE replaced by another (the number then fails mod 97)."""
    i = rnd.randrange(len(text))
    digit = rnd.choice([d for d in "0123456789" if d != text[i]])
    return text[:i] + digit + text[i + 1 :]


def spaced(text: str, rnd: random.Random) -> str:
    """An ICE typed with spaces (by blocks of three, or enterprise/establishment/control)."""
    if rnd.random() < 0.5:
        return " ".join(text[i : i + 3] for i in range(0, len(text), 3))
    return f"{text[:9]} {text[9:13]} {text[13:]}"


class Views:
    """Per-partner renderings of the population, computed on demand and kept."""

    def __init__(self, pop: Population, seed: int) -> None:
        self.pop = pop
        self.rnd = random.Random(seed + 2)
        self.rng = np.random.default_rng(seed + 3)
        self._names: dict[str, np.ndarray] = {}
        self._codes: dict[str, np.ndarray] = {}
        self._places: dict[tuple[str, bool], dict[tuple[int, int], str]] = {}
        self.ice_persistent: dict[str, np.ndarray] = {}
        self._u: dict[str, np.ndarray] = {}
        self._cached: dict[str, np.ndarray] = {}

    def pop_u(self, source: str) -> np.ndarray:
        """A uniform draw per enterprise, fixed for a partner (a persistent habit)."""
        if source not in self._u:
            self._u[source] = self.rng.random(self.pop.n)
        return self._u[source]

    def cached(self, key: str, idx: np.ndarray, make: Callable[[int], str]) -> np.ndarray:
        """A per-enterprise text computed once by `make` and kept under `key`."""
        cache = self._cached.setdefault(key, np.full(self.pop.n, None, dtype=object))
        for i in np.unique(idx[np.equal(cache[idx], None)]).tolist():
            cache[i] = make(i)
        return cache[idx]

    def names(self, source: str, idx: np.ndarray) -> np.ndarray:
        """The partner's spelling of each enterprise's name (one spelling per enterprise)."""
        pop, style, rnd = self.pop, STYLES[source], self.rnd
        cache = self._names.setdefault(source, np.full(pop.n, None, dtype=object))
        todo = idx[np.equal(cache[idx], None)]
        joined = pop.names.joined
        for i in np.unique(todo):
            if pop.cat[i] == EPMA:
                cache[i] = company_name(pop.name[i], pop.form[i], style, rnd, joined)
            else:
                cache[i] = person_name(
                    pop.first[i], pop.family[i], style, rnd, joined, pop.cat[i] == EPPA
                )
        return cache[idx]

    def slips(self, values: np.ndarray, rate: float) -> np.ndarray:
        """A one-letter slip in a few rows."""
        out = values.copy()
        for i in np.flatnonzero(self.rng.random(len(values)) < rate):
            out[i] = typo(out[i], self.rnd)
        return out

    def codes(self, source: str, idx: np.ndarray) -> np.ndarray:
        """The partner's activity code of each enterprise (division or class)."""
        pop = self.pop
        cache = self._codes.get(source)
        if cache is None:
            p_div, p_class, p_division, p_section = CODE_HABITS[source]
            rng = self.rng
            cache = pop.klass.copy()
            u = rng.random(pop.n)
            other = np.array(_CLASSES, dtype=object)[rng.integers(0, len(_CLASSES), pop.n)]
            same_div = np.array([c[:2] for c in other], dtype=object) == np.array(
                [c[:2] for c in cache], dtype=object
            )
            sec_other = np.array([_SECTION_OF[c[:2]] for c in other], dtype=object)
            same_sec = sec_other == pop.section
            swap = (
                ((u < p_class) & same_div)
                | ((u < p_class + p_division) & same_sec)
                | (u < p_section / 4)
            )
            cache[swap] = other[swap]
            div = rng.random(pop.n) < p_div
            cache[div] = np.array([c[:2] for c in cache[div]], dtype=object)
            self._codes[source] = cache
        return cache[idx]

    def places(self, source: str, idx: np.ndarray, communes: np.ndarray, city: bool) -> np.ndarray:
        """A commune (or for the tax office, a city) per row, as the partner types it."""
        p_city, p_var, p_up = PLACE_HABITS[source]
        cache = self._places.setdefault((source, city), {})
        out = np.empty(len(idx), dtype=object)
        pop, rnd = self.pop, self.rnd
        for k, (i, c) in enumerate(zip(idx.tolist(), communes.tolist(), strict=True)):
            key = (i, c)
            text = cache.get(key)
            if text is None:
                ci, name = pop.communes[c]
                cname = CITIES[ci].name
                if city:
                    name = name if rnd.random() < 0.04 else cname
                    text = commune_text(name, name, SPELLINGS.get(name, ()), rnd, 0, p_var, p_up)
                else:
                    spell = SPELLINGS.get(name, ())
                    text = commune_text(name, cname, spell, rnd, p_city, p_var, p_up)
                cache[key] = text
            out[k] = text
        return out

    def ice_text(
        self,
        source: str,
        ice: np.ndarray,
        missing: np.ndarray,
        faults: IceFaults,
        persistent_wrong: float,
    ) -> np.ndarray:
        """ICE as delivered: 15 digits, or empty, mistyped, without leading zeros, spaced."""
        rng, rnd = self.rng, self.rnd
        out = np.full(len(ice), None, dtype=object)
        ok = (ice >= 0) & ~missing
        out[ok] = [f"{v:015d}" for v in ice[ok].tolist()]
        keep = self.ice_persistent.setdefault(source, rng.random(10_007))
        sticky = keep[ice % 10_007] < persistent_wrong
        u = rng.random(len(ice))
        for i in np.flatnonzero(ok & (sticky | (u < faults.wrong))):
            local = random.Random(int(ice[i]) if sticky[i] else rnd.random())
            out[i] = wrong_digit(out[i], local)
        for i in np.flatnonzero(ok & (u >= faults.wrong) & (u < faults.wrong + faults.spaces)):
            out[i] = spaced(out[i], rnd)
        hi = faults.wrong + faults.spaces + faults.zeros_lost
        lost = ok & (u >= faults.wrong + faults.spaces) & (u < hi)
        for i in np.flatnonzero(lost):
            out[i] = out[i].lstrip("0")
        return out
