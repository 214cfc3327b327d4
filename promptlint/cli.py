"""The command line: check, rule, models."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Sequence

import click

from . import __version__, checks, docs, registry as registry_module
from .config import ConfigError, Settings, check_selectors, find_config, load
from .engine import Engine, PathError
from .diagnostic import Diagnostic
from .report import REPORTERS, text
from .tokens.select import MODES

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> None:
    click.echo(f"promptlint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _selectors(value: str | None) -> list[str]:
    return [s.strip() for s in value.split(",") if s.strip()] if value else []


def _settings(config: Path | None, cwd: Path) -> Settings:
    rules = checks.all_rules()
    names = {code: r.name for code, r in rules.items()}
    try:
        return load(config or find_config(cwd), rules, names)
    except ConfigError as exc:
        _fail(str(exc))
        raise  # unreachable


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="promptlint")
def cli() -> None:
    """Find what silently defeats LLM prompt caching, before it reaches the bill."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS)), help="Output format (default: full on a terminal, concise otherwise).")
@click.option("--select", help="Comma-separated rule codes, prefixes (PC3) or names to enable (replaces the config's).")
@click.option("--extend-select", help="Rules to enable in addition to the selection.")
@click.option("--ignore", help="Rules to disable.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date the lifecycle rules judge by (default: today).")
@click.option("--default-model", help="Model whose minimum applies when a request's model is unknown.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="A pyproject.toml to read [tool.promptlint] from.")
@click.option("--tokens", "token_mode", type=click.Choice(MODES), default="offline", show_default=True, help="How to count prefixes near a minimum: offline estimates, or exact counts through count_tokens (sends those prefixes to the API; needs ANTHROPIC_API_KEY).")
@click.option("--force-exclude", is_flag=True, help="Apply exclude patterns to files named on the command line too (for pre-commit).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (errors of promptlint itself still exit 2).")
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to a file instead of stdout.")
def check(
    paths: Sequence[Path],
    output_format: str | None,
    select: str | None,
    extend_select: str | None,
    ignore: str | None,
    as_of: dt.datetime | None,
    default_model: str | None,
    config_path: Path | None,
    token_mode: str,
    force_exclude: bool,
    exit_zero: bool,
    output_file: Path | None,
) -> None:
    """Check request files and folders (default: the current folder)."""
    settings = _settings(config_path, Path.cwd())
    rules = checks.all_rules()
    names = {code: r.name for code, r in rules.items()}
    for option, value in (("--select", select), ("--extend-select", extend_select), ("--ignore", ignore)):
        try:
            check_selectors(_selectors(value), rules, names, option)
        except ConfigError as exc:
            _fail(str(exc))
    if select:
        settings.select = _selectors(select)
    settings.extend_select += _selectors(extend_select)
    settings.ignore += _selectors(ignore)
    if as_of:
        settings.as_of = as_of.date()
    if default_model:
        settings.default_model = default_model
    settings.force_exclude = settings.force_exclude or force_exclude
    settings.tokens = token_mode

    try:
        engine = Engine(settings)
        result = engine.check_paths(list(paths) or [Path(".")])
    except (PathError, registry_module.RegistryError) as exc:
        _fail(str(exc))
        return

    if output_format is None:
        output_format = "full" if output_file is None and sys.stdout.isatty() else "concise"
    out = output_file.open("w", encoding="utf-8") if output_file else sys.stdout
    try:
        REPORTERS[output_format](result.diagnostics, out)
    finally:
        if output_file:
            out.close()
    for failure in result.failures:
        click.echo(f"promptlint: internal error while checking {failure.path}: {failure.message} (please report this)", err=True)
    _notices(engine)
    if output_format in ("text", "concise", "full"):
        click.echo(text.summary(result.diagnostics, result.files, len(result.failures)), err=True)
    if result.failures:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if result.diagnostics and not exit_zero else EXIT_CLEAN)


def _notices(engine: Engine) -> None:
    for notice in sorted(engine.context.notices):
        click.echo(f"promptlint: note: {notice}", err=True)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--tokens", "token_mode", type=click.Choice(MODES), default="offline", show_default=True, help="offline estimates, or exact counts through count_tokens for every prefix (sends them to the API).")
@click.option("--default-model", help="Model whose minimum applies when a request's model is unknown.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def tokens(paths: Sequence[Path], output_format: str, token_mode: str, default_model: str | None, config_path: Path | None) -> None:
    """Count each request's prefix at each breakpoint against the model's minimum."""
    settings = _settings(config_path, Path.cwd())
    settings.tokens = token_mode
    if default_model:
        settings.default_model = default_model
    try:
        engine = Engine(settings)
        items = list(engine.analyses(list(paths) or [Path(".")]))
    except (PathError, registry_module.RegistryError) as exc:
        _fail(str(exc))
        return
    rows = []
    for item in items:
        if isinstance(item, Diagnostic):
            click.echo(text.line(item), err=True)
            continue
        rows.append(_token_row(item, exact=token_mode == "api"))
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        for row in rows:
            click.echo(f"{row['path']}:{row['line']}  {row['model'] or 'unknown model'} on {row['platform']}, minimum {_number(row['minimum'])}")
            for p in row["prefixes"]:
                where = f"breakpoint {p['breakpoint']}" if p["breakpoint"] else "whole prompt (no breakpoint)"
                band = f"{p['low']:,}–{_number(p['high'])}" if p["low"] != p["high"] else f"{p['low']:,}"
                click.echo(f"  {where:<28} {band:>15} (~{p['point']:,})  {p['method']:<18} {p['verdict']}")
    _notices(engine)


def _number(value: int | None) -> str:
    return f"{value:,}" if value is not None else "unknown"


def _token_row(a, exact: bool) -> dict:
    blocks = a.request.blocks
    ends = [(m.number, m.index, m.automatic) for m in a.marked] or ([(None, len(blocks) - 1, False)] if blocks else [])
    prefixes = []
    minimum = None
    for number, end, automatic in ends:
        estimate, minimum, verdict = a.judge_prefix(end, exact=exact)
        prefixes.append(
            {
                "breakpoint": number,
                "automatic": automatic,
                "low": estimate.low,
                "point": estimate.point,
                "high": estimate.high if estimate.bounded else None,
                "method": estimate.method,
                "verdict": verdict.value,
            }
        )
    return {
        "path": a.request.span.path,
        "line": a.request.span.line,
        "model": a.sizing_model.id if a.sizing_model else a.request.model,
        "platform": a.platform,
        "minimum": minimum if prefixes else a.minimum(),
        "prefixes": prefixes,
    }


@cli.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rule(code: str | None, show_all: bool, output_format: str) -> None:
    """Show a rule's page, or list every rule with --all."""
    rules = checks.all_rules()
    if show_all == bool(code):
        raise click.UsageError("give a rule code, or --all")
    chosen = list(rules.values()) if show_all else [r for r in rules.values() if code and code.upper() in (r.code, r.name.upper())]
    if not chosen:
        _fail(f"unknown rule {code!r} (see `promptlint rule --all`)")
    if output_format == "json":
        payload = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "summary": r.summary,
                "frontends": r.frontends,
                "url": r.url,
                "explanation": docs.page(r.code, r.name),
            }
            for r in chosen
        ]
        click.echo(json.dumps(payload if show_all else payload[0], indent=2, ensure_ascii=False))
    elif show_all:
        for r in chosen:
            click.echo(f"{r.code}  {r.name:<32} {r.severity.value:<8} {r.summary}")
    else:
        r = chosen[0]
        click.echo(docs.page(r.code, r.name) or f"{r.code} ({r.name}): {r.summary}")


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date for the lifecycle column (default: today).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def models(output_format: str, as_of: dt.datetime | None, config_path: Path | None) -> None:
    """Print the model registry: minimums, prices, lifecycle."""
    settings = _settings(config_path, Path.cwd())
    try:
        reg = registry_module.load(settings.models)
    except registry_module.RegistryError as exc:
        _fail(str(exc))
        return
    day = as_of.date() if as_of else settings.as_of
    rows = []
    for m in reg.models:
        state, since = m.lifecycle(day)
        rows.append(
            {
                "id": m.id,
                "provider": m.provider,
                "family": m.family,
                "aliases": list(m.aliases),
                "min_tokens": dict(m.min_tokens),
                "prices": dict(m.prices.__dict__) if m.prices else None,
                "state": state,
                "since": since.isoformat() if since else None,
                "deprecated": m.deprecated.isoformat() if m.deprecated else None,
                "retired": m.retired.isoformat() if m.retired else None,
                "replacement": m.replacement,
                "sources": dict(m.sources),
            }
        )
    if output_format == "json":
        click.echo(json.dumps({"updated": reg.updated.isoformat(), "as_of": day.isoformat(), "models": rows}, indent=2))
        return
    click.echo(f"model registry updated {reg.updated}; lifecycle as of {day}")
    header = f"{'model':<30} {'provider':<9} {'minimum':<22} {'input':>6} {'5m wr':>6} {'1h wr':>6} {'read':>6}  state"
    click.echo(header)
    for row in rows:
        minimum = ", ".join(f"{k}={v:,}" for k, v in row["min_tokens"].items()) or "unknown"
        p = row["prices"] or {}
        price = " ".join(f"{p[k]:>6g}" if k in p else f"{'-':>6}" for k in ("input", "write_5m", "write_1h", "read"))
        state = row["state"] + (f" {row['since']}" if row["since"] else "")
        click.echo(f"{row['id']:<30} {row['provider']:<9} {minimum:<22} {price}  {state}")


def main(argv: Sequence[str] | None = None) -> None:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="promptlint")
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - an internal error is exit 2 with one line, not a traceback
        click.echo(f"promptlint: internal error: {type(exc).__name__}: {exc} (please report this)", err=True)
        sys.exit(EXIT_ERROR)
