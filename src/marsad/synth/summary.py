"""What a synthetic run produced: counts, rows per dataset, files and time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table


@dataclass
class SynthSummary:
    scale: float
    seed: int
    enterprises: dict[str, int]
    rows: dict[str, int]  # "partner.dataset" -> delivered rows (corrections included)
    files: list[str]  # paths relative to the output folder
    truth_rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "seed": self.seed,
            "enterprises": dict(self.enterprises),
            "rows": dict(self.rows),
            "rows_total": self.total_rows,
            "truth_rows": dict(self.truth_rows),
            "files": list(self.files),
            "files_count": len(self.files),
            "seconds": round(self.seconds, 2),
        }

    def print(self, console: Console) -> None:
        people = Table(title=f"Économie synthétique (échelle {self.scale:g}, graine {self.seed})")
        people.add_column("Catégorie")
        people.add_column("Entreprises", justify="right")
        for category, count in self.enterprises.items():
            people.add_row(category, f"{count:,}".replace(",", " "))
        console.print(people)
        table = Table(title="Livraisons écrites")
        table.add_column("Partenaire.jeu")
        table.add_column("Fichiers", justify="right")
        table.add_column("Lignes", justify="right")
        for key, count in self.rows.items():
            prefix = "deliveries/" + key.replace(".", "/") + "/"
            n_files = sum(1 for f in self.files if f.startswith(prefix))
            table.add_row(key, str(n_files), f"{count:,}".replace(",", " "))
        table.add_row("total", str(len(self.files)), f"{self.total_rows:,}".replace(",", " "))
        console.print(table)
        console.print(f"Durée : {self.seconds:.1f} s")
