"""Statistical disclosure control: primary rules, secondary suppression, audit.

A release's tables are protected together (``protect``): the primary rules mark the cells
that would reveal a contributor, and secondary suppression hides enough other cells that no
confidential cell can be recomputed or narrowed beyond its protection interval from what is
published, across hierarchies and across tables that share cells. ``audit`` checks the
result independently, by linear programming, as an attacker would.
"""

from marsad.confidentiality.audit import AuditReport, ExposedCell, audit
from marsad.confidentiality.model import Dimension, ProtectionTable, cell_keys
from marsad.confidentiality.primary import primary_status
from marsad.confidentiality.rules import DisclosureRules, load_rules
from marsad.confidentiality.secondary import ProtectionResult, protect

__all__ = [
    "AuditReport",
    "Dimension",
    "DisclosureRules",
    "ExposedCell",
    "ProtectionResult",
    "ProtectionTable",
    "audit",
    "cell_keys",
    "load_rules",
    "primary_status",
    "protect",
]
