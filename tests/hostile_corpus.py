"""A corpus of hostile delivery files, built in code so that every case is readable.

Each case names the partner dataset it is sent as, the file's bytes, and what marsad must
answer: the file refused with a rule, or loaded with given rows quarantined for a rule.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from conftest import DGI_HEADER, dgi_csv, good_dgi_rows

CNSS_HEADER = "cnss_number;ice;denomination;commune;year;employees;payroll_mad"
REGISTRY_HEADER = (
    "rc_court;rc_number;ice;denomination;legal_form;creation_date;dissolution_date;"
    "capital_mad;address;commune;activity"
)


@dataclass(frozen=True)
class Case:
    name: str
    partner: str
    dataset: str
    period: int
    content: Callable[[], bytes]
    refused_rule: str | None = None  # the whole file is refused with this rule
    quarantined: dict[int, str] | None = None  # row -> a rule that sent it to quarantine
    source_name: str | None = None


def _text(text: str, encoding: str = "utf-8") -> Callable[[], bytes]:
    return lambda: text.encode(encoding)


def _xlsx(sheets: dict[str, list[list[object]]]) -> Callable[[], bytes]:
    def build() -> bytes:
        from openpyxl import Workbook

        book = Workbook()
        book.remove(book.active)  # type: ignore[arg-type]
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    return build


def _parquet(table: pa.Table) -> Callable[[], bytes]:
    def build() -> bytes:
        out = io.BytesIO()
        pq.write_table(table, out)
        return out.getvalue()

    return build


GOOD = good_dgi_rows()
CNSS_ROW = "{number};;BOULANGERIE ATLAS;Fès;2021;{emp};120 000,00"
DGI = ("dgi", "tax_declarations", 2021)
CNSS = ("cnss", "employment", 2021)
REGISTRY = ("ompic", "registry", 2025)


def _registry_row(creation: str) -> str:
    return f"CASA;4455;;ATLAS SARL;SARL;{creation};;100 000,00;1 rue X;Casablanca;commerce"


CASES: list[Case] = [
    Case("empty file", *DGI, _text(""), refused_rule="empty_file"),
    Case("header only", *DGI, _text(DGI_HEADER + "\n"), quarantined={}),
    Case("utf-16", *DGI, lambda: dgi_csv(GOOD).encode("utf-16"), refused_rule="encoding"),
    Case(
        "windows-1252 where the convention wants utf-8",
        *DGI,
        _text(dgi_csv([*GOOD, "9;;SOCIÉTÉ FÈS;2021;1;1;47;Fès"]), "cp1252"),
        refused_rule="encoding",
    ),
    Case(
        "truncated last line",
        *DGI,
        _text(dgi_csv(GOOD).rstrip("\n") + "\n77;0015;STE TRUNC"),
        quarantined={4: "field_count"},
    ),
    Case(
        "too many fields",
        *DGI,
        _text(dgi_csv([GOOD[0], GOOD[1] + ";extra;more", GOOD[2]])),
        quarantined={2: "field_count"},
    ),
    Case(
        "too few fields",
        *DGI,
        _text(dgi_csv([GOOD[0], "55;;STE COURTE;2021", GOOD[2]])),
        quarantined={2: "field_count"},
    ),
    Case(
        "unterminated quote",
        *DGI,
        _text(dgi_csv([GOOD[0], '56;;"STE OUVERTE;2021;1;1;47;Casablanca', GOOD[2]])),
        quarantined={2: "field_count"},
    ),
    Case(
        "duplicated column in header",
        *DGI,
        _text(dgi_csv(GOOD, header=DGI_HEADER.replace("city", "ice"))),
        refused_rule="duplicate_column",
    ),
    Case(
        "header repeated as a data row",
        *DGI,
        _text(dgi_csv([GOOD[0], DGI_HEADER, GOOD[1]])),
        quarantined={2: "not_an_integer"},
    ),
    Case(
        "undeclared column",
        *DGI,
        _text(dgi_csv([r + ";x" for r in GOOD], header=DGI_HEADER + ";owner_cin")),
        refused_rule="undeclared_column",
    ),
    Case(
        "missing required column",
        *DGI,
        _text("ice;denomination;fiscal_year\n;X;2021\n"),
        refused_rule="missing_column",
    ),
    Case(
        "non-numeric amounts",
        *DGI,
        _text(dgi_csv([GOOD[0], "57;;STE NAN;2021;douze mille;1;47;Rabat", GOOD[2]])),
        quarantined={2: "not_an_amount"},
    ),
    Case(
        "negative employees",
        *CNSS,
        _text(
            "\n".join(
                [CNSS_HEADER, CNSS_ROW.format(number=1, emp=4), CNSS_ROW.format(number=2, emp=-3)]
            )
        ),
        quarantined={2: "out_of_range"},
    ),
    Case(
        "year 1800",
        *DGI,
        _text(dgi_csv([GOOD[0], "58;;STE VIEILLE;1800;1;1;47;Rabat"])),
        quarantined={2: "out_of_range"},
    ),
    Case(
        "year 2999",
        *DGI,
        _text(dgi_csv([GOOD[0], "59;;STE FUTURE;2999;1;1;47;Rabat"])),
        quarantined={2: "period_mismatch"},
    ),
    Case(
        "31/02/2024",
        *REGISTRY,
        _text(
            "\n".join([REGISTRY_HEADER, _registry_row("12/05/2019"), _registry_row("31/02/2024")])
        ),
        quarantined={2: "not_a_date", 1: "duplicate_key"},
    ),
    Case(
        "a 100,000-character field",
        *DGI,
        _text(dgi_csv([GOOD[0], f"60;;{'A' * 100_000};2021;1;1;47;Rabat"])),
        quarantined={2: "too_long"},
    ),
    Case(
        "NUL bytes",
        *DGI,
        _text(dgi_csv([GOOD[0], "61;;STE\x00NUL;2021;1;1;47;Rabat", GOOD[2]])),
        quarantined={2: "control_character"},
    ),
    Case(
        "gzip renamed .csv",
        *DGI,
        lambda: gzip.compress(dgi_csv(GOOD).encode()),
        refused_rule="compressed_file",
    ),
    Case(
        "binary garbage",
        *DGI,
        lambda: bytes(range(256)) * 64,
        refused_rule="not_text",
    ),
    Case(
        "XLSX with data on the wrong sheet",
        *DGI,
        _xlsx(
            {
                "Notice": [["Extraction DGI 2021"], ["voir feuille 2"]],
                "Données": [DGI_HEADER.split(";"), *[r.split(";") for r in GOOD]],
            }
        ),
        quarantined={},
    ),
    Case(
        "XLSX without the expected header",
        *DGI,
        _xlsx({"Feuil1": [["a", "b"], [1, 2]]}),
        refused_rule="no_matching_sheet",
    ),
    Case(
        "damaged XLSX",
        *DGI,
        lambda: b"PK\x03\x04" + b"\x00garbage" * 100,
        refused_rule="unreadable",
    ),
    Case(
        "Parquet with a nested column",
        "bam",
        "credit",
        2021,
        _parquet(
            pa.table(
                {
                    "ice": ["001525925000074"],
                    "year": [2021],
                    "credit_outstanding_mad": [[1, 2]],
                }
            )
        ),
        refused_rule="unsupported_type",
    ),
    Case(
        "formula injection",
        *DGI,
        _text(dgi_csv([GOOD[0], '62;;=HYPERLINK("http://evil.example","x");2021;1;1;47;Rabat'])),
        quarantined={},
    ),
    Case(
        "script in names",
        *DGI,
        _text(dgi_csv([GOOD[0], "63;;<script>alert(1)</script>;2021;1;1;47;Rabat"])),
        quarantined={},
    ),
    Case(
        "hostile upload file name",
        *DGI,
        _text(dgi_csv(GOOD)),
        quarantined={},
        source_name="../../x.csv",
    ),
    Case(
        "duplicated keys",
        *DGI,
        _text(dgi_csv([GOOD[0], GOOD[0].replace("STE ALPHA", "STE BETA"), GOOD[1]])),
        quarantined={1: "duplicate_key", 2: "duplicate_key"},
    ),
    Case(
        "a row sent twice, then its key with other values",
        *DGI,
        _text(dgi_csv([GOOD[0], GOOD[1], f" {GOOD[0]} ", GOOD[1].replace("4711", "4712")])),
        quarantined={3: "exact_duplicate", 2: "duplicate_key", 4: "duplicate_key"},
    ),
]
