"""Every rule has a page in rules/, every page has the sections, and every example runs.

A bad example must produce findings of exactly its page's rule; a good one, none at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from promptlint import checks, docs, engine
from promptlint.frontends import Parsed
from tests.conftest import ROOT, lint_paths

RULES = checks.all_rules()
PAGES = sorted((ROOT / "rules").glob("*.md"))


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
    if example.suffix not in engine.FRONTENDS:
        # Until the Python front-end is registered, .py files are read as holding no request:
        # what the engine itself reports on them (PL004) is still checked.
        monkeypatch.setitem(engine.FRONTENDS, example.suffix, lambda path, shown, registry: Parsed())
        monkeypatch.setattr(engine, "SUFFIXES", (*engine.SUFFIXES, example.suffix))
    path = tmp_path / f"example{example.suffix}"
    path.write_text(example.body, encoding="utf-8")
    found = lint_paths([path], tmp_path)
    code = page.name.split("-", 1)[0]
    summary = [f"{d.code}: {d.message}" for d in found]
    if example.role == "bad":
        assert found and {d.code for d in found} == {code}, summary
    else:
        assert found == [], summary
