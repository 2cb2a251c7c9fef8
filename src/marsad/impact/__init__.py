"""Impact of support programmes: indicators, matched comparison groups, staggered
difference-in-differences against comparable firms, and their publishable summaries."""

from marsad.impact.indicators import NOT_MEASURED, not_measured
from marsad.impact.matching import MatchingSpec, MatchReport
from marsad.impact.report import ProgrammeImpact, evaluate, impact_indicators, true_effects

__all__ = [
    "NOT_MEASURED",
    "MatchReport",
    "MatchingSpec",
    "ProgrammeImpact",
    "evaluate",
    "impact_indicators",
    "not_measured",
    "true_effects",
]
