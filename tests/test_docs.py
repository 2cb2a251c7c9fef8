"""The CLI reference in docs/ is the one the commands give."""

from __future__ import annotations

from pathlib import Path

from marsad.cli.reference import cli_reference

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_the_cli_reference_is_up_to_date() -> None:
    written = (DOCS / "cli.md").read_text("utf-8")
    assert written == cli_reference(), "docs/cli.md is out of date: run `make docs`"


def test_the_reference_names_every_command() -> None:
    text = cli_reference()
    for command in (
        "deliver",
        "ingest",
        "register build",
        "release",
        "serve",
        "report",
        "token create",
    ):
        assert f"`marsad {command}`" in text
