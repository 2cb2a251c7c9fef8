"""Data-exchange conventions: declared as YAML, validated with one report listing every problem."""

from marsad.conventions.model import (
    Convention,
    DatasetSpec,
    DeliveryCalendar,
    DeliveryGuard,
    FieldSpec,
    FieldType,
    PeriodKind,
    Sensitivity,
    SoftCheck,
)
from marsad.conventions.registry import (
    ConventionProblem,
    ConventionReport,
    ConventionSet,
    check_conventions,
    shipped_folder,
)

__all__ = [
    "Convention",
    "ConventionProblem",
    "ConventionReport",
    "ConventionSet",
    "DatasetSpec",
    "DeliveryCalendar",
    "DeliveryGuard",
    "FieldSpec",
    "FieldType",
    "PeriodKind",
    "Sensitivity",
    "SoftCheck",
    "check_conventions",
    "shipped_folder",
]
