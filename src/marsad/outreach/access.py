"""Row-level limits of outreach: a chamber's agent works on their chamber's region.

The regional chambers of commerce are coded ``CCIS`` followed by their region's code
(``CCIS06``: Casablanca-Settat), one chamber per region. A user with a chamber sees the
target lists of that region, the campaigns and events of that chamber; a user without one
(a programme manager, an analyst, an administrator) sees every region and organiser.
"""

from __future__ import annotations

import re

from marsad.errors import Forbidden, InvalidInput
from marsad.operational.auth import Actor
from marsad.reference import load_regions

CHAMBER = re.compile(r"^CCIS(0[1-9]|1[0-2])$")
PARTNER_CODE = r"^[A-Za-z][A-Za-z0-9_]{1,19}$"


def chamber_region(chamber_code: str | None) -> str | None:
    """The region of a regional chamber's code, None for any other code."""
    found = CHAMBER.match(chamber_code or "")
    return found.group(1) if found else None


def check_region(region: str | None) -> str | None:
    if region is not None and region not in {r.code for r in load_regions()}:
        raise InvalidInput(
            f"Région inconnue : {region!r}.",
            details=[{"field": "region", "message": "code de région de 01 à 12"}],
        )
    return region


def scoped_region(actor: Actor, region: str | None) -> str | None:
    """The region the actor may list: theirs when they belong to a chamber."""
    region = check_region(region)
    own = chamber_region(actor.chamber_code)
    if actor.chamber_code is None:
        return region
    if own is None:
        raise Forbidden(f"La chambre {actor.chamber_code} n'est rattachée à aucune région.")
    if region not in (None, own):
        raise Forbidden(f"Votre chambre ({actor.chamber_code}) ne couvre que la région {own}.")
    return own


def scoped_chamber(actor: Actor, chamber: str | None) -> str | None:
    """The chamber the actor acts for: theirs when they belong to one."""
    if actor.chamber_code is None:
        return chamber
    if chamber not in (None, actor.chamber_code):
        raise Forbidden(f"Vous agissez pour la chambre {actor.chamber_code} seulement.")
    return actor.chamber_code


def sees_chamber(actor: Actor, chamber: str | None) -> bool:
    return actor.chamber_code is None or chamber == actor.chamber_code
