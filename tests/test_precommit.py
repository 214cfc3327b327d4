"""The hook, run by the real pre-commit against a repository that uses it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BAD = {
    "model": "claude-haiku-4-5",
    "max_tokens": 256,
    "system": [{"type": "text", "text": "Classify the support ticket.", "cache_control": {"type": "ephemeral"}}],
    "messages": [{"role": "user", "content": "My order never arrived."}],
}
GOOD = {
    "model": "claude-haiku-4-5",
    "max_tokens": 256,
    "system": "Classify the support ticket.",
    "messages": [{"role": "user", "content": "My order never arrived."}],
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("user-repo")
    (folder / "bad.json").write_text(json.dumps(BAD, indent=2), encoding="utf-8")
    (folder / "good.json").write_text(json.dumps(GOOD, indent=2), encoding="utf-8")
    (folder / "notes.md").write_text("# not a request\n", encoding="utf-8")
    git = lambda *a: subprocess.run(["git", *a], cwd=folder, check=True, capture_output=True)
    git("init", "-q")
    git("add", ".")
    return folder


@pytest.fixture(scope="module")
def try_repo(repo: Path, tmp_path_factory: pytest.TempPathFactory):
    # One hook environment for the module: pre-commit installs promptlint into it once.
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")), PRE_COMMIT_COLOR="never")

    def run(*files: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "promptlint", "--files", *files],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    return run


def test_hook_fails_on_the_bad_file_and_shows_the_finding(try_repo):
    result = try_repo("bad.json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "bad.json:8:7: PC301 [error]" in result.stdout  # the cache_control key's line


def test_hook_passes_the_good_file(try_repo):
    result = try_repo("good.json", "notes.md")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
