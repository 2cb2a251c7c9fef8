"""The codelists of a release, with labels in French, Arabic and English."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from marsad.confidentiality import Dimension
from marsad.reference import load_divisions, load_regions, load_sections

LANGS = ("fr", "ar", "en")


@cache
def _labels() -> dict[str, Any]:
    text = (resources.files("marsad.release") / "data" / "labels.yaml").read_text("utf-8")
    return dict(yaml.safe_load(text))


def _same(text: str) -> dict[str, str]:
    return {lang: text for lang in LANGS}


def code_names(codelist: str, code: str) -> dict[str, str]:
    labels = _labels()
    if code in labels["totals"]:
        return dict(labels["totals"][code])
    if codelist == "CL_REGION":
        for region in load_regions():
            if region.code == code:
                return {"fr": region.name_fr, "ar": region.name_ar, "en": region.name_fr}
    if codelist == "CL_ACTIVITY":
        if len(code) == 1:
            for section in load_sections():
                if section.code == code:
                    extra = labels["sections"].get(code, {})
                    return {"fr": section.label_fr, **extra}
        letter, division = code[:1], code[1:]
        if division == "_U":
            return {lang: f"{labels['totals']['_U'][lang]} ({letter})" for lang in LANGS}
        for d in load_divisions():
            if d.code == division:
                return _same(f"{division} {d.label_fr}")
    named = labels["codes"].get(codelist, {}).get(code)
    if named:
        return dict(named)
    return _same(code)


def code_order(code: str) -> tuple[int, str]:
    """The total first, the unknown last, other codes in hierarchical (string) order."""
    return (0 if code == "_T" else 2 if code == "_U" else 1, code)


def codelist_document(codelist: str, dimension: Dimension) -> dict[str, Any]:
    names = _labels()["codelists"].get(codelist, _same(codelist))
    codes = [
        {"id": code, "parent": parent, "names": code_names(codelist, code)}
        for code, parent in sorted(dimension.parent.items(), key=lambda item: code_order(item[0]))
    ]
    return {"id": codelist, "names": names, "codes": codes}
