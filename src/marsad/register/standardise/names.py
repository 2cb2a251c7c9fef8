"""Names in a comparable form, with the legal form extracted to a code.

The rules are data (``register/data/names.yaml``); this module applies them. It runs on
distinct names only, so its per-name cost stays small even on a national register.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from marsad.errors import ConfigurationError
from marsad.reference.spelling import name_skeleton, skeleton

_DOTTED = re.compile(r"(?<=\w)\.(?=\w)|\.")
_PUNCT = re.compile(r"[^a-z0-9 ]+")
_DIGIT = re.compile("[0-9]")


@dataclass(frozen=True)
class StandardName:
    name: str  # tokens joined by one space, legal form, prefixes and stop words removed
    legal_form: str | None  # canonical code (SARL, SARL_AU, SA, ...) when the name carries one
    skeleton: str = ""  # consonant skeletons of the words, sorted (``reference.spelling``)
    stem: str = ""  # the words' beginnings, sorted: abbreviations and endings aside
    person: bool = False  # written like a person's name (``NameRules.is_person``)


@dataclass(frozen=True)
class NameRules:
    legal_forms: tuple[tuple[tuple[str, ...], str], ...]  # longest sequences first
    prefixes: frozenset[str]
    stop_words: frozenset[str]
    transliterations: dict[str, str]  # variant -> one spelling (and abbreviation -> word)
    prefix_typos: frozenset[str] = frozenset()  # one typo away from a long prefix
    particles: frozenset[str] = frozenset()  # joined to the next word
    joined_particles: tuple[tuple[str, str], ...] = ()  # (spelling, canonical), longest first
    joined_min_rest: int = 3
    stem_length: int = 4
    first_names: frozenset[str] = frozenset()
    first_name_skeletons: frozenset[str] = frozenset()
    trade_words: frozenset[str] = frozenset()
    person_words: tuple[int, int] = (2, 4)

    @classmethod
    def from_mapping(cls, data: dict[str, object]) -> NameRules:
        problems: list[str] = []
        forms: list[tuple[tuple[str, ...], str]] = []
        raw_forms = data.get("legal_forms")
        if not isinstance(raw_forms, dict) or not raw_forms:
            problems.append("legal_forms: expected a mapping of code -> token sequences")
            raw_forms = {}
        for code, sequences in raw_forms.items():
            for seq in sequences or []:
                if not isinstance(seq, list) or not all(isinstance(t, str) for t in seq):
                    problems.append(f"legal_forms.{code}: {seq!r} is not a list of words")
                    continue
                forms.append((tuple(fold(" ".join(seq)).split()), str(code)))
        forms.sort(key=lambda item: -len(item[0]))
        translit: dict[str, str] = {}
        for section in ("transliterations", "abbreviations"):
            raw = data.get(section) or {}
            if not isinstance(raw, dict):
                problems.append(f"{section}: expected a mapping")
                continue
            for canonical, variants in raw.items():
                for variant in variants or []:
                    if variant in translit and translit[variant] != canonical:
                        problems.append(f"{section}: {variant!r} maps to two spellings")
                    translit[str(variant)] = str(canonical)
        typo_from = data.get("prefix_typos_from_length", 0) or 0
        if not isinstance(typo_from, int) or typo_from < 0:
            problems.append(f"prefix_typos_from_length: {typo_from!r} is not a length")
            typo_from = 0
        joined: list[tuple[str, str]] = []
        raw_joined = data.get("joined_particles") or {}
        if not isinstance(raw_joined, dict):
            problems.append("joined_particles: expected a mapping of particle -> spellings")
            raw_joined = {}
        particles = frozenset(_words(data.get("particles")))
        for canonical, spellings in raw_joined.items():
            if fold(str(canonical)) not in particles:
                problems.append(f"joined_particles: {canonical!r} is not one of the particles")
            if not isinstance(spellings, list):
                problems.append(f"joined_particles.{canonical}: expected a list of spellings")
                continue
            joined += [(fold(str(v)), fold(str(canonical))) for v in spellings]
        joined.sort(key=lambda item: -len(item[0]))
        min_rest = data.get("joined_particles_min_rest", 3)
        if not isinstance(min_rest, int) or min_rest < 1:
            problems.append(f"joined_particles_min_rest: {min_rest!r} is not a length")
            min_rest = 3
        stem_length = data.get("stem_length", 4)
        if not isinstance(stem_length, int) or stem_length < 2:
            problems.append(f"stem_length: {stem_length!r} is not a length of at least 2")
            stem_length = 4
        persons = data.get("person_names") or {}
        if not isinstance(persons, dict):
            problems.append("person_names: expected a mapping")
            persons = {}
        words = persons.get("words", [2, 4])
        if not (
            isinstance(words, list)
            and len(words) == 2
            and all(isinstance(n, int) for n in words)
            and 1 <= words[0] <= words[1]
        ):
            problems.append(f"person_names.words: {words!r} is not [fewest, most]")
            words = [2, 4]
        first_names = frozenset(translit.get(w, w) for w in _words(persons.get("first_names")))
        if problems:
            raise ConfigurationError("name rules: " + "; ".join(problems))
        prefixes = frozenset(_words(data.get("prefixes")))
        return cls(
            legal_forms=tuple(forms),
            prefixes=prefixes,
            stop_words=frozenset(_words(data.get("stop_words"))),
            transliterations=translit,
            prefix_typos=frozenset(
                typo
                for p in prefixes
                if typo_from and len(p) >= typo_from
                for typo in one_edit_away(p)
                if typo not in translit and typo not in prefixes
            ),
            particles=particles,
            joined_particles=tuple(joined),
            joined_min_rest=min_rest,
            stem_length=stem_length,
            first_names=first_names,
            first_name_skeletons=frozenset(skeleton(n) for n in first_names if len(n) >= 4),
            trade_words=frozenset(_words(persons.get("trade_words"))),
            person_words=(words[0], words[1]),
        )

    def standardise(self, text: str | None) -> StandardName:
        tokens = fold(text or "").split()
        legal_form, tokens = self._extract_legal_form(tokens)
        kept = [
            self.transliterations.get(t, t)
            for t in tokens
            if t not in self.prefixes and t not in self.stop_words and t not in self.prefix_typos
        ]
        name = " ".join(self._join_particles(kept))
        person = self.is_person(name, legal_form)
        return StandardName(name, legal_form, name_skeleton(name), self.stem(name), person)

    def is_person(self, name: str, legal_form: str | None = None) -> bool:
        """A standardised name written like a person's: no company form, two to four words,
        one a first name (or a spelling of one), none a word of trade or a number."""
        if legal_form not in (None, "PP", "AE"):
            return False
        words = name.split()
        fewest, most = self.person_words
        if not fewest <= len(words) <= most or _DIGIT.search(name):
            return False
        if any(w in self.trade_words for w in words):
            return False
        return any(
            w in self.first_names or (len(w) >= 4 and skeleton(w) in self.first_name_skeletons)
            for w in words
        )

    def stem(self, name: str) -> str:
        """The first ``stem_length`` letters of each word, in alphabetical order: one key for
        a word and its abbreviations (``trav``/``travaux``, ``distrib``/``distribution``)
        or a typo past its beginning; words with a digit stay whole, single letters (an
        initial, a stray ``&``) are left out."""
        n = self.stem_length
        words = [w for w in name.split() if len(w) > 1 or _DIGIT.search(w)]
        return " ".join(sorted(w if _DIGIT.search(w) else w[:n] for w in words))

    def _join_particles(self, tokens: list[str]) -> list[str]:
        """Particles joined to the word that follows (``ben hammou`` -> ``benhammou``), and a
        word that starts with a particle in another spelling written with the canonical one
        (``binhammou`` -> ``benhammou``); a particle that ends the name stays alone."""
        out: list[str] = []
        pending = ""
        for token in tokens:
            if token in self.particles:
                if not pending.endswith(token):
                    pending += token
                continue
            word = self._canonical_start(token)
            for p in self.particles:  # ``abdel`` + ``elkader``: the particle once
                if pending.endswith(p) and word.startswith(p) and len(word) > len(p) + 2:
                    word = word[len(p) :]
                    break
            out.append(pending + word)
            pending = ""
        if pending:
            out.append(pending)
        return out

    def _canonical_start(self, word: str) -> str:
        for spelling, canonical in self.joined_particles:
            if word.startswith(spelling) and len(word) - len(spelling) >= self.joined_min_rest:
                return canonical + word[len(spelling) :]
        return word

    def _extract_legal_form(self, tokens: list[str]) -> tuple[str | None, list[str]]:
        found: str | None = None
        out = list(tokens)
        for seq, code in self.legal_forms:
            n = len(seq)
            i = 0
            while i + n <= len(out):
                if tuple(out[i : i + n]) == seq:
                    found = found or code
                    del out[i : i + n]
                else:
                    i += 1
        return found, out


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit_away(word: str) -> set[str]:
    """Every word one letter dropped, added, changed or two adjacent letters swapped away
    from ``word`` (the word itself excluded)."""
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in cuts if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
    out |= {a + c + b[1:] for a, b in cuts if b for c in _LETTERS}
    out |= {a + c + b for a, b in cuts for c in _LETTERS}
    out.discard(word)
    return out


def _words(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [fold(str(v)) for v in value]


def fold(text: str) -> str:
    """Lower case ASCII, '&' as 'et', dots of abbreviations dropped, punctuation as space."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " et ").replace("’", " ").replace("'", " ")
    text = _DOTTED.sub("", text)
    return " ".join(_PUNCT.sub(" ", text).split())


@cache
def load_name_rules() -> NameRules:
    text = resources.files("marsad.register").joinpath("data", "names.yaml").read_text("utf-8")
    return NameRules.from_mapping(yaml.safe_load(text))


def standardise_many(names: Iterable[str | None]) -> list[StandardName]:
    rules = load_name_rules()
    return [rules.standardise(n) for n in names]
