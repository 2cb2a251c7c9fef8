"""One writer per partner dataset, in the order they are produced."""

from __future__ import annotations

from collections.abc import Callable

from marsad.synth.datasets import bam, ccis, cnss, dgi, marocpme, ompic, rnae
from marsad.synth.datasets.context import Context

DatasetWriter = Callable[[Context], None]

# (partner, dataset, writer, views no longer needed once it is written)
DATASETS: tuple[tuple[str, str, DatasetWriter, tuple[str, ...]], ...] = (
    ("ompic", "registry", ompic.registry, ()),
    ("ompic", "balance_sheets", ompic.balance_sheets, ()),
    ("dgi", "tax_declarations", dgi.tax_declarations, ("dgi", "ompic")),
    ("cnss", "employment", cnss.employment, ("cnss",)),
    ("rnae", "auto_entrepreneurs", rnae.auto_entrepreneurs, ()),
    ("rnae", "turnover", rnae.turnover, ()),
    ("marocpme", "beneficiaries", marocpme.beneficiaries, ()),
    ("ccis", "members", ccis.members, ()),
    ("bam", "credit", bam.credit, ("bam",)),
)

__all__ = ["DATASETS", "Context", "DatasetWriter"]
