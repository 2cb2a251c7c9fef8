"""Who may see the contact details of an enterprise: the chambers' convention decides.

The contact details of a target list (denomination, phone, e-mail) come from the chambers'
member lists (``ccis.members``) and are personal data under that convention. A role sees
a field when the convention in force on the day grants the role the field's sensitivity
(``Convention.access``); a role it does not mention sees none.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from marsad.conventions import ConventionSet
from marsad.conventions.model import Sensitivity
from marsad.outreach.facts import CONTACT_FIELDS

PARTNER, DATASET = "ccis", "members"


def contact_access(
    role: str, on: date, folder: Path | None = None
) -> tuple[frozenset[str], tuple[str, ...]]:
    """(sensitivities the role is granted under the convention in force on ``on``, contact
    fields it may see). No convention in force: nothing."""
    convention = ConventionSet.load(folder).in_force(PARTNER, DATASET, on)
    if convention is None:
        return frozenset(), ()
    granted = frozenset(str(s) for s in convention.access.get(role, ()))
    visible = set(convention.visible_fields(DATASET, role))
    return granted, tuple(f for f in CONTACT_FIELDS if f in visible)


def contact_sensitivities(folder: Path | None = None, on: date | None = None) -> dict[str, str]:
    """The sensitivity the convention gives each contact field (personal when undeclared)."""
    convention = ConventionSet.load(folder).in_force(PARTNER, DATASET, on or date.today())
    out = {f: str(Sensitivity.personal) for f in CONTACT_FIELDS}
    if convention is not None:
        spec = convention.datasets[DATASET]
        for f in CONTACT_FIELDS:
            if f in spec.field_names:
                out[f] = str(spec.field(f).sensitivity)
    return out
