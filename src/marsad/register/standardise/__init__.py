"""Standardisation of staged rows: names, identifiers, places and activity codes."""

from marsad.register.standardise.identifiers import ice_digits, repair_ice
from marsad.register.standardise.names import NameRules, StandardName, load_name_rules

__all__ = ["NameRules", "StandardName", "ice_digits", "load_name_rules", "repair_ice"]
