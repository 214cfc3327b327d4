"""promptlint tokens, and the exact offline path through ctok where it is installed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from promptlint.cli import cli
from promptlint.tokens import exact, select
from tests.conftest import ROOT, lint_paths

FIELD_CASE = ROOT / "examples" / "labeling" / "stage1_batch.jsonl"


def test_tokens_command_shows_each_breakpoint(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["tokens", "examples/support_bot/request.json", "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["model"] == "claude-sonnet-4-6" and row["minimum"] == 1024
    assert [p["breakpoint"] for p in row["prefixes"]] == [1, 2, 3]
    lows = [p["low"] for p in row["prefixes"]]
    assert lows == sorted(lows)  # each prefix extends the one before
    assert all(p["low"] <= p["point"] <= p["high"] and p["verdict"] == "certainly above" for p in row["prefixes"])


def test_tokens_command_text_and_requests_without_breakpoints(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["tokens", "examples/help_centre/thermostat_assistant.json"])
    assert result.exit_code == 0
    assert "whole prompt (no breakpoint)" in result.stdout and "certainly above" in result.stdout


def test_tokens_command_reports_unparsable_files_on_stderr(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("bad.json").write_text('{"messages": [1,]}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["tokens", "bad.json"])
    assert result.exit_code == 0 and "PL001" in result.stderr and result.stdout == ""


@pytest.mark.skipif(not exact.available(), reason="ctok needs Python >= 3.12 (the CI's 3.12 leg installs it)")
def test_field_case_with_ctok_is_an_exact_verdict(monkeypatch):
    monkeypatch.setattr(select, "offline_counter", exact.CtokCounter)
    monkeypatch.chdir(ROOT / "examples")
    (d,) = lint_paths([FIELD_CASE], ROOT / "examples")
    assert d.code == "PC301" and d.data["tokens"]["method"] == "ctok count"
    tokens = d.data["tokens"]
    assert tokens["high"] - tokens["low"] < 0.1 * tokens["point"] + 400  # ±2% band plus framing allowances
