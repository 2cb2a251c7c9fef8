"""The synthetic economy reproduces the published figures (small scale, scaled counts)."""

from __future__ import annotations

from pathlib import Path

from marsad.synth import calibration_report, generate


def test_calibration_at_small_scale(tmp_path: Path) -> None:
    generate(out=tmp_path, scale=0.02, seed=2026, progress=False)
    checks = calibration_report(tmp_path / "truth")
    indicators = {c.indicator for c in checks}
    for wanted in (
        "active_legal_person_enterprises",
        "active_auto_entrepreneurs",
        "creations_legal_persons",
        "share_region_06_casablanca_settat",
        "share_sector_G_commerce",
        "share_legal_form_sarl_au",
        "share_turnover_0_1mdh",
        "share_turnover_under_10mdh",
    ):
        assert wanted in indicators
    failed = [c.to_dict() for c in checks if not c.ok]
    assert not failed, failed
