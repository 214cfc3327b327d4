"""`promptlint simulate FILE...`: the cache simulator on the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

import click

from ..request import RequestSet
from . import html as html_page
from . import report
from .code import DEFAULT_ITERATIONS, batches, repeated_calls, simulate_calls
from .simulate import simulate
from .stream import KEPT_REQUESTS, simulate_jsonl

_READABLE = (".json", ".jsonl", ".py")
# The groups each format lists (and so the ones worth advising): None is every group.
_ADVISED = {"text": report.TEXT_GROUPS, "html": html_page.PAGE_GROUPS, "json": None}


@click.command("simulate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, readable=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@click.option(
    "-o",
    "--output-file",
    "--output",  # the name this option had first
    "output_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of stdout (as `check --output-file` does).",
)
@click.option(
    "--iterations",
    type=click.IntRange(min=1, max=100_000),
    default=DEFAULT_ITERATIONS,
    show_default=True,
    help="Python: how many calls a call site in a loop or fan-out is assumed to make.",
)
@click.option("--default-model", help="Model whose minimum and prices apply when a request's model is unknown.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="A promptlint.toml, or a pyproject.toml to read [tool.promptlint] from.")
def simulate_command(
    files: Sequence[Path], output_format: str, output_path: Path | None, iterations: int, default_model: str | None, config_path: Path | None
) -> None:
    """Simulate the provider's cache over a batch file, a request log, or the calls Python code repeats: hits, tokens, cost."""
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
            click.echo(f"promptlint: error: {shown}: simulate reads .json and .jsonl request files and .py code", err=True)
            failed = True
            continue
        try:
            if path.suffix == ".jsonl":  # read as it is simulated: a log of any size
                result, errors, error_count = simulate_jsonl(path, shown, engine.context, advised=_ADVISED[output_format])
                found = [result] if result is not None else []
            elif path.suffix == ".py":  # Batch API requests built in code, and the calls a loop or fan-out repeats
                parsed = engine.parse(path, shown)
                errors, error_count = parsed.errors, len(parsed.errors)
                found = [_assumed(simulate(members, engine.context), said) for members, said in batches(parsed, iterations)]
                found += [simulate_calls(members, engine.context, keep=KEPT_REQUESTS) for members in repeated_calls(parsed, shown, iterations)]
            else:
                parsed = engine.parse(path, shown)
                errors, error_count = parsed.errors, len(parsed.errors)
                found = [simulate(RequestSet("bodies", shown, list(parsed.requests)), engine.context)] if parsed.requests else []
        except PermissionError as exc:  # as check says it, and the other files are still simulated
            click.echo(f"promptlint: could not read {shown}: {exc.strerror or exc}", err=True)
            failed = True
            continue
        for error in errors:
            click.echo(text.line(engine._parse_error(error)), err=True)
        if error_count > len(errors):
            click.echo(f"promptlint: note: {shown}: {error_count - len(errors):,} more lines do not parse", err=True)
        if not found:
            nothing = "no Batch API request or call repeated in a loop or fan-out found" if path.suffix == ".py" else "no requests found"
            click.echo(f"promptlint: note: {shown}: {nothing}", err=True)
        simulations.extend(found)
    write = {"text": report.write_text, "json": report.write_json, "html": _write_html}[output_format]
    if output_path is None:
        write(simulations, sys.stdout)
    else:
        try:
            with output_path.open("w", encoding="utf-8") as out:
                write(simulations, out)
        except OSError as exc:
            _fail(f"cannot write {output_path}: {exc.strerror or exc}")
    for notice in sorted(engine.context.notices):
        click.echo(f"promptlint: note: {notice}", err=True)
    if failed:
        sys.exit(EXIT_ERROR)


def _write_html(simulations, out) -> None:
    # The page lists the costliest groups; its document is built whole, so only those.
    out.write(html_page.render(report.document(simulations, max_groups=html_page.PAGE_GROUPS)))


def _assumed(simulation, said: str | None):
    """``simulation`` with what was assumed of its set's size, when something was."""
    if said:
        simulation.assumption = f"{said}; {simulation.assumption}" if simulation.assumption else said
    return simulation
