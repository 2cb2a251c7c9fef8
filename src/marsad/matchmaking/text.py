"""Words of capabilities, normalised for French and Arabic (script or transliteration).

A text gives three kinds of features, each a string with a prefix:

- ``w:`` a word: lower case, without accents, French plural and elision removed, stop
  words dropped; Arabic script is normalised (hamza forms of alef, taa marbuta, alef
  maqsura, diacritics and tatweel) and its article ``ال`` removed, then written in Latin
  letters the way Moroccan transliterations usually are (taa marbuta as ``a``);
- ``k:`` its consonant skeleton: vowels dropped, doubled letters merged and the usual
  equivalent spellings folded (``q``/``k``, ``ou``/``w``, ``sh``/``ch``, ``dh``/``d``,
  ``gh``/``g``...), an initial vowel made ``a`` and an article assimilated to a sun letter
  (``an-nifayat``) dropped, so that ``takhzin``, ``takhzine`` and ``تخزين`` meet;
- ``g:`` the letter trigrams of the word (with its ends marked), which survive a typo.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from marsad.reference.spelling import skeleton

_STOP = """a au aux avec ce ces dans de des du en et est il la le les leur mais nos notre nous
    on ou par pas pour qu que qui sa se ses son sur un une vos votre vous d l n s y
    al el wa fi min ila ala an bi li"""
STOP_WORDS = frozenset(_STOP.split())

_ARABIC_TO_LATIN = {
    "ا": "a",
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "ch",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "dh",
    "ع": "a",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "و": "ou",
    "ي": "i",
    "ء": "",
    "پ": "p",
    "ڤ": "v",
    "گ": "g",
}
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ا", "ى": "ي"})
_ARABIC_FOLD_HAMZA = str.maketrans({"ؤ": "و", "ئ": "ي"})
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alef, tatweel
_ARABIC_WORD = re.compile("[\u0621-\u064a\u067e\u06a4\u06af]+")
_WORD = re.compile(r"[a-z0-9]+")


def _arabic_word(word: str) -> str:
    word = word.translate(_ARABIC_FOLD).translate(_ARABIC_FOLD_HAMZA)
    if word.startswith("ال") and len(word) > 3:
        word = word[2:]
    return "".join(_ARABIC_TO_LATIN.get(ch, "") for ch in word)


def _latin(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith(("s", "x")) and not word.endswith("ss"):
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Normalised words of a text (French, Arabic script or Latin transliteration)."""
    text = _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text or ""))
    text = _ARABIC_WORD.sub(lambda m: " " + _arabic_word(m.group(0)) + " ", text)
    text = re.sub(r"\b[dlnsjcmqt]['’]", " ", _latin(text))
    return [_stem(w) for w in _WORD.findall(text) if w not in STOP_WORDS and len(w) > 1]


def features(text: str, *, grams: bool = True) -> Counter[str]:
    """Word, skeleton and trigram features of a text, with their counts."""
    out: Counter[str] = Counter()
    for word in words(text):
        out["w:" + word] += 1
        key = skeleton(word)
        if len(key) >= 2:
            out["k:" + key] += 1
        if grams and len(word) >= 4:
            marked = f"<{word}>"
            out.update("g:" + marked[i : i + 3] for i in range(len(marked) - 2))
    return out


def tag_key(tag: str) -> str:
    """A tag compared loosely: the skeletons of its words, in order."""
    return " ".join(skeleton(w) for w in words(tag))
