"""One delivery from file to staging: convention, reading, validation, ledger."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

from marsad.conventions import Convention, ConventionSet, DatasetSpec, DeliveryGuard
from marsad.ingest.issues import DeliveryRefused
from marsad.ingest.ledger import DeliveryRecord, Ledger
from marsad.ingest.report import DeliveryReport
from marsad.ingest.sources import SourceTable, read_source, sniff_format
from marsad.ingest.stewardship import hold_reason
from marsad.ingest.validate import validate_delivery
from marsad.settings import Settings

_IDENT = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


def safe_file_name(name: str) -> str:
    """The last path component of a name a partner gave, harmless to store and show."""
    base = re.split(r"[\\/]", name)[-1]
    base = _UNSAFE.sub("", base).strip().lstrip(".") or "delivery"
    return base[:200]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _resolve(
    conventions: ConventionSet, partner: str, dataset: str, period: int, today: dt.date
) -> tuple[Convention, DatasetSpec]:
    if not (_IDENT.match(partner) and _IDENT.match(dataset)):
        raise DeliveryRefused("unknown_dataset", f"{partner!r}.{dataset!r} is not a dataset name")
    candidates = conventions.candidates(partner, dataset)
    if not candidates:
        known = ", ".join(
            f"{c.partner}.{d}" for c in conventions.conventions for d in sorted(c.datasets)
        )
        raise DeliveryRefused("unknown_dataset", f"{partner}.{dataset}; known: {known}")
    conv = conventions.in_force(partner, dataset, today)
    if conv is None:
        spans = "; ".join(f"{c.id} v{c.version}: {c.valid_from} – {c.valid_to}" for c in candidates)
        raise DeliveryRefused("convention_expired", f"not in force on {today} ({spans})")
    if not 1950 <= period <= today.year + 1:
        raise DeliveryRefused("invalid_period", f"{period} (a year from 1950 to {today.year + 1})")
    return conv, conv.datasets[dataset]


def _check_columns(source: SourceTable, spec: DatasetSpec) -> list[str]:
    declared = set(spec.field_names)
    undeclared = [c for c in source.header if c not in declared]
    if undeclared:
        raise DeliveryRefused(
            "undeclared_column",
            f"{', '.join(undeclared)} (the convention declares {', '.join(spec.field_names)})",
            column=undeclared[0],
        )
    missing = [f.name for f in spec.fields if f.required and f.name not in source.header]
    if missing:
        raise DeliveryRefused("missing_column", ", ".join(missing), column=missing[0])
    absent = [f.name for f in spec.fields if f.name not in source.header]
    return [f"optional column(s) absent, read as empty: {', '.join(absent)}"] if absent else []


def _record(report: DeliveryReport, size: int, status: str, **details: Any) -> DeliveryRecord:
    """The ledger record of a delivery report."""
    assert report.delivery_id and report.sha256 and report.period is not None
    return DeliveryRecord(
        id=report.delivery_id,
        partner=report.partner,
        dataset=report.dataset,
        period=report.period,
        file_name=report.file,
        sha256=report.sha256,
        bytes=size,
        status=status,
        received_at=_now(),
        convention_id=(report.convention or {}).get("id"),
        convention_version=(report.convention or {}).get("version"),
        **details,
    )


def _same_file(records: list[DeliveryRecord], report: DeliveryReport) -> DeliveryRecord | None:
    """The delivery on record of this very file for this period (refusals aside)."""
    slot = (report.partner, report.dataset, report.period)
    for record in records:
        if record.slot == slot and record.sha256 == report.sha256 and record.status != "refused":
            return record
    return None


class Deliverer:
    """Receives deliveries into one data directory."""

    def __init__(self, settings: Settings, conventions: ConventionSet | None = None) -> None:
        self.settings = settings
        self.conventions = conventions or ConventionSet.load(settings.conventions_dir)
        self.ledger = Ledger(settings.ledger_path)

    def deliver(
        self,
        partner: str,
        dataset: str,
        period: int,
        path: Path,
        *,
        source_name: str | None = None,
        today: dt.date | None = None,
    ) -> DeliveryReport:
        """Check, stage and record one file; never raises for a bad file (see the report)."""
        today = today or dt.date.today()
        name = safe_file_name(source_name or path.name)
        report = DeliveryReport(
            status="refused", partner=partner, dataset=dataset, period=period, file=name
        )
        conv: Convention | None = None
        try:
            conv, spec = _resolve(self.conventions, partner, dataset, period, today)
            report.convention = {"id": conv.id, "version": conv.version}
            size = path.stat().st_size
            if size > self.settings.max_delivery_bytes:
                raise DeliveryRefused(
                    "too_large", f"{size} bytes (limit {self.settings.max_delivery_bytes})"
                )
            report.sha256 = file_sha256(path)
            report.delivery_id = f"{partner}-{dataset}-{period}-{report.sha256[:12]}"
            earlier = self._already_loaded(report)
            if earlier is not None:
                return self._duplicate(report, earlier)
            kind = sniff_format(path)
            if kind not in conv.formats:
                raise DeliveryRefused("format_not_accepted", f"{kind} (accepted: {conv.formats})")
            required = {f.name for f in spec.fields if f.required}
            source = read_source(path, encodings=conv.encodings, required=required)
            report.notes.extend(source.notes)
            report.notes.extend(_check_columns(source, spec))
            report.format, report.encoding = source.format, source.encoding
            report.delimiter, report.sheet = source.delimiter, source.sheet
            return self._stage(report, source, spec, conv.guard_of(dataset), size)
        except OSError as exc:  # the file vanished or cannot be read while being delivered
            report.errors = [DeliveryRefused("unreadable", f"{type(exc).__name__}: {exc}").issue]
            return report
        except DeliveryRefused as refusal:
            report.errors = [refusal.issue]
            if conv is not None and report.delivery_id:
                self._record_refusal(report, path)
            return report

    def _already_loaded(self, report: DeliveryReport) -> DeliveryRecord | None:
        return _same_file(self.ledger.records(), report)

    @staticmethod
    def _duplicate(report: DeliveryReport, earlier: DeliveryRecord) -> DeliveryReport:
        """The answer to a file already on record: nothing changes, whatever its state,
        and the report says which state and what a data steward can do about it."""
        report.status = "duplicate"
        report.duplicate_of = earlier.id
        report.duplicate_state = earlier.status
        report.delivery_id = earlier.id
        report.received, report.loaded = earlier.received, earlier.loaded
        report.quarantined, report.flagged = earlier.quarantined, earlier.flagged
        report.format, report.encoding = earlier.format, earlier.encoding
        report.delimiter, report.sheet = earlier.delimiter, earlier.sheet
        report.convention = {"id": earlier.convention_id, "version": earlier.convention_version}
        report.hold = earlier.hold if earlier.status == "pending" else None
        report.superseded_by = earlier.superseded_by
        return report

    def _stage(
        self,
        report: DeliveryReport,
        source: SourceTable,
        spec: DatasetSpec,
        guard: DeliveryGuard,
        size: int,
    ) -> DeliveryReport:
        assert report.delivery_id and report.sha256 and report.period is not None
        staging = self.settings.staging_dir
        tmp = staging / ".incoming" / f"{report.delivery_id}-{uuid.uuid4().hex[:8]}"
        tmp.mkdir(parents=True)
        try:
            result = validate_delivery(
                source,
                spec,
                period=report.period,
                delivery_id=report.delivery_id,
                out_dir=tmp,
                max_text=self.settings.max_text_length,
                threads=self.settings.workers,
            )
            report.status = "loaded"
            report.received, report.loaded = result.received, result.loaded
            report.quarantined, report.flagged = result.quarantined, result.flagged
            report.issues_total, report.issue_summary = result.issues_total, result.summary
            report.issues = result.sample
            final = staging / report.partner / report.dataset / str(report.period)
            final = final / report.delivery_id
            record = _record(
                report,
                size,
                "current",
                format=report.format,
                encoding=report.encoding,
                delimiter=report.delimiter,
                sheet=report.sheet,
                received=report.received,
                loaded=report.loaded,
                quarantined=report.quarantined,
                flagged=report.flagged,
                path=str(final.relative_to(self.settings.home)),
                notes=report.notes,
            )
            return self._commit(report, record, guard, tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _commit(
        self,
        report: DeliveryReport,
        record: DeliveryRecord,
        guard: DeliveryGuard,
        tmp: Path,
        final: Path,
    ) -> DeliveryReport:
        """Record the delivery: current, replacing the current one of its period, unless
        the convention's guard holds it as pending."""
        with self.ledger.locked() as records:
            earlier = _same_file(records, report)  # a concurrent sender may have won the race
            if earlier is not None:
                return self._duplicate(report, earlier)
            same_slot = [r for r in records if r.slot == record.slot]
            current = next((r for r in same_slot if r.status == "current"), None)
            record.hold = report.hold = hold_reason(record.loaded, current, guard)
            if record.hold is not None:
                record.status = report.status = "pending"
            else:
                # the current delivery, and any still pending, give way to this one
                for r in same_slot:
                    if r.status in ("current", "pending"):
                        r.status, r.superseded_by = "superseded", record.id
                if current is not None:
                    record.supersedes = report.supersedes = current.id
            (tmp / "manifest.json").write_text(
                json.dumps(record.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
            )
            (tmp / "report.json").write_text(
                json.dumps(report.to_dict(), ensure_ascii=False, indent=1, default=str),
                encoding="utf-8",
            )
            if final.exists():  # left by a run killed before it reached the ledger
                shutil.rmtree(final)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)
            records[:] = [r for r in records if r.id != record.id] + [record]
        return report

    def _record_refusal(self, report: DeliveryReport, path: Path) -> None:
        assert report.delivery_id and report.sha256 and report.period is not None
        with self.ledger.locked() as records:
            if any(r.id == report.delivery_id for r in records):
                return
            records.append(
                _record(
                    report,
                    path.stat().st_size,
                    "refused",
                    refusal=report.errors[0].to_dict() if report.errors else None,
                )
            )
