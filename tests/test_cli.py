"""The command line as users and CI see it: output formats, exit codes, config errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from promptlint.cli import cli
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("PROMPTLINT_UPDATE_GOLDEN") == "1"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} changed; rerun with PROMPTLINT_UPDATE_GOLDEN=1 if intended"


def test_text_output_is_golden(project):
    result = invoke("check", "requests", "--as-of", "2026-11-22")
    assert result.exit_code == 1
    golden("check.txt", result.stdout)
    assert result.stderr.startswith("Found 6 problems (4 errors, 2 warnings) in 5 files checked.")


def test_json_output_is_golden_and_has_ruff_fields(project):
    result = invoke("check", "requests", "--as-of", "2026-11-22", "--format", "json")
    assert result.exit_code == 1
    golden("check.json", result.stdout)
    findings = json.loads(result.stdout)
    for finding in findings:
        assert {"code", "name", "message", "severity", "filename", "location", "end_location", "fix", "url"} <= set(finding)
        assert finding["location"]["row"] >= 1 and finding["location"]["column"] >= 1
    assert result.stderr == ""  # machine formats keep stdout pure and add no summary


def test_output_is_sorted_by_path_line_column(project):
    rows = json.loads(invoke("check", "requests", "--format", "json").stdout)
    keys = [(r["filename"], r["location"]["row"], r["location"]["column"]) for r in rows]
    assert keys == sorted(keys)


def test_clean_file_exits_zero(project):
    result = invoke("check", "requests/clean.json")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "All checks passed" in result.stderr


def test_exit_zero_keeps_findings(project):
    result = invoke("check", "requests", "--exit-zero")
    assert result.exit_code == 0 and "PC301" in result.stdout


def test_select_and_ignore(project):
    only = invoke("check", "requests", "--select", "PC3", "--format", "json")
    assert {r["code"] for r in json.loads(only.stdout)} == {"PC301", "PC303"}
    by_name = invoke("check", "requests", "--select", "prefix-below-minimum", "--format", "json")
    assert {r["code"] for r in json.loads(by_name.stdout)} == {"PC301"}
    ignored = invoke("check", "requests", "--ignore", "PC,PL001", "--format", "json")
    assert json.loads(ignored.stdout) == [] and ignored.exit_code == 0


def test_select_on_the_command_line_is_the_base_the_config_s_adjustments_go(project):
    # Ruff's rule: `--select PC303` enforces PC303 whatever pyproject's ignore and extend-select say.
    (project / "pyproject.toml").write_text('[tool.promptlint]\nselect = ["PC2"]\nextend-select = ["PC1"]\nignore = ["PC303"]\n', encoding="utf-8")
    configured = invoke("check", "requests", "--format", "json")
    assert "PC303" not in {r["code"] for r in json.loads(configured.stdout)}
    selected = invoke("check", "requests", "--select", "PC303", "--format", "json")
    assert {r["code"] for r in json.loads(selected.stdout)} == {"PC303"}
    adjusted = invoke("check", "requests", "--select", "PC3", "--ignore", "PC303", "--format", "json")
    assert {r["code"] for r in json.loads(adjusted.stdout)} == {"PC301"}


def test_output_file_folders_are_made_and_an_unwritable_one_is_a_usage_error(project):
    made = invoke("check", "requests", "--format", "json", "-o", "reports/lint/out.json")
    assert made.exit_code == 1 and {r["code"] for r in json.loads((project / "reports/lint/out.json").read_text(encoding="utf-8"))}
    (project / "afile").write_text("x", encoding="utf-8")
    refused = invoke("check", "requests", "-o", "afile/out.json")
    assert refused.exit_code == 2 and "promptlint: error: cannot write afile/out.json" in refused.stderr
    assert "internal error" not in refused.stderr


def test_unknown_selector_is_a_usage_error(project):
    result = invoke("check", "requests", "--select", "PX9")
    assert result.exit_code == 2
    assert "unknown rule selector 'PX9'" in result.stderr


def test_missing_path_is_a_usage_error(project):
    result = invoke("check", "nope/")
    assert result.exit_code == 2 and "nope" in result.stderr


def test_bad_date_is_a_usage_error(project):
    assert invoke("check", "requests", "--as-of", "22/11/2026").exit_code == 2


def _config(project: Path, body: str) -> None:
    (project / "pyproject.toml").write_text(f"[project]\nname = 'app'\n\n[tool.promptlint]\n{body}\n", encoding="utf-8")


def test_config_per_file_ignores_and_severity(project):
    _config(
        project,
        'per-file-ignores = { "requests/batch.jsonl" = ["PC301"], "**/support.json" = ["volatile-value-in-prefix"] }\n'
        'severity = { PC303 = "error" }',
    )
    rows = json.loads(invoke("check", "requests", "--format", "json", "--as-of", "2026-11-22").stdout)
    assert ("batch.jsonl", "PC301") not in {(Path(r["filename"]).name, r["code"]) for r in rows}
    assert "PC101" not in {r["code"] for r in rows}
    assert {r["severity"] for r in rows if r["code"] == "PC303"} == {"error"}


def test_config_exclude_and_force_exclude(project):
    _config(project, 'exclude = ["requests/batch.jsonl"]')
    walked = {r["filename"] for r in json.loads(invoke("check", "requests", "--format", "json").stdout)}
    assert "requests/batch.jsonl" not in walked
    named = {r["filename"] for r in json.loads(invoke("check", "requests/batch.jsonl", "--format", "json").stdout)}
    assert named == {"requests/batch.jsonl"}  # a file named on the command line is checked…
    forced = invoke("check", "requests/batch.jsonl", "--force-exclude", "--format", "json")
    assert json.loads(forced.stdout) == []  # …unless --force-exclude, as pre-commit uses it


def test_config_default_model(project):
    body = {"model": "acme-router", "max_tokens": 10, "system": [{"type": "text", "text": "Hi", "cache_control": {"type": "ephemeral"}}], "messages": [{"role": "user", "content": "x"}]}
    (project / "requests" / "proxy.json").write_text(json.dumps(body), encoding="utf-8")
    _config(project, 'default-model = "claude-haiku-4-5"')
    rows = json.loads(invoke("check", "requests/proxy.json", "--format", "json").stdout)
    assert sorted(r["code"] for r in rows) == ["PC301", "PL003"]


@pytest.mark.parametrize(
    "body, message",
    [
        ('selct = ["PC"]', "'selct' is not a setting"),
        ('select = "PC101"', "select: 'PC101' is not of type 'array'"),
        ('select = ["PC999"]', "unknown rule selector 'PC999'"),
        ("safety-margin = 3", "safety-margin: 3 is greater than the maximum of 0.9"),
        ('severity = { PC101 = "fatal" }', "severity.PC101: 'fatal' is not one of"),
        ("select = [", "not valid TOML"),
        # A typo in a value must not quietly change what is reported.
        ('default-model = "claude-sonet-4-6"', "default-model 'claude-sonet-4-6' is not a model the registry knows (did you mean 'claude-sonnet-4-6'?)"),
        ('[[tool.promptlint.models]]\nid = "claude-sonnet-4-6"\nfamily = "v999"', "unknown family 'v999'"),
        ('[[tool.promptlint.models]]\nid = "claude-sonnet-4-6"\nprovider = "nope"', "unknown provider 'nope'"),
        ('[[tool.promptlint.models]]\nid = "claude-sonnet-4-6"\nmin_tokens = { bedrok = 1024 }', "'bedrok' is not one of"),
        ('[[tool.promptlint.models]]\nid = "claude-sonnet-4-6"\nprices = { inptu = 1.0 }', "'input' is a required property"),
    ],
)
def test_bad_config_is_one_line_and_exit_2(project, body, message):
    _config(project, body)
    result = invoke("check", "requests")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_output_format_is_ruff_s_name_for_format(project):
    assert invoke("check", "requests", "--output-format", "json").stdout == invoke("check", "requests", "--format", "json").stdout


def test_a_config_named_with_no_promptlint_table_is_an_error(project):
    (project / "other.toml").write_text("[tool.black]\nline-length = 99\n", encoding="utf-8")
    result = invoke("check", "requests", "--config", "other.toml")
    assert result.exit_code == 2 and "other.toml has no [tool.promptlint] table" in result.stderr


def test_a_date_time_in_the_config_is_read_as_its_day(project):
    _config(project, '[[tool.promptlint.models]]\nid = "claude-sonnet-4-5"\nretired = 2026-01-01T10:00:00')
    result = invoke("check", "requests", "--format", "json")
    assert result.exit_code == 1 and "internal error" not in result.stderr


def test_rule_command():
    page = invoke("rule", "PC301")
    assert page.exit_code == 0 and "prefix-below-minimum" in page.stdout and "## Why is this bad?" in page.stdout
    assert invoke("rule", "prefix-below-minimum").stdout == page.stdout
    listing = json.loads(invoke("rule", "--all", "--format", "json").stdout)
    assert {r["code"] for r in listing} >= {"PL001", "PL002", "PL003", "PC101", "PC201", "PC204", "PC205", "PC206", "PC301", "PC302", "PC303"}
    assert all(r["explanation"] for r in listing)
    assert invoke("rule", "PC999").exit_code == 2
    assert invoke("rule").exit_code == 2


def test_models_command():
    table = invoke("models", "--as-of", "2026-11-22")
    assert table.exit_code == 0
    line = next(l for l in table.stdout.splitlines() if l.startswith("claude-haiku-4-5 "))
    assert "default=4,096" in line
    data = json.loads(invoke("models", "--format", "json", "--as-of", "2026-12-01").stdout)
    sonnet45 = next(m for m in data["models"] if m["id"] == "claude-sonnet-4-5")
    assert sonnet45["state"] == "retired" and sonnet45["replacement"] == "claude-sonnet-5-5"


def test_real_process_exit_codes_and_streams(project):
    """The installed entry points, as a shell, pre-commit or CI calls them."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = lambda *a: subprocess.run([sys.executable, "-m", "promptlint", *a], capture_output=True, text=True, env=env, cwd=project)
    assert run("check", "requests/clean.json").returncode == 0
    found = run("check", "requests", "--as-of", "2026-11-22")
    assert found.returncode == 1 and "PC301" in found.stdout and "Found" in found.stderr
    assert run("check", "--select", "NOPE").returncode == 2
    assert "Traceback" not in found.stderr


def test_named_files_of_other_kinds_are_skipped(project):
    """pre-commit and shells pass whatever matched: a Markdown file is not an error."""
    (project / "notes.md").write_text("# notes\n", encoding="utf-8")
    result = invoke("check", "notes.md", "requests/clean.json")
    assert result.exit_code == 0 and "1 file checked" in result.stderr


def test_no_cache_and_clean_commands(project):
    assert invoke("check", "requests/clean.json").exit_code == 0
    assert (project / ".promptlint_cache" / "CACHEDIR.TAG").is_file()
    assert invoke("check", "requests/clean.json", "--no-cache").exit_code == 0
    result = invoke("clean")
    assert result.exit_code == 0 and "removed" in result.stderr
    assert not (project / ".promptlint_cache").exists()
    assert "no result cache" in invoke("clean").stderr


def test_quiet_keeps_warnings_and_silent_drops_them(project, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    quiet = invoke("check", "requests", "--tokens", "api", "-q")
    silent = invoke("check", "requests", "--tokens", "api", "-s")
    assert quiet.exit_code == silent.exit_code == 1
    assert quiet.stderr == "promptlint: note: --tokens api needs ANTHROPIC_API_KEY in the environment; offline estimates were used\n"
    assert silent.stdout == silent.stderr == ""


def test_exclude_options_replace_or_extend_the_configs(project):
    def files(*args: str) -> set[str]:
        return {f["filename"] for f in json.loads(invoke("check", "requests", "--format", "json", "--no-cache", *args).stdout)}

    everything = files()
    assert {"requests/support.json", "requests/batch.jsonl"} <= everything
    Path("pyproject.toml").write_text('[tool.promptlint]\nexclude = ["requests/support.json"]\n', encoding="utf-8")
    assert files() == everything - {"requests/support.json"}
    assert files("--extend-exclude", "batch.jsonl") == everything - {"requests/support.json", "requests/batch.jsonl"}
    # --exclude replaces the config's list: support.json is back, batch.jsonl goes.
    assert files("--exclude", "requests/batch.jsonl") == everything - {"requests/batch.jsonl"}
    assert files("--exclude", "requests/batch.jsonl,requests/support.json") == everything - {"requests/support.json", "requests/batch.jsonl"}
