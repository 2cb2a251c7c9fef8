"""Random streams: one numpy Generator per step, derived from the seed and the step's name.

Every step draws from its own stream, so that changing one step does not shift the random
numbers of the others, and a run is reproduced exactly from its seed.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, *keys: str | int) -> np.random.Generator:
    """A generator for ``seed`` and the step named by ``keys`` (strings or integers)."""
    material = [seed % (1 << 63)]
    for key in keys:
        material.append(zlib.crc32(key.encode("utf-8")) if isinstance(key, str) else int(key))
    return np.random.default_rng(np.random.SeedSequence(material))


def pick_weighted(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of ``k`` distinct items drawn with probability proportional to ``weights``.

    Efraimidis and Spirakis (2006), weighted random sampling with a reservoir: the ``k``
    largest keys ``u ** (1 / w)`` (here compared as ``log(u) / w``), in linear time.
    """
    n = weights.shape[0]
    if k <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    if k >= n:
        return np.arange(n, dtype=np.int64)
    w = np.maximum(weights.astype(np.float64), 1e-12)
    keys = np.log(rng.random(n)) / w
    chosen = np.argpartition(-keys, k - 1)[:k]
    return np.sort(chosen).astype(np.int64)


def choose_codes(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    """``n`` codes drawn from ``shares`` (normalised), as an array of Python strings."""
    codes = np.array(sorted(shares), dtype=object)
    p = np.array([shares[c] for c in codes], dtype=np.float64)
    return codes[rng.choice(len(codes), size=n, p=p / p.sum())]


def uniform_dates(
    rng: np.random.Generator, years: np.ndarray, start: str | None = None
) -> np.ndarray:
    """A uniform day within each year (``datetime64[D]``), not before ``start`` if given."""
    first = (years.astype(np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    last = (years.astype(np.int64) - 1969).astype("datetime64[Y]").astype("datetime64[D]")
    if start is not None:
        first = np.maximum(first, np.datetime64(start, "D"))
    span = (last - first).astype(np.int64)
    offset = np.floor(rng.random(years.shape[0]) * np.maximum(span, 1)).astype(np.int64)
    return first + offset.astype("timedelta64[D]")
