"""The PDF of the report, printed from its HTML by a headless Chromium when there is one.

When Chromium is absent, fails or takes too long, no PDF is written and the reason is
given in one French sentence; the HTML report stays as it is.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class PdfOutcome:
    path: Path | None
    skipped_reason: str | None


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the browser and the helpers it started (its own process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    process.communicate()


def _last_line(raw: bytes) -> str:
    lines = [line.strip() for line in raw.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def render_pdf(
    html_path: Path,
    pdf_path: Path,
    *,
    chromium: Path = CHROMIUM,
    timeout: float = TIMEOUT_SECONDS,
) -> PdfOutcome:
    """Print ``html_path`` to ``pdf_path``; a stale PDF of an earlier run is removed first."""
    pdf_path.unlink(missing_ok=True)
    if not chromium.is_file():
        return PdfOutcome(
            None,
            f"Chromium est introuvable ({chromium}) : le PDF n'a pas été produit, "
            "seul le rapport HTML est disponible.",
        )
    partial = pdf_path.with_name(pdf_path.name + ".part")
    partial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="marsad-pdf-") as profile:
        command = [
            str(chromium),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--no-first-run",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={partial}",
            html_path.resolve().as_uri(),
        ]
        env = {**os.environ, "HOME": profile}
        try:
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                start_new_session=True,
            )
        except OSError as exc:
            return PdfOutcome(
                None, f"Chromium n'a pas pu être lancé ({exc.strerror or exc}) : pas de PDF."
            )
        try:
            _, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(process)
            partial.unlink(missing_ok=True)
            return PdfOutcome(
                None,
                f"Chromium n'a pas terminé l'impression en {timeout:g} s : le PDF n'a pas été "
                "produit, seul le rapport HTML est disponible.",
            )
    produced = partial.is_file() and partial.read_bytes()[:4] == b"%PDF"
    if process.returncode != 0 or not produced:
        partial.unlink(missing_ok=True)
        detail = _last_line(err)
        return PdfOutcome(
            None,
            f"Chromium a échoué (code {process.returncode}) : le PDF n'a pas été produit, "
            "seul le rapport HTML est disponible." + (f" Détail : {detail}" if detail else ""),
        )
    partial.replace(pdf_path)
    return PdfOutcome(pdf_path, None)
