from __future__ import annotations

import datetime as dt
import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

from promptlint.config import Settings
from promptlint.diagnostic import Diagnostic
from promptlint.engine import Engine

from promptlint.tokens import select
from promptlint.tokens.heuristic import HeuristicCounter

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_FIXTURES = ROOT / "tests" / "fixtures" / "golden"
AS_OF = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def character_class_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Expected numbers are the character-class bands', whether or not ctok is installed
    (the Python 3.12 leg has it); the ctok path has tests of its own."""
    monkeypatch.setattr(select, "offline_counter", HeuristicCounter)


def lint_paths(paths: list[Path], root: Path, **settings: Any) -> list[Diagnostic]:
    # No result cache unless a test is about it: tests must not write into the project tree.
    engine = Engine(Settings(root=root, **{"as_of": AS_OF, "cache": False, **settings}))
    result = engine.check_paths(paths)
    assert not result.failures, result.failures
    return result.diagnostics


def write_tree(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (path → text, dedented) under ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def lint_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], **settings: Any) -> list[tuple[str, int, str]]:
    """Write a small project, lint it from its root, and return (path, line, code) sorted."""
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, files)
    return sorted((d.span.path, d.span.line, d.code) for d in lint_paths([tmp_path], tmp_path, **settings))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the golden fixtures as the working folder, so paths print relative."""
    shutil.copytree(GOLDEN_FIXTURES, tmp_path / "requests")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def lint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write one request file into a temporary folder and lint it: lint(body, name=...)."""
    monkeypatch.chdir(tmp_path)

    def run(content: Any, name: str = "request.json", **settings: Any) -> list[Diagnostic]:
        path = tmp_path / name
        if isinstance(content, (dict, list)):
            content = json.dumps(content, indent=2)
        elif isinstance(content, tuple):  # JSONL records
            content = "\n".join(json.dumps(r) for r in content) + "\n"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return lint_paths([path], tmp_path, **settings)

    return run


def codes(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics]


def anthropic(system: Any = "You are a helpful assistant.", messages: Any = None, **extra: Any) -> dict:
    body = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 1024,
        "system": system,
        "messages": messages if messages is not None else [{"role": "user", "content": "Hello"}],
    }
    body.update(extra)
    return body


def text_block(text: str, ttl: str | None = None, marked: bool = True) -> dict:
    block: dict[str, Any] = {"type": "text", "text": text}
    if marked:
        block["cache_control"] = {"type": "ephemeral", **({"ttl": ttl} if ttl else {})}
    return block


# Plain prose long enough to be certainly above a 1,024-token minimum with the margin,
# and certainly below 4,096 (about 2,700 tokens).
LONG_PROSE = " ".join(
    f"Rule {i}: answer the customer politely and check the order history before you reply to them."
    for i in range(130)
)
