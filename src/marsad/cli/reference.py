"""The CLI reference in Markdown, generated from the commands themselves.

``python -m marsad.cli.reference > docs/cli.md`` (or ``make docs``) writes it; a test fails
when ``docs/cli.md`` differs from what the commands say, so the reference cannot drift.
"""

from __future__ import annotations

from typing import Any

import typer

from marsad.cli.app import app


def _kind(param: Any) -> str:
    annotation = param.type_descriptor.annotation
    text = getattr(annotation, "__name__", None) or str(annotation)
    return text.replace(" | None", "").replace("typing.", "").lower()


def _option(param: Any) -> str:
    if param.param_type_name == "argument":
        name = f"`{str(param.name).upper()}`"
        kind = f"argument ({_kind(param)})" + (", required" if param.required else "")
    else:
        names = [*param.opts, *param.secondary_opts]
        name = ", ".join(f"`{n}`" for n in names)
        kind = "flag" if param.is_flag else _kind(param)
        if param.required:
            kind += ", required"
        elif param.default not in (None, False, "", ()) and not callable(param.default):
            kind += f", default `{param.default}`"
    help_text = " ".join((getattr(param, "help", None) or "").split()).replace("|", "\\|")
    return f"| {name} | {kind} | {help_text} |"


def _command(path: list[str], command: Any, out: list[str]) -> None:
    if getattr(command, "hidden", False):
        return
    level = "#" * min(len(path) + 1, 4)
    out.append(f"{level} `{' '.join(path)}`\n")
    text = (command.help or "").strip()
    if text:
        out.append(text.split("\n\n")[0].replace("\n", " ") + "\n")
    params = [p for p in command.params if p.name != "help" and not getattr(p, "hidden", False)]
    if params:
        out.append("| option | kind | meaning |\n|---|---|---|")
        out.extend(_option(p) for p in params)
        out.append("")
    if hasattr(command, "list_commands"):
        context = command.make_context(path[-1], [], resilient_parsing=True)
        for name in command.list_commands(context):
            child = command.get_command(context, name)
            if child is not None:
                _command([*path, name], child, out)


def cli_reference() -> str:
    root = typer.main.get_command(app)
    out = [
        "# Command reference\n",
        "Generated from the commands by `make docs`; do not edit by hand. Every command "
        "takes the global options of `marsad` before its name (`marsad --home DIR ...`).\n",
    ]
    _command(["marsad"], root, out)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(cli_reference(), end="")
