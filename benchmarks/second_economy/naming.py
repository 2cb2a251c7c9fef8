"""True names of the enterprises of the independent economy.

Persons get a first name (by gender) and a family name; family names come from a list of
common Moroccan names and from names composed of a particle, a root and an ending, with
a long-tailed frequency so that common names repeat as they do in real registers.
Legal persons get a registered denomination from a few templates (founder's family name
plus activity, brand plus activity, initials, ...), unique across the country as the
registry's negative certificate requires.
"""

from __future__ import annotations

import random

import numpy as np

from second_economy.vocab_names import (
    ACTIVITY_WORDS,
    BRANDS,
    CONNECTORS,
    FAMILY,
    FEMALE_FIRST,
    MALE_FIRST,
    TAILS,
)

_ROOTS = (
    "HADD", "AMR", "ZIAN", "MANSOUR", "FIL", "KHATT", "JAB", "KAD", "TAH", "SAL", "RAH",
    "HAMD", "OUARD", "BAKK", "MOKHT", "AZZOUZ", "KHALF", "MAHJOUB", "GHAZ", "HARR", "NAJ",
    "SAB", "TALB", "ZAH", "YAHY", "CHERK", "DAOUD", "KARIM", "MEKK", "SEFR", "ZEMM",
    "YOUSSF", "GHAL", "BOUHAL", "HOUAR", "ZAKOUR", "AYACH", "TOUIL", "KASS", "LAHL", "BERR",
    "SEBT", "MERN", "TOUN", "JILAL", "MOUSS", "HASSOUN", "AMAR", "FARH", "QADD", "RGUIB",
    "SOUL", "HADIOU", "ALL", "MOUNIR", "ASRI", "BAHR", "CHAFI", "DRISS", "FADL", "GHARB",
    "HILAL", "ISMAIL", "JAAF", "KHOUY", "LAKHD", "MOUHS", "NASS", "OUAHB", "RACH", "SAAD",
    "TAIB", "WAHB", "ZOUB", "AZIZ", "BARR", "DAHM", "FETT", "GUERR", "HAMM", "JELL", "KERR",
)  # fmt: skip
_INFIX = ("", "", "", "OUN", "AB", "IR", "AD", "EM", "OUL", "AS")
_ENDINGS = ("I", "AOUI", "OUI", "ANI", "OUNI", "AL", "OU", "A", "", "ANE", "OUCH", "ATI")
_PARTICLE_P = (("", 0.44), ("EL", 0.28), ("BEN", 0.11), ("BOU", 0.04), ("AIT", 0.06),
               ("BEL", 0.03), ("OU", 0.02), ("OULAD", 0.02))  # fmt: skip


class Names:
    """Name pools with their frequencies, and the set of names written joined."""

    def __init__(self, rnd: random.Random) -> None:
        families: list[str] = []
        joined: set[str] = set()
        for fam in FAMILY:
            if "+" in fam:
                name = fam.replace("+", "")
                joined.add(name)
                families.append(name)
            else:
                families.append(fam)
        seen = set(families)
        parts, weights = zip(*_PARTICLE_P, strict=True)
        while len(families) < 12_000:
            root = rnd.choice(_ROOTS) + rnd.choice(_INFIX) + rnd.choice(_ENDINGS)
            if len(root) < 4:
                continue
            particle = rnd.choices(parts, weights)[0]
            if not particle:
                name = root
            elif (particle in ("BEN", "BOU", "BEL", "OU") and rnd.random() < 0.7) or (
                particle == "EL" and rnd.random() < 0.25
            ):
                name = particle + root
                joined.add(name)
            else:
                name = f"{particle} {root}"
            if name not in seen:
                seen.add(name)
                families.append(name)
        self.family = np.array(families, dtype=object)
        ranks = np.arange(1, len(families) + 1, dtype=float)
        head = np.where(ranks <= len(FAMILY), 1.5, 1.0)
        self.family_p = head / ranks**0.6
        self.family_p /= self.family_p.sum()
        self.joined = frozenset(joined)
        self.male = np.array(MALE_FIRST, dtype=object)
        self.female = np.array(FEMALE_FIRST, dtype=object)
        pm = 1.0 / np.arange(1, len(MALE_FIRST) + 1) ** 0.8
        pm[0] *= 3.0  # MOHAMED
        self.male_p = pm / pm.sum()
        pf = 1.0 / np.arange(1, len(FEMALE_FIRST) + 1) ** 0.7
        self.female_p = pf / pf.sum()

    def persons(self, rng: np.random.Generator, female: np.ndarray) -> tuple[np.ndarray, ...]:
        """First and family names for persons of the given gender (True for women)."""
        n = len(female)
        first = np.where(
            female,
            self.female[rng.choice(len(self.female), n, p=self.female_p)],
            self.male[rng.choice(len(self.male), n, p=self.male_p)],
        )
        family = self.family[rng.choice(len(self.family), n, p=self.family_p)]
        return first, family


def _initials(rnd: random.Random) -> str:
    letters = "ABCDEFGHIKLMNOPRSTZ"
    return "".join(rnd.choice(letters) for _ in range(rnd.randint(3, 5)))


def company_names(
    sections: np.ndarray, founders: np.ndarray, first: np.ndarray, rnd: random.Random
) -> np.ndarray:
    """A registered denomination per legal person, unique across the country."""
    out = np.empty(len(sections), dtype=object)
    taken: set[str] = set()
    for i, (sec, fam, fst) in enumerate(zip(sections, founders, first, strict=True)):
        words = ACTIVITY_WORDS.get(sec) or ACTIVITY_WORDS["G"]
        act = rnd.choice(words)
        r = rnd.random()
        if r < 0.27:
            name = f"{fam} {act}"
        elif r < 0.47:
            name = f"{rnd.choice(BRANDS)} {act}"
        elif r < 0.57:
            name = f"{act} {rnd.choice(BRANDS)}"
        elif r < 0.67:
            other = rnd.choice(words)
            conn = rnd.choice(CONNECTORS) if other != act else "ET"
            name = f"{rnd.choice(BRANDS)} {act} {conn} {other}" if other != act else act
        elif r < 0.75:
            name = f"{_initials(rnd)} {act}"
        elif r < 0.82:
            name = f"{fam} {rnd.choice(('ET FILS', '& FRERES', 'ET ASSOCIES', 'FRERES'))}"
        elif r < 0.88:
            name = f"{fst} {fam} {act}"
        elif r < 0.94:
            name = f"{rnd.choice(BRANDS)} {rnd.choice(BRANDS)} {act}"
        else:
            name = f"{_initials(rnd)} {rnd.choice(TAILS)}"
        while name in taken:
            name = (
                f"{name} {rnd.choice(TAILS)}" if rnd.random() < 0.7 else f"{_initials(rnd)} {name}"
            )
        taken.add(name)
        out[i] = name
    return out
