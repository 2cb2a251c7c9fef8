"""What every command shares: settings from the global options, a console, error handling."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from marsad.errors import MarsadError
from marsad.settings import Settings, get_settings


class EngineChoice(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


@dataclass
class State:
    home: Path | None = None
    debug: bool = False
    engine: str | None = None  # --engine, else the settings' (MARSAD_ENGINE)
    console: Console = field(default_factory=lambda: Console(stderr=False))
    err: Console = field(default_factory=lambda: Console(stderr=True))

    def settings(self) -> Settings:
        return get_settings(self.home, engine=self.engine)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):  # command invoked without the root callback (tests)
        obj = State()
        ctx.find_root().obj = obj
    return obj


@contextmanager
def user_errors(st: State) -> Iterator[None]:
    """Turn a MarsadError into one sentence and exit code 2 (a traceback only with --debug)."""
    try:
        yield
    except MarsadError as exc:
        if st.debug:
            raise
        st.err.print(f"[bold red]Erreur :[/] {exc}", highlight=False)
        for detail in exc.details:  # one line per field, as the HTTP faces give them
            field = detail.get("field") or "—"
            st.err.print(f"  {field} : {detail.get('message', '')}", highlight=False)
        raise typer.Exit(code=2) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if st.debug:
            raise
        st.err.print(
            f"[bold red]Erreur interne :[/] {type(exc).__name__}: {exc} "
            "(relancez avec --debug pour le détail)",
            highlight=False,
        )
        raise typer.Exit(code=3) from None


def print_json(payload: Any) -> None:
    """JSON on standard output, nothing else (scripts parse it)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


Command = Callable[..., Any]
