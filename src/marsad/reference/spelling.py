"""Consonant skeletons: one key for the spellings of one word in Latin letters.

Arabic writes short vowels rarely, so its words reach Latin letters with vowels that
vary from one clerk to the next (``Ziani``/``Ziany``, ``Taqaddom``/``Takaddoum``), and
French spellings of the same sounds differ (``ou``/``w`` before a vowel, ``q``/``k``,
``ch``/``sh``). A word's skeleton keeps its consonants once those equivalent spellings
are folded, so that such variants (and most typos on a vowel or a doubled letter) share
one key.
"""

from __future__ import annotations

import re
from functools import lru_cache

_DIGIT = re.compile("[0-9]")
# ``ou`` is the consonant w before a vowel or at the start (Ouazzani, Wazzani), otherwise
# the vowel u (Takaddoum, Taqaddom)
_OU_CONSONANT = re.compile("^ou|ou(?=[aeiy])")
_ASSIMILATED = re.compile(r"^[ae](?=([nrstdz])\1)")  # the article before a sun letter: an-n...
# equivalent spellings of transliterations, folded before the vowels go
_FOLDS = (
    ("sh", "c"),
    ("ch", "c"),
    ("kh", "x"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("q", "k"),
    ("ph", "f"),
    ("3", ""),
    ("'", ""),
)


@lru_cache(maxsize=200_000)
def skeleton(word: str) -> str:
    """The consonants of a word once equivalent spellings are folded."""
    folded = _OU_CONSONANT.sub("w", _ASSIMILATED.sub("", word))
    for a, b in _FOLDS:
        folded = folded.replace(a, b)
    # a word's first sound: a vowel, or w, which at the start also writes the vowel u
    # (Oumari / Omari, Oudaya / Wdaya)
    head, rest = re.sub("^[aeiouyw]", "a", folded[:1]), re.sub("[aeiouy]", "", folded[1:])
    out: list[str] = []
    for ch in head + rest:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def name_skeleton(name: str) -> str:
    """Skeletons of the words of a standardised name, in alphabetical order. A word with a
    digit (``2000``) or without a consonant stays as it is: numbers tell firms of one
    family apart."""
    return " ".join(sorted(w if _DIGIT.search(w) else skeleton(w) or w for w in name.split()))
