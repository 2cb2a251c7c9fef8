"""CSV exports: field rights by role (no names, phones or e-mails without the right), the
convention's own access, spreadsheet-safe cells, and one access-log line per export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from marsad.conventions.model import Sensitivity
from marsad.conventions.registry import check_conventions
from marsad.errors import InvalidInput
from marsad.operational import Database, migrate
from marsad.operational.auth import create_user
from marsad.operational.exports import (
    ExportColumn,
    allowed_sensitivities,
    convention_allowed,
    export_csv,
    field_rights_problems,
)
from marsad.operational.people import ROLES, AccessLog

COLUMNS = [
    ExportColumn("id", "N°", Sensitivity.public),
    ExportColumn("full_name", "Nom", Sensitivity.personal),
    ExportColumn("phone", "Téléphone", Sensitivity.personal),
    ExportColumn("email", "Courriel", Sensitivity.personal),
    ExportColumn("region", "Région", Sensitivity.public),
    ExportColumn("score", "Score", Sensitivity.confidential),
    ExportColumn("since", "Depuis", Sensitivity.confidential),
]
ROWS = [
    {
        "id": 1,
        "full_name": "Fatima Zahra El Idrissi",
        "phone": "+212661000000",
        "email": "f.idrissi@example.ma",
        "region": "Casablanca-Settat",
        "score": Decimal("72.5"),
        "since": date(2025, 3, 1),
    },
    {
        "id": 2,
        "full_name": '=HYPERLINK("http://evil")',
        "phone": None,
        "email": "@SUM(A1)",
        "region": "-Oriental",
        "score": 40,
        "since": None,
    },
]


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    migrate(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


def _read(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_field_rights_cover_every_role() -> None:
    assert field_rights_problems({}) == [f"roles missing: {', '.join(sorted(ROLES))}"]
    bad = field_rights_problems({**{r: ["public"] for r in ROLES}, "x": ["secret"]})
    assert bad == ["unknown roles: x", "x: unknown sensitivities secret"]
    assert Sensitivity.personal not in allowed_sensitivities("analyst")
    assert Sensitivity.personal in allowed_sensitivities("programme_manager")
    assert allowed_sensitivities("nobody") == frozenset()


def test_a_role_without_personal_rights_gets_no_personal_columns(db: Database) -> None:
    analyst = create_user(db, "analyste", "analyst")
    result = export_csv(
        db, analyst, subject="cohorte 7", purpose="bilan", columns=COLUMNS, rows=ROWS
    )
    table = _read(result.text)
    assert table[0] == ["N°", "Région", "Score", "Depuis"]
    assert result.columns_withheld == ("full_name", "phone", "email")
    assert result.row_count == 2
    flat = result.text
    assert "Idrissi" not in flat and "+212661" not in flat and "example.ma" not in flat
    assert table[1] == ["1", "Casablanca-Settat", "72,5", "2025-03-01"]
    assert table[2] == ["2", "'-Oriental", "40", ""]  # a formula start is neutralised


def test_a_role_with_the_right_gets_them_neutralised(db: Database) -> None:
    manager = create_user(db, "gestionnaire", "programme_manager")
    result = export_csv(
        db, manager, subject="cohorte 7", purpose="convocations", columns=COLUMNS, rows=ROWS
    )
    table = _read(result.text)
    assert table[0] == ["N°", "Nom", "Téléphone", "Courriel", "Région", "Score", "Depuis"]
    assert result.columns_withheld == ()
    # a leading "+" is a formula start too: the phone keeps its digits behind a quote
    assert table[1][1:4] == ["Fatima Zahra El Idrissi", "'+212661000000", "f.idrissi@example.ma"]
    assert table[2][1] == '\'=HYPERLINK("http://evil")' and table[2][3] == "'@SUM(A1)"
    assert "\r\n" in result.text


def test_a_convention_decides_for_its_own_data(db: Database) -> None:
    manager = create_user(db, "gestionnaire", "programme_manager")
    rnae = next(c for c in check_conventions().conventions if c.partner == "rnae")
    allowed = convention_allowed(rnae, "analyst")
    result = export_csv(
        db,
        manager,
        subject="auto-entrepreneurs",
        purpose="contrôle",
        columns=COLUMNS,
        rows=ROWS,
        allowed=allowed,
        visible_fields={"id", "region", "full_name"},
    )
    assert "full_name" in result.columns_withheld and "score" in result.columns_withheld
    assert _read(result.text)[0] == ["N°", "Région"]


def test_every_export_is_logged_and_needs_a_purpose(db: Database) -> None:
    analyst = create_user(db, "analyste", "analyst")
    export_csv(db, analyst, subject="cohorte 7", purpose="bilan", columns=COLUMNS, rows=ROWS)
    export_csv(db, analyst, subject="cohorte 8", purpose="bilan", columns=COLUMNS, rows=[])
    with pytest.raises(InvalidInput, match="objet"):
        export_csv(db, analyst, subject="cohorte 9", purpose="  ", columns=COLUMNS, rows=ROWS)
    with db.session() as session:
        logs = session.scalars(select(AccessLog).order_by(AccessLog.id)).all()
    assert [(log.action, log.subject, log.purpose) for log in logs] == [
        ("export", "cohorte 7", "bilan"),
        ("export", "cohorte 8", "bilan"),
    ]
    assert logs[0].actor == "analyste (analyst)"
    assert logs[0].detail == {
        "rows": 2,
        "columns": ["id", "region", "score", "since"],
        "columns_withheld": ["full_name", "phone", "email"],
    }
    assert logs[1].detail["rows"] == 0
