"""What every dataset writer shares: the economy, the writer, and each source's view of firms.

A source's view is how that source knows each enterprise: its spelling of the name, the
ICE it holds (with its faults), the commune or city it recorded, the activity code it
uses. A view is computed once per source and kept from year to year, as a partner's
master file would be.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from marsad.synth.config import MessRates
from marsad.synth.economy import Economy
from marsad.synth.messiness import activity_code_text, commune_text, ice_text
from marsad.synth.names import NameStyle, person_names, render_names
from marsad.synth.programmes import Beneficiaries
from marsad.synth.rng import stream
from marsad.synth.writers import DeliveryWriter


@dataclass(frozen=True)
class SourceStyle:
    names: NameStyle
    family_first: float = 0.0  # natural persons written family name first
    commune_upper: float | None = None
    class_share: float = 0.0  # activity codes at class level (4 digits)
    dotted_share: float = 0.0  # classes written 47.11
    ice_missing: float | None = None


SOURCE_STYLES: dict[str, SourceStyle] = {
    "ompic": SourceStyle(
        NameStyle(prefix=0.03, suffix=0.08, upper=0.85, accents_dropped=0.4),
        family_first=0.7,
        commune_upper=0.5,
    ),
    "dgi": SourceStyle(
        NameStyle(prefix=0.3, trader_prefix=0.3, suffix=0.35, upper=1.0, accents_dropped=1.0),
        family_first=0.5,
        commune_upper=0.7,
        class_share=0.6,
    ),
    "cnss": SourceStyle(
        NameStyle(prefix=0.35, trader_prefix=0.2, suffix=0.4, upper=1.0, accents_dropped=1.0),
        family_first=0.6,
        commune_upper=0.6,
    ),
    "marocpme": SourceStyle(
        NameStyle(prefix=0.15, suffix=0.5, upper=0.3, accents_dropped=0.2),
        family_first=0.2,
    ),
    "ccis": SourceStyle(
        NameStyle(
            prefix=0.1, trader_prefix=0.4, suffix=0.3, upper=0.5, lower=0.05, accents_dropped=0.3
        ),
        class_share=0.2,
        dotted_share=0.3,
    ),
    "bam": SourceStyle(NameStyle(), ice_missing=0.0),
    "rnae": SourceStyle(
        NameStyle(upper=0.4, lower=0.05, accents_dropped=0.5), family_first=0.3, class_share=0.5
    ),
}


class FirmView:
    """One source's record of the registry firms (all firms, or the ``rows`` given)."""

    def __init__(self, economy: Economy, source: str, rows: np.ndarray | None = None) -> None:
        self.economy = economy
        self.source = source
        self.style = SOURCE_STYLES[source]
        firms = economy.firms
        self.rows = np.arange(firms.size) if rows is None else rows

    def _rng(self, part: str) -> np.random.Generator:
        return stream(self.economy.seed, "view", self.source, part, int(self.rows.size))

    @property
    def rates(self) -> MessRates:
        return self.economy.rates

    @cached_property
    def name(self) -> pa.Array:
        firms = self.economy.firms
        rows = self.rows
        rng = self._rng("name")
        persons = person_names(
            rng,
            firms.given[rows],
            firms.family[rows],
            variant_rate=self.rates.name_transliteration,
            family_first=self.style.family_first,
        )
        base = pc.if_else(pa.array(firms.legal[rows]), firms.name.take(pa.array(rows)), persons)
        return render_names(rng, base, firms.legal_form[rows], self.style.names, self.rates)

    @cached_property
    def ice(self) -> pa.Array:
        firms = self.economy.firms
        return ice_text(
            self._rng("ice"),
            firms.ice[self.rows],
            self.rates,
            missing=self.style.ice_missing,
            allow_missing=self.style.ice_missing != 0.0,
        )

    @cached_property
    def commune(self) -> pa.Array:
        commune = self.economy.firms.commune[self.rows]
        return commune_text(
            self._rng("commune"), commune, self.rates, upper=self.style.commune_upper
        )

    @cached_property
    def city(self) -> pa.Array:
        commune = self.economy.firms.commune[self.rows]
        return commune_text(
            self._rng("city"), commune, self.rates, city=True, upper=self.style.commune_upper
        )

    @cached_property
    def activity(self) -> pa.Array:
        firms = self.economy.firms
        return activity_code_text(
            self._rng("activity"),
            firms.division[self.rows],
            firms.klass[self.rows],
            self.rates,
            class_share=self.style.class_share,
            dotted_share=self.style.dotted_share,
        )


@dataclass
class Context:
    economy: Economy
    writer: DeliveryWriter
    beneficiaries: Beneficiaries
    views: dict[str, FirmView] = field(default_factory=dict)

    @property
    def rates(self) -> MessRates:
        return self.economy.rates

    def rng(self, *keys: str | int) -> np.random.Generator:
        return stream(self.economy.seed, "delivery", *keys)

    def view(self, source: str) -> FirmView:
        if source not in self.views:
            self.views[source] = FirmView(self.economy, source)
        return self.views[source]

    def forget(self, source: str) -> None:
        """Free a source's view once its datasets are written."""
        self.views.pop(source, None)


def take(values: pa.Array, rows: np.ndarray) -> pa.Array:
    return values.take(pa.array(rows, pa.int64()))


def blank(values: pa.Array, mask: np.ndarray) -> pa.Array:
    """``values`` with nulls where ``mask`` is true."""
    if not mask.any():
        return values
    return pc.if_else(pa.array(mask), pa.nulls(len(values), values.type), values)


def dates(values: np.ndarray) -> pa.Array:
    """datetime64[D] (NaT = empty) as a date32 column."""
    return pa.array(values.astype("datetime64[D]"), pa.date32())


def amounts(values: np.ndarray, empty: np.ndarray | None = None) -> pa.Array:
    """float64 amounts, NaN where ``empty``."""
    out = values.astype(np.float64).copy()
    if empty is not None:
        out[empty] = np.nan
    return pa.array(out, pa.float64(), from_pandas=True)


def integers(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype(np.int64), pa.int64())
