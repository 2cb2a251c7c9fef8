"""Profiles as matrices: capability vectors (TF-IDF by group), NMA codes, certifications.

Capabilities are compared by cosine within four groups of features — words, consonant
skeletons, letter trigrams of the free text and title, and the words of the tags — each
group normalised on its own and weighted, so that the similarity is a weighted mean of
four cosines and lies between 0 and 1. Inverse document frequencies are taken over the
profiles being matched, so that words every profile uses ("qualité", "délais") weigh
little.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from marsad.matchmaking.domain import Firm, Profile, code_levels
from marsad.matchmaking.text import features, skeleton, words

GROUP_WEIGHTS = {"w": 0.30, "k": 0.25, "g": 0.20, "t": 0.25}


def profile_features(profile: Profile) -> Counter[str]:
    out = features(f"{profile.title} {profile.title} {profile.description}")
    for tag in profile.tags:
        for word in words(tag):
            out["t:" + skeleton(word)] += 1
    return out


def capability_matrix(profiles: Sequence[Profile]) -> sparse.csr_matrix:
    """One row per profile; the dot product of two rows is their capability similarity."""
    counted = [profile_features(p) for p in profiles]
    df: Counter[str] = Counter()
    for c in counted:
        df.update(c.keys())
    vocab = {f: i for i, f in enumerate(sorted(df))}
    n = len(profiles)
    idf = {f: math.log((1 + n) / (1 + d)) + 1.0 for f, d in df.items()}
    data: list[float] = []
    cols: list[int] = []
    indptr = [0]
    for c in counted:
        by_group: dict[str, list[tuple[int, float]]] = {}
        for f, k in c.items():
            by_group.setdefault(f[0], []).append((vocab[f], (1.0 + math.log(k)) * idf[f]))
        for group, items in by_group.items():
            norm = math.sqrt(sum(v * v for _, v in items)) or 1.0
            scale = math.sqrt(GROUP_WEIGHTS[group]) / norm
            for col, v in items:
                cols.append(col)
                data.append(v * scale)
        indptr.append(len(cols))
    return sparse.csr_matrix(
        (np.asarray(data), np.asarray(cols, dtype=np.int64), np.asarray(indptr)),
        shape=(n, len(vocab)),
    )


def _one_hot(rows: Sequence[set[str]], vocab: dict[str, int]) -> sparse.csr_matrix:
    data, cols, indptr = [], [], [0]
    for items in rows:
        for item in sorted(items):
            cols.append(vocab.setdefault(item, len(vocab)))
            data.append(1.0)
        indptr.append(len(cols))
    return sparse.csr_matrix(
        (np.asarray(data), np.asarray(cols, dtype=np.int64), np.asarray(indptr)),
        shape=(len(rows), 0 if not vocab else max(vocab.values()) + 1),
    )


def _pad(a: sparse.csr_matrix, width: int) -> sparse.csr_matrix:
    a = a.tocsr()
    a.resize((a.shape[0], width))
    return a


def code_sets(profile: Profile, firm: Firm | None, *, with_firm: bool) -> list[set[str]]:
    """Classes, divisions and sections a profile stands for (an offer: with its firm's)."""
    levels: list[set[str]] = [set(), set(), set()]
    codes = list(profile.activity_codes)
    if with_firm and firm is not None and firm.division:
        codes.append(firm.division)
    for code in codes:
        for i, value in enumerate(code_levels(code)):
            if value:
                levels[i].add(value)
    return levels


def level_matrices(
    left: Sequence[list[set[str]]], right: Sequence[list[set[str]]]
) -> list[tuple[sparse.csr_matrix, sparse.csr_matrix]]:
    """For class, division and section: one-hot matrices of both sides on one vocabulary."""
    out = []
    for level in range(3):
        vocab: dict[str, int] = {}
        a = _one_hot([x[level] for x in left], vocab)
        b = _one_hot([x[level] for x in right], vocab)
        width = max(len(vocab), 1)
        out.append((_pad(a, width), _pad(b, width)))
    return out


def certification_matrices(
    requests: Sequence[Profile], offers: Sequence[Profile]
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, np.ndarray]:
    """Requests' wanted certifications (rows summing to 1), offers' held ones, and who asks."""
    vocab: dict[str, int] = {}
    key = [{c.strip().upper() for c in p.certifications if c.strip()} for p in requests]
    held = [{c.strip().upper() for c in p.certifications if c.strip()} for p in offers]
    a = _one_hot(key, vocab)
    b = _one_hot(held, vocab)
    width = max(len(vocab), 1)
    a, b = _pad(a, width), _pad(b, width)
    counts = np.asarray([len(k) for k in key], dtype=np.float64)
    a = sparse.diags(1.0 / np.maximum(counts, 1.0)) @ a
    return a.tocsr(), b, counts > 0
