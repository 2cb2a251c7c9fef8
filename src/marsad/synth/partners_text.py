"""How synthetic brokers write a hidden concept down: words, tags and codes, with noise.

Noise: a synonym among the concept's French phrasings, the Arabic wording or one of its
transliterations in place of (or next to) the French, typos (a letter dropped, doubled,
swapped or replaced), accents dropped, tags missing, misspelt or borrowed from another
concept, specialties left out or claimed wrongly, and NMA codes that are sometimes the
firm's own rather than those of the activity sought.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from marsad.synth.partners_vocab import (
    CONCEPTS,
    FILLERS,
    OFFER_OPENINGS,
    REQUEST_OPENINGS,
    Concept,
)

# regions sharing a border (codes of marsad.reference regions)
NEIGHBOURS: dict[str, set[str]] = {
    "01": {"02", "03", "04"},
    "02": {"01", "03", "08"},
    "03": {"01", "02", "04", "05", "08"},
    "04": {"01", "03", "05", "06"},
    "05": {"03", "04", "06", "07", "08"},
    "06": {"04", "05", "07"},
    "07": {"05", "06", "08", "09"},
    "08": {"02", "03", "05", "07", "09"},
    "09": {"07", "08", "10"},
    "10": {"09", "11"},
    "11": {"10", "12"},
    "12": {"11"},
}
TYPO_RATE = 0.05


def _typo(rng: np.random.Generator, word: str) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = int(rng.integers(1, len(word) - 1))
    match int(rng.integers(0, 4)):
        case 0:
            return word[:i] + word[i + 1 :]
        case 1:
            return word[:i] + word[i] + word[i:]
        case 2:
            return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
        case _:
            return word[:i] + "aeiourstn"[int(rng.integers(0, 9))] + word[i + 1 :]


def _noisy(rng: np.random.Generator, text: str) -> str:
    words = [_typo(rng, w) if rng.random() < TYPO_RATE else w for w in text.split(" ")]
    out = " ".join(words)
    if rng.random() < 0.3:  # typed without accents
        out = "".join(
            ch for ch in unicodedata.normalize("NFD", out) if not unicodedata.combining(ch)
        )
    return out


def _wording(rng: np.random.Generator, concept: Concept) -> str:
    """The concept in words: a French synonym, the Arabic, a transliteration, or both."""
    phrase = str(rng.choice(concept.phrases))
    draw = rng.random()
    if draw < 0.12:
        return concept.arabic[0]
    if draw < 0.24:
        return str(rng.choice(concept.arabic[1:]))
    if draw < 0.36:
        return f"{phrase} ({rng.choice(concept.arabic)})"
    return phrase


def offer_text(rng: np.random.Generator, concept: Concept, mastered: np.ndarray) -> tuple[str, str]:
    said = [s for s, m in zip(concept.specialties, mastered, strict=True) if m]
    said = [s for s in said if rng.random() < 0.7]
    wrong = [s for s, m in zip(concept.specialties, mastered, strict=True) if not m]
    if wrong and rng.random() < 0.2:
        said.append(str(rng.choice(wrong)))
    opening = str(rng.choice(OFFER_OPENINGS))
    body = f"{opening} {_wording(rng, concept)}".strip()
    if said:
        body += ". Spécialités : " + ", ".join(said)
    body += ". " + " ".join(rng.choice(FILLERS, size=int(rng.integers(1, 3)), replace=False))
    title = _wording(rng, concept) if rng.random() < 0.5 else str(rng.choice(concept.tags))
    return _noisy(rng, title.capitalize()), _noisy(rng, body)


def request_text(
    rng: np.random.Generator, concept: Concept, kind: str, specialty: int
) -> tuple[str, str]:
    opening = str(rng.choice(REQUEST_OPENINGS[kind]))
    body = f"{opening} {_wording(rng, concept)}"
    if rng.random() < 0.8:
        body += f" ({concept.specialties[specialty]})"
    body += ". " + str(rng.choice(FILLERS))
    title = str(rng.choice(concept.tags)) if rng.random() < 0.5 else _wording(rng, concept)
    return _noisy(rng, title.capitalize()), _noisy(rng, body)


def tags_for(rng: np.random.Generator, concept: Concept) -> list[str]:
    k = int(rng.integers(1, 4))
    tags = [str(t) for t in rng.choice(concept.tags, size=k, replace=False)]
    if rng.random() < 0.2:
        tags[0] = str(rng.choice(concept.arabic[1:]))
    if rng.random() < 0.15:
        tags.append(str(rng.choice(CONCEPTS[int(rng.integers(0, len(CONCEPTS)))].tags)))
    return [_typo(rng, t) if rng.random() < TYPO_RATE else t for t in tags]


def codes_for_offer(rng: np.random.Generator, concept: Concept, firm: pd.Series) -> list[str]:
    """The firm's class, the concept's usual supplier division, or both."""
    own, usual = str(firm["class"]), str(rng.choice(concept.suppliers))
    draw = rng.random()
    if draw < 0.4:
        return [own]
    if draw < 0.7:
        return [usual]
    return sorted({own, usual})


def codes_for_request(rng: np.random.Generator, concept: Concept, firm: pd.Series) -> list[str]:
    """The division sought, often written as the buyer's own division instead."""
    codes = [str(rng.choice(concept.suppliers)) if rng.random() < 0.6 else str(firm["division"])]
    if rng.random() < 0.3:
        codes.append(str(firm["division"]))
    return sorted(set(codes))
