"""`check --changed-since REF`: only what a change touched is reported, judged by real git."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from promptlint.cli import cli
from tests.conftest import ROOT

APP = '''import anthropic
from datetime import datetime

client = anthropic.Anthropic()
POLICY = "You answer billing questions for Acme, citing the policy section. " * 200


def ask(q):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=10,
        system=[{"type": "text", "text": f"{POLICY} Today: {datetime.now()}", "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": q}])


def ask_old(q):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=10,
        system=[{"type": "text", "text": f"{POLICY} Today: {datetime.now()}", "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": q}])


def log(r):
    return r.usage.cache_read_input_tokens
'''


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    git("init", "-q", cwd=tmp_path)
    git("config", "user.email", "dev@example.com", cwd=tmp_path)
    git("config", "user.name", "dev", cwd=tmp_path)
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    shutil.copy(ROOT / "examples" / "agents" / "bad_cache_control.json", tmp_path / "agent.json")
    git("add", ".", cwd=tmp_path)
    git("commit", "-q", "-m", "start", cwd=tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def found(*args: str) -> tuple[int, list[tuple[str, int, str]], str]:
    result = CliRunner().invoke(cli, ["check", ".", "--no-cache", "--format", "json", *args], catch_exceptions=False)
    rows = json.loads(result.stdout) if result.stdout.strip() else []
    return result.exit_code, [(r["filename"], r["location"]["row"], r["code"]) for r in rows], result.stderr


def test_nothing_changed_reports_nothing(repo):
    assert found()[1]  # there are findings
    assert found("--changed-since", "HEAD")[:2] == (0, [])


def test_only_the_changed_lines_of_code_are_reported(repo):
    assert [f for f in found()[1] if f[0] == "app.py"] == [("app.py", 10, "PC101"), ("app.py", 16, "PC101")]
    lines = APP.splitlines()
    lines[9] = lines[9].replace("Today:", "Date:")  # line 10: the first PC101's line
    lines[13] = lines[13] + "  # unchanged behaviour"  # line 14: no finding on it
    (repo / "app.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, rows, stderr = found("--changed-since", "HEAD")
    assert (code, rows) == (1, [("app.py", 10, "PC101")])


def test_a_changed_json_body_is_reported_whole_and_a_new_file_too(repo):
    body = (repo / "agent.json").read_text(encoding="utf-8")
    (repo / "agent.json").write_text(body.replace('"24h"', '"48h"'), encoding="utf-8")  # a line inside the marker
    (repo / "new.py").write_text(APP, encoding="utf-8")  # untracked: every line is new
    code, rows, _ = found("--changed-since", "HEAD")
    assert code == 1
    assert {r[0] for r in rows} == {"agent.json", "new.py"} and ("agent.json", 137, "PC205") in rows


def test_the_summary_says_what_it_left_out(repo):
    result = CliRunner().invoke(cli, ["check", ".", "--no-cache", "--changed-since", "HEAD"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "on lines not changed since HEAD not shown" in result.stderr


def test_a_ref_git_does_not_know_or_no_repository_is_an_error(repo, tmp_path_factory, monkeypatch):
    code, _, stderr = found("--changed-since", "no-such-ref")
    assert code == 2 and "'no-such-ref' is not a commit" in stderr
    elsewhere = tmp_path_factory.mktemp("plain")
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(cli, ["check", ".", "--changed-since", "HEAD"])
    assert result.exit_code == 2 and "not a git repository" in result.stderr
    clash = CliRunner().invoke(cli, ["check", ".", "--changed-since", "HEAD", "--write-baseline", "b.json"])
    assert clash.exit_code == 2 and "--write-baseline" in clash.stderr
