"""The dimensions of the observatory's tables: codes, hierarchy and the SQL giving them.

Each dimension reads columns of the base view ``b`` (``marsad.stats.base``). Codes follow
SDMX usage: ``_T`` total, ``_U`` unknown. ACTIVITY is hierarchical: NMA sections (``C``)
and divisions coded with their section in front (``C10``); ``ACTIVITY.section`` stops at
the sections, so that a table by section shares its cells with a table by division.
"""

from __future__ import annotations

from dataclasses import dataclass

from marsad.errors import ConfigurationError

TOTAL, UNKNOWN = "_T", "_U"


@dataclass(frozen=True)
class DimensionSpec:
    id: str  # the dimension id in the release (REGION, ACTIVITY, ...)
    codelist: str | None  # CL_... (None: the codes are the values, e.g. years)
    levels: tuple[str, ...]  # SQL expressions, top level first; () for a non-additive one
    additive: bool = True
    column: str | None = None  # non-additive: the SQL expression of the code


DIMENSIONS: dict[str, DimensionSpec] = {
    "REGION": DimensionSpec("REGION", "CL_REGION", ("b.region",)),
    "ACTIVITY": DimensionSpec("ACTIVITY", "CL_ACTIVITY", ("b.activity_section", "b.activity")),
    "ACTIVITY.section": DimensionSpec("ACTIVITY", "CL_ACTIVITY", ("b.activity_section",)),
    "SIZE_CLASS": DimensionSpec("SIZE_CLASS", "CL_SIZE_OMTPME", ("b.size_class",)),
    "SIZE_EMPLOYEES": DimensionSpec("SIZE_EMPLOYEES", "CL_SIZE_EMPLOYEES", ("b.size_employees",)),
    "SIZE_FROM": DimensionSpec("SIZE_FROM", "CL_SIZE_OMTPME", ("b.previous_size",)),
    "SIZE_TO": DimensionSpec("SIZE_TO", "CL_SIZE_OMTPME", ("b.size_class",)),
    "CATEGORY": DimensionSpec("CATEGORY", "CL_CATEGORY", ("b.category",)),
    "LEGAL_FORM": DimensionSpec("LEGAL_FORM", "CL_LEGAL_FORM", ("b.legal_form",)),
    "GENDER": DimensionSpec("GENDER", "CL_GENDER", ("b.gender",)),
    "HORIZON": DimensionSpec(
        "HORIZON", "CL_HORIZON", (), additive=False, column="CAST(b.horizon AS VARCHAR)"
    ),
    "TIME_PERIOD": DimensionSpec(
        "TIME_PERIOD", None, (), additive=False, column="CAST(b.year AS VARCHAR)"
    ),
}


def dimension(name: str) -> DimensionSpec:
    try:
        return DIMENSIONS[name]
    except KeyError:
        raise ConfigurationError(
            f"Unknown dimension {name!r}; known: {', '.join(sorted(DIMENSIONS))}"
        ) from None
