"""The Python API runs the CLI's front-end and rules; action.yml wires the CLI into GitHub."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import promptlint
from promptlint import CheckFailed, ConfigError, Diagnostic, Severity, check_paths, check_request, check_requests
from promptlint.cli import cli
from tests.conftest import AS_OF, LONG_PROSE, ROOT, anthropic, text_block

DATED = anthropic([text_block(f"Current date: 2026-11-22 14:03:11\n\n{LONG_PROSE}")])


def summary(diagnostics: list[Diagnostic]) -> list[tuple]:
    return [(d.code, d.severity, d.message, d.span.json_path) for d in diagnostics]


def test_exports() -> None:
    for name in ("check_request", "check_requests", "check_paths", "Diagnostic", "Severity", "ConfigError", "CheckFailed"):
        assert name in promptlint.__all__ and hasattr(promptlint, name)
    assert promptlint.__version__


@pytest.mark.parametrize(
    "body",
    [
        DATED,
        anthropic([text_block("short", ttl="5m"), text_block("later", ttl="1h")]),
        anthropic(LONG_PROSE, model="claude-3-haiku-20240307"),
        {"model": "gpt-4o", "messages": [{"role": "system", "content": LONG_PROSE * 2}, {"role": "user", "content": "hi"}]},
        {"modelId": "anthropic.claude-sonnet-4-6", "system": [{"text": "hi"}, {"cachePoint": {"type": "default"}}], "messages": []},
        {"model": "claude-sonnet-4-6", "messages": "not a list"},
    ],
)
def test_check_request_is_the_file_check(body: dict, lint) -> None:
    """In memory or in a file, the same diagnostics (the file path aside)."""
    in_memory = check_request(body, as_of=AS_OF)
    assert summary(in_memory) == summary(lint(body))
    assert all(d.span.path == "<request>" for d in in_memory)


def test_check_request_finds_a_volatile_date() -> None:
    (d,) = check_request(DATED, as_of=AS_OF)
    assert (d.code, d.name, d.severity) == ("PC101", "volatile-value-in-prefix", Severity.WARNING)
    assert d.span.path == "<request>" and d.span.pointer == "/system/0/text"
    assert isinstance(d, Diagnostic)


def test_check_request_options() -> None:
    assert check_request(DATED, as_of=AS_OF, ignore=["PC101"]) == []
    assert check_request(DATED, as_of=AS_OF, select=["PC3"]) == []
    assert [d.code for d in check_request(DATED, as_of=AS_OF, select="PC1,PC3")] == ["PC101"]
    assert [d.code for d in check_request(DATED, as_of=AS_OF, ignore=["volatile-value-in-prefix"])] == []
    old = anthropic(model="claude-3-haiku-20240307")
    assert [d.code for d in check_request(old, as_of=dt.date(2026, 1, 1))] == []
    assert [(d.code, d.severity) for d in check_request(old, as_of=dt.date(2026, 3, 1))] == [("PC303", Severity.WARNING)]
    assert [(d.code, d.severity) for d in check_request(old, as_of=dt.datetime(2026, 5, 1, 12))] == [("PC303", Severity.ERROR)]
    with pytest.raises(ConfigError, match="unknown rule selector 'PC9'"):
        check_request(DATED, select=["PC9"])
    with pytest.raises(ConfigError, match="unknown rule selector 'nope'"):
        check_request(DATED, ignore=["nope"])


def test_model_override_for_bodies_whose_model_is_in_the_url() -> None:
    bedrock = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}
    assert [d.code for d in check_request(bedrock, as_of=AS_OF)] == ["PL003"]
    assert check_request(bedrock, model="global.anthropic.claude-sonnet-4-6", as_of=AS_OF) == []
    assert "model" not in bedrock  # the caller's dict is not changed
    (d,) = check_request(bedrock, model="acme-proxy", as_of=AS_OF)
    assert d.code == "PL003" and d.span.pointer == "/model" and "'acme-proxy'" in d.message
    # The override replaces a model the body names, and reaches into a Batch entry or a log record.
    assert check_request(anthropic(model="claude-3-haiku-20240307"), model="claude-sonnet-4-6", as_of=AS_OF) == []
    entry = {"custom_id": "a", "params": anthropic()}
    (d,) = check_request(entry, model="claude-3-haiku-20240307", as_of=AS_OF)
    assert d.span.pointer == "/params/model"
    record = {"timestamp": "2026-11-22T10:00:00Z", "request": anthropic()}
    assert check_request(record, model="claude-3-haiku-20240307", as_of=AS_OF)[0].span.pointer == "/request/model"
    converse = {"modelId": "anthropic.claude-sonnet-4-6", "messages": [{"role": "user", "content": [{"text": "hi"}]}]}
    assert [(d.code, d.span.pointer) for d in check_request(converse, model="acme-proxy", as_of=AS_OF)] == [("PL003", "/modelId")]


def test_default_model() -> None:
    body = anthropic([text_block("short")], model="acme-proxy")
    assert [d.code for d in check_request(body, as_of=AS_OF)] == ["PL003", "PC302"]
    assert [d.code for d in check_request(body, as_of=AS_OF, default_model="claude-sonnet-4-6")] == ["PL003", "PC301"]


def test_check_request_refuses_what_is_not_a_request() -> None:
    with pytest.raises(ValueError, match="not a request promptlint recognises.*keys: dependencies, name"):
        check_request({"name": "x", "dependencies": {}})
    with pytest.raises(TypeError, match="JSON-serialisable"):
        check_request(anthropic(system=object()))
    with pytest.raises(TypeError, match="must be a dict"):
        check_request([anthropic()])  # type: ignore[arg-type]


def test_check_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.promptlint]\nseverity = { PC101 = "error" }\n[[tool.promptlint.models]]\nid = "acme-proxy"\nfamily = "v3"\nmin_tokens = { default = 1024 }\n'
    )
    body = dict(DATED, model="acme-proxy")
    assert [(d.code, d.severity) for d in check_request(body, as_of=AS_OF, config=tmp_path / "pyproject.toml")] == [
        ("PC101", Severity.ERROR)
    ]
    # No config is looked for: a request has no place in a tree.
    assert [d.code for d in check_request(body, as_of=AS_OF)] == ["PL003", "PC101", "PC302"]
    with pytest.raises(ConfigError, match="no such config file"):
        check_request(body, config=tmp_path / "missing.toml")


def test_check_requests_reports_a_repeated_finding_once() -> None:
    other = anthropic([text_block(f"Current date: 2026-11-23 09:00:00\n\n{LONG_PROSE}")])
    found = check_requests([DATED, anthropic(), DATED, {"custom_id": "x", "params": DATED}], as_of=AS_OF)
    (d,) = found
    assert (d.code, d.span.path, d.span.line) == ("PC101", "<requests>", 1)
    assert d.data["repeated_on_lines"] == [3, 4]
    assert [(d.code, d.span.line) for d in check_requests([anthropic(), other], as_of=AS_OF)] == [("PC101", 2)]
    assert check_requests([], as_of=AS_OF) == []
    with pytest.raises(ValueError, match="^request 2: not a request"):
        check_requests([DATED, {"name": "x"}])


def test_check_paths_is_promptlint_check(monkeypatch: pytest.MonkeyPatch) -> None:
    examples = ROOT / "examples"
    monkeypatch.chdir(examples)
    found = check_paths(["."], as_of=AS_OF, cache=False)
    result = CliRunner().invoke(cli, ["check", ".", "--format", "json", "--no-cache", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 1
    shown = json.loads(result.output)
    assert [(d.code, d.span.path, d.span.line, d.span.column, d.message) for d in found] == [
        (d["code"], d["filename"], d["location"]["row"], d["location"]["column"], d["message"]) for d in shown
    ]
    assert check_paths(as_of=AS_OF, cache=False) == found  # no paths: the current folder
    assert [d.code for d in check_paths([Path("agents")], as_of=AS_OF, select=["PC204"], cache=False)] == ["PC204"]
    assert not (examples / ".promptlint_cache").exists()


def test_check_paths_result_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "clean.json").write_text(json.dumps(anthropic()))
    (tmp_path / "dated.json").write_text(json.dumps(DATED))
    monkeypatch.chdir(tmp_path)
    assert [d.span.path for d in check_paths(as_of=AS_OF)] == ["dated.json"]
    assert (tmp_path / ".promptlint_cache").is_dir()  # as the command line does
    assert [d.span.path for d in check_paths(as_of=AS_OF)] == ["dated.json"]


def test_check_paths_discovers_config_like_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    (project / "prompts").mkdir(parents=True)
    (project / "prompts" / "dated.json").write_text(json.dumps(DATED, indent=2))
    (project / "pyproject.toml").write_text('[tool.promptlint]\nignore = ["PC101"]\n')
    monkeypatch.chdir(project / "prompts")
    assert check_paths(["."], as_of=AS_OF) == []
    other = tmp_path / "other.toml"
    other.write_text('[tool.promptlint]\nselect = ["ALL"]\n')
    assert [d.code for d in check_paths(["."], as_of=AS_OF, config=other)] == ["PC101"]
    bad = tmp_path / "bad.toml"
    bad.write_text('[tool.promptlint]\nselcet = ["ALL"]\n')
    with pytest.raises(ConfigError, match="selcet"):
        check_paths(["."], config=bad)
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        check_paths(["missing/"])


def test_check_paths_raises_on_internal_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from promptlint.engine import Engine

    (tmp_path / "a.json").write_text(json.dumps(DATED))
    monkeypatch.chdir(tmp_path)

    def broken(self, path, shown, as_path=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(Engine, "check_file", broken)
    with pytest.raises(CheckFailed, match="1 file could not be checked: a.json: RuntimeError: boom") as raised:
        check_paths(["."])
    assert raised.value.failures[0].path == "a.json"


# -- action.yml ---------------------------------------------------------------------

yaml = pytest.importorskip("yaml")
ACTION = ROOT / "action.yml"


def _action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def test_action_inputs_and_steps() -> None:
    action = _action()
    inputs = action["inputs"]
    assert {name: spec.get("default") for name, spec in inputs.items()} == {
        "paths": ".",
        "args": "",
        "python-version": "3.11",
        "upload-sarif": "true",
        "fail-on-findings": "true",
    }
    assert all(spec.get("description") for spec in inputs.values())
    runs = action["runs"]
    assert runs["using"] == "composite"
    steps = runs["steps"]
    setup = steps[0]
    assert setup["uses"] == "actions/setup-python@v5"
    assert setup["with"]["python-version"] == "${{ inputs.python-version }}"
    scripts = [s for s in steps if "run" in s]
    assert all(s.get("shell") == "bash" for s in scripts)
    assert 'pip install --disable-pip-version-check --quiet "${{ github.action_path }}"' in scripts[0]["run"]
    checks = [s for s in scripts if "promptlint check" in s["run"]]
    assert len(checks) == 2
    annotate, sarif = checks
    assert "--format github" in annotate["run"] and "--exit-zero" not in annotate["run"]
    assert re.search(r"--format sarif -o \S+ --exit-zero", sarif["run"])
    for step in checks:
        # Inputs reach the script through the environment, never expanded into it.
        assert "${{ inputs." not in step["run"]
        assert step["env"]["PROMPTLINT_PATHS"] == "${{ inputs.paths }}"
        assert step["env"]["PROMPTLINT_ARGS"] == "${{ inputs.args }}"
    (upload,) = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif")]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["if"] == "inputs.upload-sarif == 'true'"
    assert upload["with"]["sarif_file"] == "${{ steps.sarif.outputs.sarif-file }}"
    assert steps.index(upload) > steps.index(sarif)
    fail = steps[-1]
    assert "inputs.fail-on-findings != 'false'" in fail["if"] and "exit 1" in fail["run"]
    assert "steps.annotate.outputs.exit-code == '1'" in fail["if"]


def _run_step(step: dict, workspace: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """A run step as the runner runs it: ``${{ }}`` in env filled in, bash with -e and pipefail."""
    filled = {}
    for key, value in step.get("env", {}).items():
        filled[key] = re.sub(r"\$\{\{\s*([^}]+?)\s*\}\}", lambda m: env["${{ %s }}" % m.group(1)], str(value))
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=workspace, env={**os.environ, **env["os"], **filled}, capture_output=True, text=True,
    )


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("paths, args, code", [("agents", "", "1"), ("agents", "--ignore PC2", "0"), ("agents nowhere", "", "2")])
def test_action_check_steps_run(tmp_path: Path, paths: str, args: str, code: str) -> None:
    """The two check steps' scripts, run with bash on a copy of the examples."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "promptlint"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m promptlint "$@"\n')
    shim.chmod(0o755)
    output = tmp_path / "github_output"
    output.touch()
    workspace = tmp_path / "workspace"
    shutil.copytree(ROOT / "examples" / "agents", workspace / "agents")
    env = {
        "os": {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT), "GITHUB_OUTPUT": str(output)},
        "${{ inputs.paths }}": paths,
        "${{ inputs.args }}": args,
        "${{ runner.temp }}": str(tmp_path),
    }
    steps = {s.get("id"): s for s in _action()["runs"]["steps"]}
    annotate = _run_step(steps["annotate"], workspace, env)
    assert f"exit-code={code}" in output.read_text()
    if code == "2":
        assert annotate.returncode == 2 and "no such file or folder" in annotate.stderr
        return
    assert annotate.returncode == 0, annotate.stderr
    assert ("::error title=promptlint (PC20" in annotate.stdout) == (code == "1")
    sarif = _run_step(steps["sarif"], workspace, env)
    assert sarif.returncode == 0, sarif.stderr
    assert f"sarif-file={tmp_path / 'promptlint.sarif'}" in output.read_text()
    report = json.loads((tmp_path / "promptlint.sarif").read_text())
    assert report["version"] == "2.1.0" and bool(report["runs"][0]["results"]) == (code == "1")
