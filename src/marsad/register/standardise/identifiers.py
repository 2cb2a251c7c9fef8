"""Identifiers: ICE checked and repaired with python-stdnum, others as opaque keys."""

from __future__ import annotations

from stdnum.ma import ice as stdnum_ice


def repair_ice(value: str | None) -> tuple[str | None, str]:
    """The valid ICE a raw value designates, and how it was obtained.

    Returns ``(ice, status)`` with status ``valid`` (as delivered, spaces aside),
    ``repaired`` (leading zeros restored: the only repair that a valid result makes
    unambiguous), ``invalid`` (fails the check: never used to link) or ``missing``.
    """
    if value is None or not value.strip():
        return None, "missing"
    compact = "".join(ch for ch in value if not ch.isspace())
    if stdnum_ice.is_valid(compact):
        return compact, "valid"
    if compact.isdigit() and len(compact) < 15:
        padded = compact.zfill(15)
        if stdnum_ice.is_valid(padded):
            return padded, "repaired"
    return None, "invalid"


def ice_digits(value: str | None) -> str | None:
    """The digits of an ICE as written, valid or not (15 digits, leading zeros restored when
    fewer were written): a mistyped ICE still says which enterprise the clerk meant."""
    if value is None:
        return None
    compact = "".join(ch for ch in value if not ch.isspace())
    if not compact.isdigit() or not 9 <= len(compact) <= 15:
        return None
    return compact.zfill(15)


def ice_enterprise(ice: str | None) -> str | None:
    """The enterprise part of a valid ICE (its first nine digits)."""
    return ice[:9] if ice else None
