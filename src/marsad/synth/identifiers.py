"""Identifiers of enterprises: ICE, RC, IF, CNSS, auto-entrepreneur numbers, CIN hashes.

ICE: 15 digits, 9 for the enterprise, 4 for the establishment (``0000`` for the head
office) and 2 control digits chosen so that the whole number is divisible by 97 (the rule
``stdnum.ma.ice`` applies; the ICE portal, ice.gov.ma, publishes no algorithm). The
other numbers have no published format and are opaque digit strings.
"""

from __future__ import annotations

import binascii

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def unique_numbers(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    """``n`` distinct integers in ``[low, high)``, in random order.

    Sorted draws in ``[0, high - low - n]`` plus their rank are strictly increasing, hence
    distinct and within the range; a permutation then hides the order.
    """
    span = high - low
    if n > span:
        raise ValueError("range too small for the numbers asked")
    draws = np.sort(rng.integers(0, span - n + 1, size=n, dtype=np.int64))
    return rng.permutation(low + draws + np.arange(n, dtype=np.int64))


def ice_control(base13: np.ndarray) -> np.ndarray:
    """Control digits making ``base13 * 100 + control`` divisible by 97."""
    return (97 - (base13.astype(np.int64) * 100) % 97) % 97


def ice_numbers(enterprise_part: np.ndarray, establishment: np.ndarray | int = 0) -> np.ndarray:
    """Valid ICE numbers as integers (15 digits once zero-padded)."""
    base = enterprise_part.astype(np.int64) * 10_000 + np.asarray(establishment, dtype=np.int64)
    return base * 100 + ice_control(base)


def digits(values: np.ndarray, width: int = 0) -> pa.Array:
    """Integers written as digit strings, zero-padded to ``width``."""
    text = pc.cast(pa.array(values.astype(np.int64)), pa.string())
    return pc.utf8_lpad(text, width, "0") if width else text


def registry_numbers(
    rng: np.random.Generator, court: np.ndarray, birth_date: np.ndarray
) -> np.ndarray:
    """RC numbers: increasing with the creation date within each court, unique there only."""
    n = court.size
    order = np.lexsort((birth_date.astype(np.int64), court))
    step = rng.integers(1, 4, n, dtype=np.int64)
    running = np.cumsum(step[order])
    sorted_court = court[order]
    starts = np.flatnonzero(np.r_[True, sorted_court[1:] != sorted_court[:-1]])
    group_start = np.repeat(starts, np.diff(np.r_[starts, n]))
    before = np.where(group_start > 0, running[np.maximum(group_start - 1, 0)], 0)
    base = rng.integers(1_000, 20_000, court.max() + 1 if n else 1, dtype=np.int64)
    out = np.empty(n, dtype=np.int64)
    out[order] = base[sorted_court] + running - before
    return out


def hex_tokens(rng: np.random.Generator, n: int, length: int = 64) -> pa.Array:
    """``n`` random hexadecimal strings (pseudonymised national identity numbers)."""
    raw = rng.bytes(n * length // 2)
    text = binascii.hexlify(raw)
    binary = pa.array(np.frombuffer(text, dtype=f"S{length}"), pa.binary(length))
    return pc.cast(pc.cast(binary, pa.binary()), pa.string())
