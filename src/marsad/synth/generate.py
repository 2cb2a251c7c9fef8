"""``generate``: simulate the economy, write every partner's deliveries and the truth."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from marsad.errors import InvalidInput
from marsad.synth.config import DEFAULT_RATES, MessRates
from marsad.synth.datasets import DATASETS, Context
from marsad.synth.economy import build_economy
from marsad.synth.effects import plant_effects, write_effects
from marsad.synth.formalisation import write_successions
from marsad.synth.geography import place_tables
from marsad.synth.partners import plant_partners
from marsad.synth.programmes import select_beneficiaries
from marsad.synth.rng import stream
from marsad.synth.summary import SynthSummary
from marsad.synth.truth import write_beneficiaries, write_enterprises, write_panel
from marsad.synth.writers import DeliveryWriter


class _Steps:
    """Rich progress over the steps of a run (silent when ``progress`` is false)."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self._progress = progress
        self._task = progress.add_task("synth", total=total) if progress is not None else None
        self._files = progress.add_task("fichiers écrits", total=None) if progress else None

    def step(self, label: str) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=label)

    def advance(self) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)

    def file_written(self, relative: str, rows: int) -> None:
        if self._progress is not None and self._files is not None:
            name = relative.removeprefix("deliveries/")
            self._progress.update(self._files, advance=1, description=f"{name} ({rows:,} lignes)")


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[_Steps]:
    if not enabled:
        yield _Steps(None, total)
        return
    bar = Progress(
        TextColumn("{task.description:<36}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with bar:
        yield _Steps(bar, total)


def generate(
    out: Path,
    scale: float,
    seed: int,
    progress: bool = True,
    *,
    rates: MessRates | None = None,
) -> SynthSummary:
    """Simulate enterprises 2016-2025 at ``scale`` and write ``out/deliveries`` and ``out/truth``.

    The same ``seed`` and ``scale`` give byte-identical files. Existing ``deliveries`` and
    ``truth`` folders under ``out`` are replaced.
    """
    if not 0 < scale <= 5:
        raise InvalidInput(f"l'échelle doit être comprise entre 0 et 5 (reçu {scale})")
    started = time.perf_counter()
    out = Path(out)
    for folder in ("deliveries", "truth"):
        if (out / folder).exists():
            shutil.rmtree(out / folder)
    truth = out / "truth"
    truth.mkdir(parents=True, exist_ok=True)
    with _progress(progress, 4 + len(DATASETS)) as steps:
        steps.step("simulation de l'économie")
        economy = build_economy(seed, scale, rates or DEFAULT_RATES)
        steps.advance()
        steps.step("bénéficiaires des programmes")
        found = select_beneficiaries(
            stream(seed, "programmes"), economy.firms, scale, place_tables().region_codes
        )
        plant_effects(economy.firms, found)
        steps.advance()
        writer = DeliveryWriter(out, on_file=steps.file_written)
        ctx = Context(economy=economy, writer=writer, beneficiaries=found)
        try:
            for partner, dataset, write, done in DATASETS:
                steps.step(f"livraisons {partner}.{dataset}")
                write(ctx)
                for source in done:
                    ctx.forget(source)
                steps.advance()
        finally:
            writer.close()
        steps.step("vérité : entreprises")
        truth_rows = {"enterprises": write_enterprises(economy, truth)}
        truth_rows["beneficiaries"] = write_beneficiaries(economy, found, truth)
        truth_rows["effects"] = write_effects(economy.firms, found, truth)
        truth_rows["successions"] = write_successions(
            economy.firms, economy.ae, economy.successions, truth
        )
        steps.advance()
        steps.step("vérité : panel")
        truth_rows["panel"] = write_panel(economy, truth)
        truth_rows.update(plant_partners(truth, seed, scale))
        truth_rows["rows"] = sum(writer.rows_by_dataset.values())
        steps.advance()
    return SynthSummary(
        scale=scale,
        seed=seed,
        enterprises=economy.counts(),
        rows=dict(writer.rows_by_dataset),
        files=list(writer.files),
        truth_rows=truth_rows,
        seconds=time.perf_counter() - started,
    )
