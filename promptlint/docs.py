"""Rule pages: one Markdown file per rule, with examples the test suite runs.

In a source checkout the pages are ``rules/`` at the repository root; an installed
wheel carries them as ``promptlint/_rules``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_FENCE = re.compile(r"^```(?P<lang>json|jsonl|python)[ \t]+(?P<role>bad|good)[ \t]*\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix", "## References")


def pages_dir() -> Path | None:
    for candidate in (_HERE / "_rules", _HERE.parent / "rules"):
        if candidate.is_dir():
            return candidate
    return None


def page_path(code: str, name: str) -> Path | None:
    folder = pages_dir()
    if folder is None:
        return None
    path = folder / f"{code}-{name}.md"
    return path if path.is_file() else None


def page(code: str, name: str) -> str | None:
    path = page_path(code, name)
    return path.read_text(encoding="utf-8") if path else None


@dataclass(frozen=True)
class Example:
    language: str  # json, jsonl, python
    role: str  # bad, good
    body: str
    line: int  # where the block starts in the page

    @property
    def suffix(self) -> str:
        return {"json": ".json", "jsonl": ".jsonl", "python": ".py"}[self.language]


def examples(text: str) -> list[Example]:
    return [
        Example(m.group("lang"), m.group("role"), m.group("body"), text.count("\n", 0, m.start()) + 1)
        for m in _FENCE.finditer(text)
    ]
