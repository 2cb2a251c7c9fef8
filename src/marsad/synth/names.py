"""Names: the true name of each enterprise and the way each source writes it.

True names of legal persons are built from words (``vocab``) by a few patterns, made unique
(a denomination is reserved nationally by the trade registry's negative certificate),
then a few are copied onto firms of another region (homonyms that are different firms).
Natural persons are named by a given and a family name. Every source then renders names
with its habits (case, accents, legal-form prefix or suffix) and with faults at the rates
of ``MessRates``: word order, ``&``/``et``, abbreviations, transliterations, typos.
Everything is done on whole columns with ``pyarrow.compute``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from marsad.synth import vocab
from marsad.synth.config import MessRates
from marsad.synth.sectors import activity_tables

LEGAL_FORMS: tuple[str, ...] = ("SARL", "SARL_AU", "SA", "SNC", "SAS", "PP")


@dataclass(frozen=True)
class Table:
    """A list of entries, each with its written variants (canonical first), flattened."""

    canonical: pa.Array
    offsets: np.ndarray
    counts: np.ndarray
    flat: pa.Array


def _table(entries: list[list[str]]) -> Table:
    counts = np.array([len(e) for e in entries], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return Table(
        canonical=pa.array([e[0] for e in entries], pa.string()),
        offsets=offsets,
        counts=counts,
        flat=pa.array([v for e in entries for v in e], pa.string()),
    )


@cache
def given_names() -> Table:
    return _table(vocab.MALE_GIVEN + vocab.FEMALE_GIVEN)


@cache
def family_names() -> Table:
    return _table(vocab.FAMILY)


@cache
def section_words() -> Table:
    return _table([vocab.SECTION_WORDS.get(s, ["Services"]) for s in activity_tables().sections])


def pick_variant(
    rng: np.random.Generator, table: Table, index: np.ndarray, rate: float
) -> pa.Array:
    """The canonical spelling of each entry, or (at ``rate``) any of its variants."""
    vary = rng.random(index.size) < rate
    choice = np.floor(rng.random(index.size) * table.counts[index]).astype(np.int64)
    flat_index = table.offsets[index] + np.where(vary, choice, 0)
    return table.flat.take(pa.array(flat_index))


def draw_person(rng: np.random.Generator, woman: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Given-name and family-name indices of persons of the given sex."""
    n_male = len(vocab.MALE_GIVEN)
    n_female = len(vocab.FEMALE_GIVEN)
    # Frequent names are more frequent: a Zipf-like weight on the list order.
    w_m = 1.0 / np.arange(1, n_male + 1) ** 0.8
    w_f = 1.0 / np.arange(1, n_female + 1) ** 0.8
    w_fam = 1.0 / np.arange(1, len(vocab.FAMILY) + 1) ** 0.5
    male = rng.choice(n_male, woman.size, p=w_m / w_m.sum())
    female = n_male + rng.choice(n_female, woman.size, p=w_f / w_f.sum())
    given = np.where(woman, female, male).astype(np.int64)
    family = rng.choice(len(vocab.FAMILY), woman.size, p=w_fam / w_fam.sum()).astype(np.int64)
    return given, family


def person_names(
    rng: np.random.Generator,
    given: np.ndarray,
    family: np.ndarray,
    *,
    variant_rate: float = 0.0,
    family_first: float = 0.0,
) -> pa.Array:
    """``Given Family`` (or, at ``family_first``, ``Family Given``) with spelling variants."""
    g = pick_variant(rng, given_names(), given, variant_rate)
    f = pick_variant(rng, family_names(), family, variant_rate)
    first = pc.binary_join_element_wise(g, f, " ")
    if family_first <= 0:
        return first
    swapped = pc.binary_join_element_wise(f, g, " ")
    return pc.if_else(pa.array(rng.random(given.size) < family_first), swapped, first)


def _pick(rng: np.random.Generator, items: list[str], n: int) -> pa.Array:
    return pa.array(items, pa.string()).take(pa.array(rng.integers(0, len(items), n)))


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, " ")


def firm_names(rng: np.random.Generator, section: np.ndarray, family: np.ndarray) -> pa.Array:
    """Unique true names of legal persons (title case, accents kept)."""
    n = section.size
    words = section_words()
    roots = vocab.ROOTS_LIST

    def word() -> pa.Array:
        pick = np.floor(rng.random(n) * words.counts[section]).astype(np.int64)
        return words.flat.take(pa.array(words.offsets[section] + pick))

    r1, r2 = _pick(rng, roots, n), _pick(rng, roots, n)
    w1, w2 = word(), word()
    fam = family_names().canonical.take(pa.array(family))
    relation = _pick(rng, vocab.RELATIONS, n)
    syl = [pc.utf8_lower(_pick(rng, vocab.COINED_SYLLABLES, n)) for _ in range(3)]
    coined = pc.utf8_capitalize(
        pc.if_else(
            pa.array(rng.random(n) < 0.5),
            pc.binary_join_element_wise(*syl, ""),
            pc.binary_join_element_wise(syl[0], syl[1], ""),
        )
    )
    place = _pick(rng, vocab.PLACE_WORDS, n)
    family_pattern = pc.if_else(
        pc.equal(relation, "Groupe"), _join("Groupe", fam), _join(fam, relation)
    )
    patterns = [
        _join(r1, w1),
        _join(w1, r1),
        _join(r1, r2, w1),
        family_pattern,
        _join(coined, w1),
        _join(w1, r1, place),
        _join(r1, "&", r2),
        _join(r1, w1, "et", w2),
    ]
    weights = np.array([0.30, 0.15, 0.10, 0.08, 0.15, 0.10, 0.05, 0.07])
    which = rng.choice(len(patterns), n, p=weights / weights.sum())
    names = patterns[0]
    for k in range(1, len(patterns)):
        names = pc.if_else(pa.array(which == k), patterns[k], names)
    return _make_unique(rng, names)


def name_key(names: pa.Array) -> pa.Array:
    """Comparison key: upper case, no accents, single spaces."""
    return pc.utf8_upper(strip_accents(names))


def _duplicates(names: pa.Array) -> np.ndarray:
    """True for every occurrence of a key after its first."""
    codes = np.asarray(pc.dictionary_encode(name_key(names)).indices, dtype=np.int64)
    first = np.zeros(codes.size, dtype=bool)
    _, first_index = np.unique(codes, return_index=True)
    first[first_index] = True
    return ~first


def _make_unique(rng: np.random.Generator, names: pa.Array) -> pa.Array:
    tails = vocab.SUFFIXES + vocab.PLACE_WORDS
    for _ in range(8):
        dup = _duplicates(names)
        if not dup.any():
            return names
        names = patch(names, dup, lambda sub: _join(sub, _pick(rng, tails, len(sub))))
    dup = _duplicates(names)
    numbers = pc.cast(pa.array(np.flatnonzero(dup) + 1), pa.string())
    return patch(names, dup, lambda sub: _join(sub, numbers))


def plant_homonyms(
    rng: np.random.Generator, names: pa.Array, region: np.ndarray, rate: float
) -> tuple[pa.Array, np.ndarray]:
    """Give a few firms the exact name of a firm of another region; flags the copies."""
    n = len(names)
    k = round(n * rate)
    if k == 0 or n < 2:
        return names, np.zeros(n, dtype=bool)
    source = rng.integers(0, n, k)
    target = rng.integers(0, n, k)
    keep = (region[source] != region[target]) & (source != target)
    source, target = source[keep], target[keep]
    target, first = np.unique(target, return_index=True)
    source = source[first]
    keep = ~np.isin(source, target)
    source, target = source[keep], target[keep]
    index = np.arange(n)
    index[target] = source
    flag = np.zeros(n, dtype=bool)
    flag[target] = True
    flag[source] = True
    return names.take(pa.array(index)), flag


def patch(values: pa.Array, mask: np.ndarray, fn: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``values`` with ``fn`` applied to the rows where ``mask`` is true."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return values
    changed = fn(values.take(pa.array(rows)))
    spread = changed.take(pa.array(np.maximum(np.cumsum(mask) - 1, 0)))
    return pc.if_else(pa.array(mask), spread, values)


def strip_accents(values: pa.Array) -> pa.Array:
    return pc.replace_substring_regex(pc.utf8_normalize(values, form="NFKD"), r"\p{Mn}", "")


@dataclass(frozen=True)
class NameStyle:
    """How a source writes names: legal form, case and accents (shares of its records)."""

    prefix: float = 0.0  # companies: "STE ...", "Société ..."
    trader_prefix: float = 0.0  # natural persons: "ETS ..."
    suffix: float = 0.0  # "... SARL"
    upper: float = 1.0
    lower: float = 0.0
    accents_dropped: float = 1.0


def render_names(
    rng: np.random.Generator,
    base: pa.Array,
    legal_form: np.ndarray,
    style: NameStyle,
    rates: MessRates,
) -> pa.Array:
    """One source's spelling of each name (``legal_form`` indexes ``LEGAL_FORMS``)."""
    n = len(base)
    person = np.asarray(LEGAL_FORMS, dtype=object)[legal_form] == "PP"
    prefixes = np.where(
        person,
        np.asarray(vocab.TRADER_PREFIXES, dtype=object)[rng.integers(0, 4, n)],
        np.asarray(vocab.COMPANY_PREFIXES, dtype=object)[rng.integers(0, 5, n)],
    )
    writings = [vocab.LEGAL_FORM_WRITINGS[f] for f in LEGAL_FORMS]
    suffix_text = np.array([w[int(k) % len(w)] for w in writings for k in range(5)], dtype=object)[
        legal_form * 5 + rng.choice(5, n, p=[0.6, 0.1, 0.1, 0.1, 0.1])
    ]
    use_prefix = rng.random(n) < np.where(person, style.trader_prefix, style.prefix)
    use_suffix = (rng.random(n) < style.suffix) & ~person
    out = base
    out = patch(out, use_prefix, lambda s: _join(pa.array(prefixes[use_prefix], pa.string()), s))
    out = patch(out, use_suffix, lambda s: _join(s, pa.array(suffix_text[use_suffix], pa.string())))
    out = fault_names(rng, out, rates)
    out = patch(out, rng.random(n) < style.accents_dropped, strip_accents)
    case = rng.random(n)
    out = patch(out, case < style.upper, pc.utf8_upper)
    out = patch(out, (case >= style.upper) & (case < style.upper + style.lower), pc.utf8_lower)
    return out


def fault_names(rng: np.random.Generator, names: pa.Array, rates: MessRates) -> pa.Array:
    """Word order, ``&``/``et``, abbreviations, transliterations and typos, at their rates."""
    n = len(names)
    out = patch(names, rng.random(n) < rates.name_word_order, _swap_first_words)
    has_amp = np.asarray(pc.match_substring(out, " & "), dtype=bool)
    has_et = np.asarray(pc.match_substring(out, " et "), dtype=bool)
    toggle = rng.random(n) < rates.name_ampersand
    out = patch(out, has_amp & toggle, lambda s: pc.replace_substring(s, " & ", " et "))
    out = patch(out, has_et & ~has_amp & toggle, lambda s: pc.replace_substring(s, " et ", " & "))
    out = patch(out, rng.random(n) < rates.name_abbreviation, _abbreviate)
    rule = rng.integers(0, len(vocab.TRANSLITERATIONS), n)
    vary = rng.random(n) < rates.name_transliteration
    for r, (pattern, replacement) in enumerate(vocab.TRANSLITERATIONS):
        other = vocab.TRANSLITERATIONS[(r + 3) % len(vocab.TRANSLITERATIONS)]

        def swap(
            s: pa.Array, p: str = pattern, rep: str = replacement, o: tuple[str, str] = other
        ) -> pa.Array:
            s = pc.replace_substring_regex(s, p, rep, max_replacements=1)
            return pc.replace_substring_regex(s, o[0], o[1], max_replacements=1)

        out = patch(out, vary & (rule == r), swap)
    return typos(rng, out, rng.random(n) < rates.name_typo)


def _swap_first_words(s: pa.Array) -> pa.Array:
    return pc.replace_substring_regex(s, r"^(\S+) (\S+)", r"\2 \1")


def _abbreviate(s: pa.Array) -> pa.Array:
    for long, short in vocab.ABBREVIATIONS:
        s = pc.replace_substring(s, long, short)
    return s


TYPO_EDITS: tuple[tuple[str, str], ...] = (
    ("^(.{%d}).", r"\1"),  # a letter dropped
    ("^(.{%d})(.)(.)", r"\1\3\2"),  # two letters swapped
    ("^(.{%d})(.)", r"\1\2\2"),  # a letter doubled
)


def typos(rng: np.random.Generator, values: pa.Array, mask: np.ndarray) -> pa.Array:
    """One keyboard fault in each masked value (at a random early position)."""
    kind = rng.integers(0, len(TYPO_EDITS), mask.size)
    offset = rng.integers(2, 7, mask.size)
    out = values
    for k, (pattern, replacement) in enumerate(TYPO_EDITS):
        for o in range(2, 7):
            sel = mask & (kind == k) & (offset == o)
            out = patch(out, sel, regex_edit(pattern % o, replacement))
    return out


def regex_edit(pattern: str, replacement: str) -> Callable[[pa.Array], pa.Array]:
    """A column edit replacing the first match of ``pattern``."""

    def edit(values: pa.Array) -> pa.Array:
        return pc.replace_substring_regex(values, pattern, replacement, max_replacements=1)

    return edit
