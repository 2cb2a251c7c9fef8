"""Faults of real extracts, applied to whole columns: identifiers, places, activity codes.

- ICE: missing, one digit wrong (the mod-97 check then fails: changing one digit changes
  the number by ``d * 10**k``, never a multiple of the prime 97), leading zeros lost (the
  column went through a spreadsheet as a number), spaces inside.
- Communes: a known variant spelling, the city instead of the commune, upper case,
  accents dropped.
- Activity codes: division (``47``) or class (``4711``, ``47.11``), and a share of codes
  that disagree with the other sources.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from marsad.synth import vocab
from marsad.synth.config import MessRates
from marsad.synth.geography import place_tables
from marsad.synth.identifiers import digits
from marsad.synth.names import patch, strip_accents, typos
from marsad.synth.sectors import activity_tables

ICE_FAULTS = ("missing", "digit_wrong", "zeros_lost", "spaces")


def ice_text(
    rng: np.random.Generator,
    ice: np.ndarray,
    rates: MessRates,
    *,
    missing: float | np.ndarray | None = None,
    allow_missing: bool = True,
) -> pa.Array:
    """ICE as a source writes it; ``missing`` overrides the missing rate (per row if array)."""
    n = ice.size
    p_missing = rates.ice_missing if missing is None else missing
    p_missing = np.broadcast_to(np.asarray(p_missing, dtype=np.float64), (n,))
    if not allow_missing:
        p_missing = np.zeros(n)
    u = rng.random(n)
    is_missing = u < p_missing
    left = ~is_missing
    band = p_missing + rates.ice_digit_wrong
    wrong = left & (u < band)
    zeros = left & ~wrong & (u < band + rates.ice_zeros_lost)
    spaces = left & ~wrong & ~zeros & (u < band + rates.ice_zeros_lost + rates.ice_spaces)
    value = ice.astype(np.int64).copy()
    power = 10 ** rng.integers(0, 15, n, dtype=np.int64)
    digit = (value // power) % 10
    new_digit = (digit + rng.integers(1, 10, n)) % 10
    value = np.where(wrong, value + (new_digit - digit) * power, value)
    text = digits(value, 15)
    text = patch(text, zeros, lambda s: pc.utf8_ltrim(s, "0"))
    text = patch(
        text,
        spaces,
        lambda s: pc.replace_substring_regex(
            s, r"^(\d{3})(\d{3})(\d{3})(\d{4})(\d{2})$", r"\1 \2 \3 \4 \5"
        ),
    )
    return pc.if_else(pa.array(is_missing), pa.nulls(n, pa.string()), text)


def commune_text(
    rng: np.random.Generator,
    commune: np.ndarray,
    rates: MessRates,
    *,
    city: bool = False,
    upper: float | None = None,
) -> pa.Array:
    """Commune (or, with ``city``, city) names as a source writes them."""
    tables = place_tables()
    n = commune.size
    out = (tables.city if city else tables.commune_name).take(pa.array(commune))
    counts = tables.variant_counts[commune] if tables.variant_counts.size else np.zeros(n, np.int64)
    vary = (rng.random(n) < rates.commune_variant) & (counts > 0)
    if vary.any():
        pick = tables.variant_offsets[commune] + np.floor(rng.random(n) * counts).astype(np.int64)
        variants = tables.variant_names.take(pa.array(np.where(vary, pick, 0)))
        out = pc.if_else(pa.array(vary), variants, out)
    if not city:
        swap = (rng.random(n) < rates.commune_city) & ~vary
        out = pc.if_else(pa.array(swap), tables.court_city.take(pa.array(commune)), out)
    out = patch(out, rng.random(n) < rates.commune_accents, strip_accents)
    out = typos(rng, out, rng.random(n) < rates.commune_typo)
    upper_rate = rates.commune_upper if upper is None else upper
    return patch(out, rng.random(n) < upper_rate, pc.utf8_upper)


def activity_code_text(
    rng: np.random.Generator,
    division: np.ndarray,
    klass: np.ndarray,
    rates: MessRates,
    *,
    class_share: float,
    dotted_share: float = 0.0,
) -> pa.Array:
    """NMA code as a source writes it: division or class, sometimes another division."""
    tables = activity_tables()
    n = division.size
    divisions = pa.array(tables.divisions, pa.string())
    wrong = rng.random(n) < rates.activity_wrong_division
    section = tables.division_section[division]
    order = np.argsort(tables.division_section, kind="stable")
    counts = np.bincount(tables.division_section, minlength=len(tables.sections))
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    # Another division of the same section when it has several, else any division.
    sibling = order[offsets[section] + np.floor(rng.random(n) * counts[section]).astype(np.int64)]
    anywhere = rng.integers(0, len(tables.divisions), n)
    other = np.where(counts[section] > 1, sibling, anywhere)
    shown = np.where(wrong, other, division)
    as_class = (rng.random(n) < class_share) & ~wrong
    code = pc.if_else(
        pa.array(as_class),
        tables.class_codes.take(pa.array(klass)),
        divisions.take(pa.array(shown)),
    )
    dotted = as_class & (rng.random(n) < dotted_share)
    return patch(code, dotted, lambda s: pc.replace_substring_regex(s, r"^(\d\d)(\d\d)$", r"\1.\2"))


def addresses(rng: np.random.Generator, n: int) -> pa.Array:
    """Free-text street addresses (``N° 12 Rue Ibn Sina, Maarif``)."""
    number = pc.cast(pa.array(rng.integers(1, 400, n)), pa.string())
    kind = pa.array(vocab.STREET_KINDS).take(pa.array(rng.integers(0, len(vocab.STREET_KINDS), n)))
    street = pa.array(vocab.STREETS).take(pa.array(rng.integers(0, len(vocab.STREETS), n)))
    quarter = pa.array(vocab.QUARTERS).take(pa.array(rng.integers(0, len(vocab.QUARTERS), n)))
    numbered = pc.binary_join_element_wise("N°", number, kind, street, " ")
    with_quarter = pc.binary_join_element_wise(numbered, quarter, ", ")
    return pc.if_else(pa.array(rng.random(n) < 0.6), with_quarter, numbered)


def phones(rng: np.random.Generator, region: np.ndarray) -> pa.Array:
    """Moroccan phone numbers in the usual writings (fixed 05, mobile 06/07)."""
    n = region.size
    mobile = rng.random(n) < 0.55
    prefix = np.where(mobile, rng.choice([6, 7], n), 5)
    body = rng.integers(20_000_000, 99_999_999, n)
    number = pc.binary_join_element_wise(
        "0", pc.cast(pa.array(prefix), pa.string()), pc.cast(pa.array(body), pa.string()), ""
    )
    spaced = pc.replace_substring_regex(
        number, r"^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$", r"\1 \2 \3 \4 \5"
    )
    intl = pc.replace_substring_regex(number, r"^0(\d)(\d{8})$", r"+212 \1\2")
    style = rng.random(n)
    out = pc.if_else(pa.array(style < 0.3), spaced, number)
    return pc.if_else(pa.array(style > 0.85), intl, out)


def emails(rng: np.random.Generator, names: pa.Array) -> pa.Array:
    """Contact addresses derived from the firm's name (``contact@atlasnegoce.ma``)."""
    n = len(names)
    slug = pc.replace_substring_regex(pc.utf8_lower(strip_accents(names)), r"[^a-z0-9]+", "")
    slug = pc.utf8_slice_codeunits(slug, 0, 24)
    domain = pa.array(vocab.EMAIL_DOMAINS).take(
        pa.array(rng.integers(0, len(vocab.EMAIL_DOMAINS), n))
    )
    own = pc.binary_join_element_wise("contact@", slug, ".ma", "")
    personal = pc.binary_join_element_wise(slug, "@", domain, "")
    return pc.if_else(pa.array(rng.random(n) < 0.4), own, personal)
