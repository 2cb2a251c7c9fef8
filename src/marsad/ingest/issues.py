"""What ingestion finds wrong: refusals of a whole file and issues of single rows."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from marsad.errors import MarsadError

Severity = Literal["error", "warning"]

# Rules, named once: the report, the tests and the user guide use these names.
FILE_RULES = {
    "unknown_dataset": "no convention covers this partner and dataset",
    "convention_expired": "the convention is not in force",
    "invalid_period": "the period is not a year the convention covers",
    "empty_file": "the file is empty",
    "compressed_file": "the file is compressed",
    "format_not_accepted": "the file format is not accepted by the convention",
    "encoding": "the text encoding is not accepted",
    "not_text": "the file is not text",
    "delimiter": "no delimiter found in the header",
    "empty_column_name": "a column has no name",
    "duplicate_column": "a column appears twice in the header",
    "undeclared_column": "a column is not declared in the convention",
    "missing_column": "a required column is missing",
    "no_matching_sheet": "no sheet has the expected header",
    "unsupported_type": "a column has a type that cannot be read",
    "unreadable": "the file cannot be read",
    "too_large": "the file is larger than the configured limit",
}

ROW_RULES = {
    "field_count": "the row does not have as many fields as the header",
    "missing_value": "a required value is empty",
    "not_an_integer": "not a whole number",
    "not_an_amount": "not an amount (1234567.89, 1 234 567,89 or 1234567,89)",
    "not_a_date": "not a date (YYYY-MM-DD or DD/MM/YYYY) or an impossible date",
    "out_of_range": "outside the bounds declared in the convention",
    "too_long": "longer than the convention allows",
    "control_character": "contains control characters (NUL, ...)",
    "pattern": "does not have the declared form",
    "not_in_list": "not one of the declared values",
    "period_mismatch": "the period column differs from the delivery's period",
    "duplicate_key": "the dataset's key appears more than once in the delivery, with other values",
    # a warning that sets the row aside: loaded once, its copies are not loaded again
    "exact_duplicate": "an exact copy of an earlier row of the delivery, which is loaded once",
    # soft rules: the row is loaded with a quality flag
    "date_order": "earlier than the date it cannot precede",
    "ice_invalid": "the ICE fails its check (15 digits, divisible by 97)",
    "commune_unknown": "a commune or city the referential does not know",
    "activity_code_unknown": "not an NMA 2010 division or class",
}

# Why a loaded delivery waits for a data steward instead of becoming current.
HOLD_RULES = {
    "nothing_loaded": "the delivery loads no row",
    "row_drop": "the delivery loads far fewer rows than the one it would replace",
}


@dataclass(frozen=True)
class Issue:
    """One problem: a file-level refusal (row None) or a row-level error or warning."""

    rule: str
    severity: Severity
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class DeliveryRefused(MarsadError):
    """The whole file is refused and nothing of it is loaded."""

    status = 422
    code = "delivery_refused"

    def __init__(self, rule: str, detail: str, *, column: str | None = None) -> None:
        super().__init__(f"{FILE_RULES.get(rule, rule)}: {detail}")
        self.issue = Issue(
            rule=rule, severity="error", message=self.message, column=column, value=None
        )


def clip(value: str | None, limit: int = 200) -> str | None:
    """A value short enough to show in a report."""
    if value is None or len(value) <= limit:
        return value
    return value[:limit] + f"… ({len(value)} characters)"
