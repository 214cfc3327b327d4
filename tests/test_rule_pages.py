"""Every rule has a page in rules/, every page has the sections, and every example runs.

A bad example must produce findings of exactly its page's rule; a good one, none at all.
A page may set the settings its examples are checked with, in an HTML comment of its own
line: `<!-- settings: {"max_python_file_size": 200} -->` (JSON; Settings' keyword arguments).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from promptlint import checks, docs
from tests.conftest import ROOT, lint_paths

RULES = checks.all_rules()
PAGES = sorted((ROOT / "rules").glob("*.md"))
_SETTINGS = re.compile(r"^<!-- settings: (?P<json>\{.*\}) -->[ \t]*$", re.M)


def page_settings(text: str) -> dict:
    match = _SETTINGS.search(text)
    return json.loads(match.group("json")) if match else {}


def test_every_rule_has_a_page_and_every_page_a_rule():
    expected = {f"{r.code}-{r.name}.md" for r in RULES.values()}
    assert {p.name for p in PAGES} == expected


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_has_the_sections_and_examples(page: Path):
    text = page.read_text(encoding="utf-8")
    code = page.name.split("-", 1)[0]
    assert text.startswith(f"# {code}: {RULES[code].name}\n")
    positions = [text.find(section) for section in docs.SECTIONS]
    assert -1 not in positions, [s for s, p in zip(docs.SECTIONS, positions) if p == -1]
    assert positions == sorted(positions), "sections out of order"
    roles = {e.role for e in docs.examples(text)}
    assert roles == {"bad", "good"}, f"{page.name} needs bad and good examples"


EXAMPLES = [
    pytest.param(page, example, id=f"{page.stem.split('-')[0]}-{example.role}-line{example.line}")
    for page in PAGES
    for example in docs.examples(page.read_text(encoding="utf-8"))
]


@pytest.mark.parametrize("page, example", EXAMPLES)
def test_example(page: Path, example: docs.Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / f"example{example.suffix}"
    path.write_text(example.body, encoding="utf-8")
    found = lint_paths([path], tmp_path, **page_settings(page.read_text(encoding="utf-8")))
    code = page.name.split("-", 1)[0]
    summary = [f"{d.code}: {d.message}" for d in found]
    if example.role == "bad":
        assert found and {d.code for d in found} == {code}, summary
    else:
        assert found == [], summary
