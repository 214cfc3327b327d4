"""Build the real wheel and run promptlint from it, away from the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-w", str(out), "-q"],
        check=True,
    )
    (built,) = out.glob("promptlint-*.whl")
    return built


def test_wheel_carries_data_and_rule_pages(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "promptlint/registry/models.toml" in names
    assert "promptlint/frontends/jsonreq/schemas/anthropic_messages.json" in names
    assert "promptlint/_rules/PC301-prefix-below-minimum.md" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "promptlint = promptlint.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_runs_outside_the_source_tree(wheel: Path, tmp_path: Path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)], check=True)
    env = dict(os.environ, PYTHONPATH=str(target))
    run = lambda *args: subprocess.run(
        [sys.executable, "-m", "promptlint", *args], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    where = subprocess.run([sys.executable, "-c", "import promptlint; print(promptlint.__file__)"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert where.stdout.startswith(str(target))
    page = run("rule", "PC301")
    assert page.returncode == 0 and "## Why is this bad?" in page.stdout
    request = tmp_path / "r.json"
    request.write_text(
        '{"model": "claude-haiku-4-5", "max_tokens": 5, "system": [{"type": "text", "text": "Hi",'
        ' "cache_control": {"type": "ephemeral"}}], "messages": [{"role": "user", "content": "x"}]}',
        encoding="utf-8",
    )
    result = run("check", "r.json")
    assert result.returncode == 1 and "PC301" in result.stdout
