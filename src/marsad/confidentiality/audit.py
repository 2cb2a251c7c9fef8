"""The attacker's audit, written apart from the suppression code.

For every confidential cell, the attacker looks for the smallest and the largest value
the cell can take given everything the release publishes (every free cell of every
table), the additive relations between cells (totals equal the sums of their parts, in
every table), that no cell is negative, and what an earlier release published for cells
whose true value has not changed (``known``: the attacker who differences two releases).
A cell is exposed when that interval does not reach its protection: below
``value - lower`` and above ``value + upper``. Like a validation report, the audit returns
its findings; the caller decides (a release is refused when ``valid`` is false).

The hidden cells fall into components that share no relation; each component is one
linear system. A side of a cell is safe when a point of the attacker's polytope reaches
its goal (a checked witness, ``attacker.py``) or, failing that, when the linear program
of that side (HiGHS) does; an exposed cell is reported with its exact derived interval.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from marsad.confidentiality.attacker import Witnesses, component_bounds
from marsad.confidentiality.lp import RangeModel
from marsad.confidentiality.model import STATUS_FREE, STATUS_PRIMARY, ProtectionTable, cell_keys
from marsad.confidentiality.primary import primary_status
from marsad.confidentiality.rules import DisclosureRules

TOLERANCE = 1e-6


@dataclass(frozen=True)
class ExposedCell:
    table: str
    key: str
    value: float
    derived_min: float
    derived_max: float
    required_min: float
    required_max: float


@dataclass
class AuditReport:
    valid: bool
    checked: int
    exposed: list[ExposedCell] = field(default_factory=list)
    programs: int = 0  # linear programs solved (the other sides were proved by witnesses)

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "checked": self.checked,
            "exposed": [asdict(e) for e in self.exposed],
            "programs": self.programs,
        }


def _relations(table: ProtectionTable, keys: np.ndarray) -> list[tuple[str, list[str]]]:
    """(total key, child keys) for every parent code present along every additive dimension."""
    dims = table.dimensions
    codes = [
        tuple(str(v) for v in row) for row in table.cells[table.dimension_ids].itertuples(False)
    ]
    key_of = dict(zip(codes, keys, strict=True))
    groups: dict[tuple[int, tuple[str, ...]], list[str]] = {}
    for row in codes:
        for i, dim in enumerate(dims):
            if not dim.additive:
                continue
            parent = dim.parent.get(row[i])
            if parent is None:
                continue
            total = (*row[:i], parent, *row[i + 1 :])
            if total in key_of:
                groups.setdefault((i, total), []).append(key_of[row])
    return [(key_of[total], kids) for (_, total), kids in groups.items()]


def audit(
    tables: list[ProtectionTable] | tuple[ProtectionTable, ...],
    result: Any,
    rules: DisclosureRules,
    *,
    known: dict[str, float] | None = None,
    exhaustive: bool = False,
) -> AuditReport:
    """Check, as an attacker with a linear-programming solver, every confidential cell.

    ``exhaustive``: solve both linear programs of every confidential cell, as a reference;
    the default proves what it can with witnesses first and reaches the same findings.
    """
    known = known or {}
    value: dict[str, float] = {}
    single: set[str] = set()  # cells of magnitudes with one contributor
    published: dict[str, bool] = {}
    required: dict[str, tuple[float, float, str]] = {}
    relations: set[tuple[str, tuple[str, ...]]] = set()
    for table in tables:
        keys = cell_keys(table)
        status = result.tables[table.id]["status"].to_numpy()
        prim = primary_status(table, rules)
        if table.kind == "magnitude":
            single.update(keys[table.cells["n"].to_numpy() == 1].tolist())
        for key, v, s, p, lo, up in zip(
            keys,
            table.cells["value"].to_numpy(dtype=float),
            status,
            prim["status"].to_numpy(),
            prim["lower"].to_numpy(),
            prim["upper"].to_numpy(),
            strict=True,
        ):
            value[key] = float(v)
            published[key] = published.get(key, False) or s == STATUS_FREE or key in known
            if p == STATUS_PRIMARY:
                old = required.get(key, (0.0, 0.0, table.id))
                required[key] = (max(old[0], float(lo)), max(old[1], float(up)), old[2])
        for total, kids in _relations(table, keys):
            relations.add((total, tuple(sorted(kids))))

    exposed: list[ExposedCell] = []
    unknown = sorted(k for k, is_pub in published.items() if not is_pub)
    column = {k: i for i, k in enumerate(unknown)}
    rows: list[list[tuple[int, float]]] = []
    rhs: list[float] = []
    for total, children in sorted(relations):
        terms: list[tuple[int, float]] = []
        constant = 0.0
        members: list[tuple[str, float]] = [(total, 1.0), *((kid, -1.0) for kid in children)]
        for k, sign in members:
            if k in column:
                terms.append((column[k], sign))
            else:
                constant += sign * known.get(k, value[k])
        if terms:
            rows.append(terms)
            rhs.append(-constant)
    components = _components(len(unknown), rows)
    targets: dict[int, list[str]] = {}
    for key in sorted(required):
        if key not in column:
            lower, upper, table_id = required[key]
            v = value[key]
            exposed.append(ExposedCell(table_id, key, v, v, v, v - lower, v + upper))
            continue
        targets.setdefault(int(components[column[key]]), []).append(key)
    truth = np.array([known.get(k, value[k]) for k in unknown], dtype=float)
    members_of = _group(components, set(targets))
    rows_of = _group(
        np.array([components[terms[0][0]] for terms in rows], dtype=np.int64), set(targets)
    )
    programs = 0
    for component, target_keys in sorted(targets.items()):
        columns = members_of[component]
        matrix, b = _component_system(columns, [(rows[r], rhs[r]) for r in rows_of[component]])
        local = {int(m): i for i, m in enumerate(columns)}
        cells = np.array([local[column[k]] for k in target_keys], dtype=np.int64)
        values = np.array([value[k] for k in target_keys])
        down = np.array([required[k][0] for k in target_keys])
        up = np.array([required[k][1] for k in target_keys])
        slack = np.maximum(1.0, np.abs(values)) * TOLERANCE
        witnesses = Witnesses(matrix, b, cells, values - down + slack, values + up - slack)
        if not exhaustive:
            witnesses.offer(truth[columns])  # the true values satisfy every relation
        bounds = component_bounds(RangeModel(matrix, b), witnesses, exhaustive=exhaustive)
        programs += bounds.programs
        for i in np.flatnonzero(~(bounds.low_safe & bounds.high_safe)):
            exposed.append(
                ExposedCell(
                    required[target_keys[i]][2],
                    target_keys[i],
                    float(values[i]),
                    float(bounds.low[i]),
                    float(bounds.high[i]),
                    float(values[i] - down[i]),
                    float(values[i] + up[i]),
                )
            )
    # the contributor of a single-contributor cell knows its value: in a relation where it
    # and one confidential cell are the only hidden ones, that cell is exact to them
    seen = {e.key for e in exposed}
    for total, children in sorted(relations):
        hidden = [k for k in (total, *children) if not published[k]]
        if len(hidden) != 2 or not any(k in single for k in hidden):
            continue
        for k in hidden:
            other = hidden[1] if k == hidden[0] else hidden[0]
            if k in required and other in single and k not in seen:
                lower_k, upper_k, table_id = required[k]
                v_k = value[k]
                exposed.append(
                    ExposedCell(table_id, k, v_k, v_k, v_k, v_k - lower_k, v_k + upper_k)
                )
                seen.add(k)
    return AuditReport(valid=not exposed, checked=len(required), exposed=exposed, programs=programs)


def _components(size: int, rows: list[list[tuple[int, float]]]) -> np.ndarray:
    parent = np.arange(size)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    for terms in rows:
        first = find(terms[0][0])
        for col, _ in terms[1:]:
            other = find(col)
            if other != first:
                parent[other] = first
    return np.array([find(i) for i in range(size)], dtype=np.int64)


def _group(labels: np.ndarray, wanted: set[int]) -> dict[int, np.ndarray]:
    """The positions of each wanted label, in increasing order."""
    out: dict[int, list[int]] = {label: [] for label in wanted}
    for position, label in enumerate(labels.tolist()):
        if label in out:
            out[label].append(position)
    return {label: np.array(found, dtype=np.int64) for label, found in out.items()}


def _component_system(
    members: np.ndarray, rows: list[tuple[list[tuple[int, float]], float]]
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The relations of one component, over its own columns (in the order of ``members``)."""
    local = {int(m): i for i, m in enumerate(members)}
    data: list[float] = []
    r_idx: list[int] = []
    c_idx: list[int] = []
    b: list[float] = []
    for terms, right in rows:
        for col, sign in terms:
            r_idx.append(len(b))
            c_idx.append(local[col])
            data.append(sign)
        b.append(right)
    matrix = sparse.csr_matrix((data, (r_idx, c_idx)), shape=(len(b), len(members)))
    return matrix, np.array(b, dtype=float)
