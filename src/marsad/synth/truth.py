"""The ground truth, apart from the deliveries: what a perfect register would hold.

- ``enterprises.parquet``: one row per true enterprise with its identifiers and attributes;
  the Parquet metadata carries the scale and seed of the run.
- ``panel.parquet``: one row per enterprise and year while registered, with the active
  flag of the observatory rule (legal persons and traders: a tax declaration, at least one
  CNSS employee, or a balance sheet filed for the year; auto-entrepreneurs: registered at
  the end of the year) and the true values.
- ``beneficiaries.parquet``: programme approvals.
- ``effects.parquet`` (``marsad.synth.effects``): the effect planted per programme and
  the true ATT on log turnover that an impact estimate should find.
- ``successions.parquet`` (``marsad.synth.formalisation``): auto-entrepreneurs who left
  the status and the company each created (predecessor_id, successor_id, dates, what the
  two records share).
- ``rows.parquet`` (written along the deliveries): every delivered row's enterprise.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from marsad.synth.autoentrepreneurs import ACTIVITY_KINDS, yearly_turnover
from marsad.synth.config import CATEGORY_AE, CATEGORY_EPMA, CATEGORY_EPPA, YEARS
from marsad.synth.economy import Economy
from marsad.synth.geography import place_tables
from marsad.synth.identifiers import digits
from marsad.synth.names import LEGAL_FORMS
from marsad.synth.programmes import CATALOGUE, Beneficiaries
from marsad.synth.sectors import activity_tables


def _codes(values: tuple[str, ...] | list[str], index: np.ndarray) -> pa.Array:
    return pa.array(list(values), pa.string()).take(pa.array(index.astype(np.int64)))


def _optional_digits(values: np.ndarray, width: int = 0) -> pa.Array:
    text = digits(values, width)
    return pc.if_else(pa.array(values > 0), text, pa.nulls(len(text), pa.string()))


def enterprises_table(economy: Economy) -> pa.Table:
    firms, ae = economy.firms, economy.ae
    places = place_tables()
    acts = activity_tables()
    n_f, n_a = firms.size, ae.size
    category = np.where(firms.legal, CATEGORY_EPMA, CATEGORY_EPPA)
    ae_birth = np.full(n_f, -1, dtype=np.int64)
    nothing = np.zeros(n_a, dtype=bool)

    def both(a: pa.Array, b: pa.Array) -> pa.Array:
        return pa.concat_arrays([a.cast(b.type) if a.type != b.type else a, b])

    section = np.concatenate([firms.section, ae.section])
    division = np.concatenate([firms.division, ae.division])
    klass = np.concatenate([firms.klass, ae.klass])
    region = np.concatenate([firms.region, ae.region])
    commune = np.concatenate([firms.commune, ae.commune])
    woman = np.concatenate([firms.woman, ae.woman])
    legal_form = _codes(LEGAL_FORMS, firms.legal_form)
    return pa.table(
        {
            "enterprise_id": pa.array(np.concatenate([firms.enterprise_id, ae.enterprise_id])),
            "category": pa.array(np.concatenate([category, np.full(n_a, CATEGORY_AE)]).tolist()),
            "legal_form": both(legal_form, pa.nulls(n_a, pa.string())),
            "name": both(firms.name, ae.name),
            "ice": both(digits(firms.ice, 15), _optional_digits(ae.ice, 15)),
            "rc_court": both(
                places.court_code.take(pa.array(firms.court)), pa.nulls(n_a, pa.string())
            ),
            "rc_number": both(digits(firms.rc_number), pa.nulls(n_a, pa.string())),
            "if_number": both(digits(firms.if_number), pa.nulls(n_a, pa.string())),
            "if_number_2": both(_optional_digits(firms.if_second), pa.nulls(n_a, pa.string())),
            "cnss_number": both(_optional_digits(firms.cnss_number), pa.nulls(n_a, pa.string())),
            "cnss_number_2": both(_optional_digits(firms.cnss_second), pa.nulls(n_a, pa.string())),
            "ae_number": both(pa.nulls(n_f, pa.string()), digits(ae.ae_number)),
            "birth_date": pa.array(
                np.concatenate([firms.birth_date, ae.registrations.registration_date]), pa.date32()
            ),
            "death_date": pa.array(
                np.concatenate([firms.death_date, ae.registrations.deregistration_date]),
                pa.date32(),
            ),
            "section": _codes(acts.sections, section),
            "division": _codes(acts.divisions, division),
            "class": acts.class_codes.take(pa.array(klass)),
            "region_code": _codes(places.region_codes, region),
            "commune_code": places.commune_code.take(pa.array(commune)),
            "gender": pa.array(np.where(woman, "F", "M").tolist(), pa.string()),
            "manager_birth_year": pa.array(
                np.concatenate([ae_birth, ae.birth_year]),
                pa.int64(),
                mask=np.concatenate([ae_birth < 0, np.zeros(n_a, dtype=bool)]),
            ),
            "activity_kind": both(
                pa.nulls(n_f, pa.string()), _codes(ACTIVITY_KINDS, ae.kind.astype(np.int64))
            ),
            "shell": pa.array(np.concatenate([firms.shell, nothing])),
            "homonym": pa.array(np.concatenate([firms.homonym, nothing])),
            "created_before_2016": pa.array(
                np.concatenate([firms.birth_date < np.datetime64("2016-01-01"), nothing])
            ),
        }
    )


def write_enterprises(economy: Economy, truth: Path) -> int:
    table = enterprises_table(economy)
    meta = {b"marsad.synth": json.dumps({"scale": economy.scale, "seed": economy.seed}).encode()}
    table = table.replace_schema_metadata(meta)
    pq.write_table(table, truth / "enterprises.parquet", compression="zstd")
    return table.num_rows


def write_panel(economy: Economy, truth: Path) -> int:
    firms, ae = economy.firms, economy.ae
    money = firms.money
    active = firms.active
    ae_turnover = yearly_turnover(ae.quarters)
    schema = pa.schema(
        [
            ("enterprise_id", pa.int64()),
            ("year", pa.int16()),
            ("category", pa.string()),
            ("operating", pa.bool_()),
            ("active", pa.bool_()),
            ("tax_declaration", pa.bool_()),
            ("balance_sheet", pa.bool_()),
            ("turnover_mad", pa.float64()),
            ("employees", pa.int32()),
            ("payroll_mad", pa.float64()),
            ("net_result_mad", pa.float64()),
            ("total_assets_mad", pa.float64()),
            ("credit_outstanding_mad", pa.float64()),
            ("bank_count", pa.int8()),
        ]
    )
    category = np.where(firms.legal, CATEGORY_EPMA, CATEGORY_EPPA)
    total = 0
    with pq.ParquetWriter(truth / "panel.parquet", schema, compression="zstd") as writer:
        for y, year in enumerate(YEARS):
            rows = np.flatnonzero(firms.registered[:, y] | firms.operating[:, y])
            a_rows = np.flatnonzero(ae.during[:, y])
            k = a_rows.size
            zeros = np.zeros(k)
            table = pa.table(
                {
                    "enterprise_id": np.concatenate(
                        [firms.enterprise_id[rows], ae.enterprise_id[a_rows]]
                    ),
                    "year": np.full(rows.size + k, year, dtype=np.int16),
                    "category": np.concatenate([category[rows], np.full(k, CATEGORY_AE)]).tolist(),
                    "operating": np.concatenate([firms.operating[rows, y], ae.at_end[a_rows, y]]),
                    "active": np.concatenate([active[rows, y], ae.at_end[a_rows, y]]),
                    "tax_declaration": np.concatenate([firms.declares_tax[rows, y], zeros > 0]),
                    "balance_sheet": np.concatenate(
                        [firms.files_balance_sheet[rows, y], zeros > 0]
                    ),
                    "turnover_mad": np.concatenate(
                        [money.turnover[rows, y], ae_turnover[a_rows, y]]
                    ),
                    "employees": np.concatenate([money.employees[rows, y], zeros.astype(np.int32)]),
                    "payroll_mad": np.concatenate([money.payroll[rows, y], zeros]),
                    "net_result_mad": np.concatenate([money.net_result[rows, y], zeros]),
                    "total_assets_mad": np.concatenate([money.total_assets[rows, y], zeros]),
                    "credit_outstanding_mad": np.concatenate([money.credit[rows, y], zeros]),
                    "bank_count": np.concatenate(
                        [money.bank_count[rows, y], zeros.astype(np.int8)]
                    ),
                },
                schema=schema,
            )
            writer.write_table(table)
            total += table.num_rows
    return total


def write_beneficiaries(economy: Economy, found: Beneficiaries, truth: Path) -> int:
    codes = [p.code for p in CATALOGUE]
    table = pa.table(
        {
            "enterprise_id": pa.array(economy.firms.enterprise_id[found.firm], pa.int64()),
            "programme_code": _codes(codes, found.programme),
            "approval_date": pa.array(found.approval_date, pa.date32()),
            "amount_granted_mad": pa.array(found.amount, pa.float64()),
        }
    )
    pq.write_table(table, truth / "beneficiaries.parquet", compression="zstd")
    return table.num_rows
