"""Realistic application code, checked app by app, against the findings its lines expect.

Each folder under tests/corpus/ is one application and one run (PC501 is per run). A
line that should be reported ends with ``# expect: CODE[, CODE…]``; findings that land
where no comment can go are listed in the app's EXPECT_EXTRA.txt as ``file.py:LINE CODE``.
Every finding must be expected and every expectation found: no more, no fewer.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import lint_paths

CORPUS = Path(__file__).resolve().parent / "corpus"
APPS = sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z]{2}\d{3}(?:\s*,\s*[A-Z]{2}\d{3})*)")


def expected(app: Path) -> Counter:
    found: Counter = Counter()
    for path in sorted(app.rglob("*.py")):
        relative = path.relative_to(app).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _EXPECT.search(line)
            if match:
                for code in match.group(1).split(","):
                    found[(relative, number, code.strip())] += 1
    extra = app / "EXPECT_EXTRA.txt"
    if extra.is_file():
        for line in extra.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                where, code = line.split()
                file, number = where.rsplit(":", 1)
                found[(file, int(number), code)] += 1
    return found


def test_the_corpus_is_there():
    assert len(APPS) >= 5


@pytest.mark.parametrize("app", APPS, ids=[a.name for a in APPS])
def test_app(app: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(app)
    diagnostics = lint_paths([app], app)
    got = Counter((d.span.path, d.span.line, d.code) for d in diagnostics)
    want = expected(app)
    missing = sorted(want - got)
    unexpected = sorted(got - want)
    detail = "\n".join(f"  {d.span.path}:{d.span.line}:{d.span.column} {d.code} {d.message}" for d in diagnostics if (d.span.path, d.span.line, d.code) in set(unexpected))
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}\n{detail}"
