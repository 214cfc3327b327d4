"""`promptlint simulate FILE...`: the cache simulator on the command line."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Sequence

import click

from ..request import RequestSet
from . import html as html_page
from . import report
from .simulate import simulate

_READABLE = (".json", ".jsonl")


@click.command("simulate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@click.option("-o", "--output", "output_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file instead of stdout.")
@click.option("--default-model", help="Model whose minimum and prices apply when a request's model is unknown.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="A pyproject.toml to read [tool.promptlint] from.")
def simulate_command(files: Sequence[Path], output_format: str, output_path: Path | None, default_model: str | None, config_path: Path | None) -> None:
    """Simulate the provider's cache over a batch file or a request log: hits, tokens, cost."""
    from ..cli import EXIT_ERROR, _fail, _settings  # the CLI's own helpers (imported late: cli imports this module)
    from ..engine import Engine, display_path
    from ..registry import RegistryError
    from ..report import text

    settings = _settings(config_path, Path.cwd())
    if default_model:
        settings.default_model = default_model
    try:
        engine = Engine(settings)
    except RegistryError as exc:
        _fail(str(exc))
        return
    simulations = []
    failed = False
    for path in files:
        shown = display_path(path)
        if path.suffix not in _READABLE:
            click.echo(f"promptlint: error: {shown}: simulate reads .json and .jsonl request files", err=True)
            failed = True
            continue
        parsed = engine.parse(path, shown)
        for error in parsed.errors:
            click.echo(text.line(engine._parse_error(error)), err=True)
        sets = parsed.sets or ([RequestSet("bodies", shown, list(parsed.requests))] if parsed.requests else [])
        if not sets:
            click.echo(f"promptlint: note: {shown}: no requests found", err=True)
        for members in sets:
            simulations.append(simulate(members, engine.context))
    if output_path is None and output_format == "text":
        report.write_text(simulations, sys.stdout)
    else:
        if output_format == "json":
            rendered = json.dumps(report.document(simulations), indent=2, ensure_ascii=False) + "\n"
        elif output_format == "html":
            rendered = html_page.render(report.document(simulations))
        else:
            buffer = io.StringIO()
            report.write_text(simulations, buffer)
            rendered = buffer.getvalue()
        if output_path is None:
            click.echo(rendered, nl=False)
        else:
            try:
                output_path.write_text(rendered, encoding="utf-8")
            except OSError as exc:
                _fail(f"cannot write {output_path}: {exc.strerror or exc}")
    for notice in sorted(engine.context.notices):
        click.echo(f"promptlint: note: {notice}", err=True)
    if failed:
        sys.exit(EXIT_ERROR)
