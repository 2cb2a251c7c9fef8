"""String messiness of the independent economy: how each partner writes a name.

A `Style` holds one partner's habits (how often it abbreviates, transliterates, splits a
particle, adds the legal form, ...). `company_name` and `person_name` turn the true name
of an enterprise into the way that partner typed it; `typo` adds a one-letter slip.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

from second_economy.vocab_names import (
    ABBREV,
    ACCENTED,
    COMPANY_PREFIX,
    LEGAL_FORMS,
    PARTICLE_SWAP,
    PARTICLES,
    TRADER_PREFIX,
    TRANSLIT,
)

LETTERS = "ABCDEFGHIJKLMNOPRSTUVYZ"
_SMALL = ("DE", "DU", "DES", "ET", "&", "D'")
_SPACES = re.compile(r"\s+")

# token -> every spelling of its group (the token itself included)
_TRANSLIT_GROUPS: dict[str, tuple[str, ...]] = {}
for _key, _alts in TRANSLIT.items():
    _group = (_key, *_alts)
    for _member in _group:
        _TRANSLIT_GROUPS[_member] = _group
_ABBREV_OF: dict[str, tuple[str, ...]] = ABBREV


@dataclass(frozen=True)
class Style:
    """How often one partner departs from the true name, by kind of departure."""

    translit: float
    particle: float
    abbrev: float
    small_words: float
    typo: float
    form_in_name: float
    prefix: float
    upper: float
    family_first: float
    trader_prefix: float
    word_order: float = 0.02


def strip_accents(text: str) -> str:
    """Drop the accents (É -> E, ï -> i)."""
    nfd = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in nfd if not unicodedata.combining(ch))


def typo(text: str, rnd: random.Random) -> str:
    """One slip of the hand: a letter replaced, dropped, doubled, or two letters swapped."""
    positions = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(positions) < 4:
        return text
    i = rnd.choice(positions[1:])
    kind = rnd.random()
    if kind < 0.35:
        return text[:i] + rnd.choice(LETTERS) + text[i + 1 :]
    if kind < 0.6:
        return text[:i] + text[i + 1 :]
    if kind < 0.85:
        return text[:i] + text[i] + text[i:]
    if i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i + 1 :]


def _translit_token(token: str, rnd: random.Random) -> str:
    group = _TRANSLIT_GROUPS.get(token)
    if group:
        return rnd.choice([g for g in group if g != token] or [token])
    rules = []
    if token.startswith("OU") and len(token) > 4:
        rules.append(("OU", "W", 1))
    if "Q" in token:
        rules.append(("Q", "K", 1))
    if token.endswith("I") and len(token) > 3:
        rules.append(("I", "Y", -1))
    for double in ("SS", "NN", "LL", "MM", "KK", "BB", "RR", "TT", "JJ", "ZZ"):
        if double in token:
            rules.append((double, double[0], 1))
    if not rules:
        if "E" in token[1:-1]:
            rules.append(("E", "I", 1))
        elif "OU" in token[1:]:
            rules.append(("OU", "O", 1))
        else:
            return token
    old, new, where = rnd.choice(rules)
    if where == -1:
        return token[: -len(old)] + new
    return token.replace(old, new, 1)


def _particle(tokens: list[str], rnd: random.Random, joined: frozenset[str]) -> list[str]:
    """Split a joined particle, join a separate one, or write the particle another way."""
    for i, tok in enumerate(tokens):
        if tok in PARTICLES and i + 1 < len(tokens):
            if rnd.random() < 0.25 and tok in PARTICLE_SWAP:
                return [*tokens[:i], rnd.choice(PARTICLE_SWAP[tok]), *tokens[i + 1 :]]
            return [*tokens[:i], tok + tokens[i + 1], *tokens[i + 2 :]]
        if tok in joined:
            for p in ("OULAD", "BEN", "BEL", "BOU", "AIT", "EL", "OU"):
                if tok.startswith(p) and len(tok) > len(p) + 2:
                    return [*tokens[:i], p, tok[len(p) :], *tokens[i + 1 :]]
    return tokens


def _small_words(tokens: list[str], rnd: random.Random) -> list[str]:
    present = [i for i, t in enumerate(tokens) if t in _SMALL]
    if present and rnd.random() < 0.6:
        i = rnd.choice(present)
        if tokens[i] in ("ET", "&") and rnd.random() < 0.5:
            return [*tokens[:i], "&" if tokens[i] == "ET" else "ET", *tokens[i + 1 :]]
        return tokens[:i] + tokens[i + 1 :]
    if len(tokens) >= 2:
        i = rnd.randrange(1, len(tokens))
        return [*tokens[:i], rnd.choice(("DE", "ET", "DU", "&")), *tokens[i:]]
    return tokens


def _abbreviate(tokens: list[str], rnd: random.Random) -> list[str]:
    idx = [i for i, t in enumerate(tokens) if t in _ABBREV_OF]
    if not idx:
        return tokens
    out = list(tokens)
    for i in rnd.sample(idx, k=min(len(idx), 1 + (rnd.random() < 0.3))):
        out[i] = rnd.choice(_ABBREV_OF[out[i]])
    return out


def _case(text: str, upper: bool) -> str:
    if upper:
        return strip_accents(text).upper()
    words = []
    for w in text.split(" "):
        key = strip_accents(w).upper()
        if key in ACCENTED:
            words.append(ACCENTED[key])
        elif key in ("DE", "DU", "DES", "ET", "D'"):
            words.append(w.lower())
        elif (len(w) <= 3 and "." in w) or key in LEGAL_FORMS:
            words.append(w)
        else:
            words.append(w.capitalize())
    return " ".join(words)


def _name_tokens(
    tokens: list[str], style: Style, rnd: random.Random, joined: frozenset[str]
) -> list[str]:
    if rnd.random() < style.translit:
        cand = [i for i, t in enumerate(tokens) if len(t) > 3 and t.isalpha()]
        if cand:
            i = rnd.choice(cand)
            tokens = [*tokens[:i], *_translit_token(tokens[i], rnd).split(" "), *tokens[i + 1 :]]
    if rnd.random() < style.particle:
        tokens = _particle(tokens, rnd, joined)
    return tokens


def company_name(
    base: str, form: str, style: Style, rnd: random.Random, joined: frozenset[str]
) -> str:
    """The name of a legal person as one partner writes it (legal form included or not)."""
    tokens = _name_tokens(base.split(" "), style, rnd, joined)
    if rnd.random() < style.abbrev:
        tokens = _abbreviate(tokens, rnd)
    if rnd.random() < style.small_words:
        tokens = _small_words(tokens, rnd)
    if len(tokens) >= 2 and rnd.random() < style.word_order:
        tokens = tokens[1:] + tokens[:1]
    text = " ".join(tokens)
    if rnd.random() < style.typo:
        text = typo(text, rnd)
    if form and rnd.random() < style.form_in_name:
        written = rnd.choice(LEGAL_FORMS[form]) if rnd.random() < 0.6 else LEGAL_FORMS[form][0]
        text = f"{text} ({written})" if rnd.random() < 0.08 else f"{text} {written}"
    if rnd.random() < style.prefix:
        text = f"{rnd.choice(COMPANY_PREFIX)} {text}"
    return _SPACES.sub(" ", _case(text, rnd.random() < style.upper)).strip()


def person_name(
    first: str,
    family: str,
    style: Style,
    rnd: random.Random,
    joined: frozenset[str],
    trader: bool = False,
) -> str:
    """A person's name as one partner writes it: order, spelling, particles, slips."""
    first_t = first.split(" ")
    if rnd.random() < style.translit:
        first_t = _translit_token(first, rnd).split(" ")
    fam_t = _name_tokens(family.split(" "), style, rnd, joined)
    if rnd.random() < style.translit * 0.3:
        fam_t = [_translit_token(t, rnd) if len(t) > 3 else t for t in fam_t]
    tokens = fam_t + first_t if rnd.random() < style.family_first else first_t + fam_t
    text = " ".join(tokens)
    if rnd.random() < style.typo:
        text = typo(text, rnd)
    if trader and rnd.random() < style.trader_prefix:
        text = f"{rnd.choice(TRADER_PREFIX)} {' '.join(fam_t) if rnd.random() < 0.4 else text}"
    upper = rnd.random() < style.upper
    return _SPACES.sub(" ", _case(text, upper)).strip()


def commune_text(name: str, city: str, spellings: tuple[str, ...], rnd: random.Random,
                 p_city: float, p_variant: float, p_upper: float) -> str:  # fmt: skip
    """A commune as typed: the city instead of the commune, a variant spelling, the case."""
    text = name
    if name != city and rnd.random() < p_city:
        text = city
    elif spellings and rnd.random() < p_variant:
        text = rnd.choice(spellings)
    if rnd.random() < p_upper:
        text = strip_accents(text).upper()
    return text
