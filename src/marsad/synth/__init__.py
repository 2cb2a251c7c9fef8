"""A synthetic Moroccan economy of TPME, 2016-2025, and its partners' deliveries.

``generate(out, scale, seed)`` simulates legal persons, natural-person traders and
auto-entrepreneurs (births, deaths, turnover, employees, payroll, credit, programme
support), writes every dataset of the partners' data dictionary with the faults real
extracts carry, and writes the ground truth (enterprises, yearly panel, the enterprise of
every delivered row) beside them. ``calibration_report`` compares the truth with the
published figures.
"""

from marsad.synth.calibration import CalibrationCheck, calibration_report
from marsad.synth.config import MessRates
from marsad.synth.generate import generate
from marsad.synth.summary import SynthSummary

__all__ = ["CalibrationCheck", "MessRates", "SynthSummary", "calibration_report", "generate"]
