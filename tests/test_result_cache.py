"""Clean files are remembered between runs; anything that could change a result is not."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from promptlint.config import Settings
from promptlint.engine import Engine
from promptlint.result_cache import FOLDER, clean
from tests.conftest import AS_OF, LONG_PROSE, anthropic, text_block

CLEAN = anthropic([text_block(LONG_PROSE)])
DIRTY = anthropic([text_block("Short.")], model="claude-haiku-4-5")


def run(root: Path, **settings) -> tuple[list, Engine]:
    engine = Engine(Settings(root=root, **{"as_of": AS_OF, **settings}))
    parsed: list[Path] = []
    original = engine.parse
    engine.parse = lambda path, shown, as_path=None: parsed.append(path) or original(path, shown, as_path)  # type: ignore[method-assign]
    result = engine.check_paths([root])
    return [(Path(d.span.path).name, d.code) for d in result.diagnostics], parsed


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clean.json").write_text(json.dumps(CLEAN), encoding="utf-8")
    (tmp_path / "dirty.json").write_text(json.dumps(DIRTY), encoding="utf-8")
    return tmp_path


def test_second_run_reads_only_files_with_findings(tree):
    first, parsed = run(tree)
    assert first == [("dirty.json", "PC301")] and len(parsed) == 2
    second, parsed = run(tree)
    assert second == first  # findings are never cached: they are reported every time
    assert [p.name for p in parsed] == ["dirty.json"]


def test_a_changed_file_is_read_again(tree):
    run(tree)
    (tree / "clean.json").write_text(json.dumps(DIRTY), encoding="utf-8")
    found, parsed = run(tree)
    assert ("clean.json", "PC301") in found and {p.name for p in parsed} == {"clean.json", "dirty.json"}


def test_a_touched_but_unchanged_file_stays_clean(tree):
    run(tree)
    stat = (tree / "clean.json").stat()
    os.utime(tree / "clean.json", ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    _, parsed = run(tree)
    assert [p.name for p in parsed] == ["dirty.json"]


def test_other_settings_do_not_reuse_results(tree):
    run(tree)
    _, parsed = run(tree, default_model="claude-haiku-4-5")
    assert len(parsed) == 2
    _, parsed = run(tree, safety_margin=0.2)
    assert len(parsed) == 2


def test_no_cache_and_clean(tree):
    run(tree)
    _, parsed = run(tree, cache=False)
    assert len(parsed) == 2
    folder = tree / FOLDER
    assert (folder / "CACHEDIR.TAG").is_file() and (folder / ".gitignore").read_text() == "*\n"
    assert not list(folder.glob("*.tmp"))  # written atomically
    assert clean(tree) and not folder.exists() and not clean(tree)


def test_an_unwritable_cache_is_not_an_error(tree):
    (tree / FOLDER).write_text("not a folder", encoding="utf-8")
    found, _ = run(tree)
    assert found == [("dirty.json", "PC301")]


def test_pool_gives_the_same_findings_as_serial(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    import promptlint.engine as engine_module

    for i in range(40):
        body = DIRTY if i % 3 == 0 else CLEAN
        (tmp_path / f"r{i:02}.json").write_text(json.dumps(body), encoding="utf-8")
    serial, _ = run(tmp_path, cache=False)
    monkeypatch.setattr(engine_module, "POOL_THRESHOLD", 2)
    pooled, _ = run(tmp_path, cache=False)
    assert pooled == serial and len(serial) == 14


def _prompts_and_caller(root: Path) -> None:
    """prompts.py holds the system prompt; app.py sends it, marked."""
    (root / "prompts.py").write_text(f"POLICY = {LONG_PROSE!r}\n", encoding="utf-8")
    (root / "app.py").write_text(
        "import anthropic\nfrom prompts import POLICY\nclient = anthropic.Anthropic()\n\n"
        "def ask(q):\n    r = client.messages.create(model='claude-sonnet-4-6', max_tokens=10, "
        "system=[{'type': 'text', 'text': POLICY, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n"
        "    return r.usage.cache_read_input_tokens\n",
        encoding="utf-8",
    )


def test_a_python_file_is_checked_again_when_a_module_it_reads_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    _prompts_and_caller(tmp_path)
    first, _ = run(tmp_path)
    assert first == []
    second, parsed = run(tmp_path)
    assert second == [] and parsed == []  # both clean, neither read
    time_now = "from datetime import datetime\nPOLICY = f'{datetime.now()} ' + " + repr(LONG_PROSE) + "\n"
    (tmp_path / "prompts.py").write_text(time_now, encoding="utf-8")
    third, parsed = run(tmp_path)
    assert third == [("prompts.py", "PC101")]
    assert {p.name for p in parsed} == {"app.py", "prompts.py"}


APP = (
    "import anthropic\nclient = anthropic.Anthropic()\n\n"
    "def ask(instructions, q):\n    r = client.messages.create(model='claude-sonnet-4-6', max_tokens=10, "
    "system=[{'type': 'text', 'text': instructions, 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}])\n"
    "    return r.usage.cache_read_input_tokens\n"
)  # ask() builds its request from what its callers pass
CALLER = f"from app import ask\nPOLICY = {LONG_PROSE!r}\n\ndef handle(q):\n    return ask(POLICY, q)\n"
DATED_CALLER = (
    "from datetime import datetime\nfrom app import ask\n" f"POLICY = {LONG_PROSE!r}\n\n"
    "def handle(q):\n    return ask(f'Today is {datetime.now()}. ' + POLICY, q)\n"
)
UNRELATED = "def other(q):\n    return q\n"


def test_a_clean_function_is_checked_again_when_a_new_file_calls_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # A clean result for app.py says nothing of a caller added later: that caller's file sends
    # no request itself, so only reading app.py again with the new caller's arguments finds
    # what it passes.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    (tmp_path / "main.py").write_text(CALLER, encoding="utf-8")
    assert run(tmp_path)[0] == []
    assert run(tmp_path)[1] == []  # both clean, neither read
    # An unrelated new file does not make app.py read again; a new caller does.
    (tmp_path / "notes.py").write_text(UNRELATED, encoding="utf-8")
    assert {p.name for p in run(tmp_path)[1]} == {"notes.py"}
    (tmp_path / "dated.py").write_text(DATED_CALLER, encoding="utf-8")
    found, parsed = run(tmp_path)
    assert found == [("dated.py", "PC101")]
    assert {p.name for p in parsed} == {"app.py", "dated.py"}


def test_a_file_named_alone_has_the_clean_functions_it_calls_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Pre-commit names only the changed file. The cache knows which clean file builds a
    # request from what its callers pass; that file is read again with the new caller's arguments.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    (tmp_path / "main.py").write_text(CALLER, encoding="utf-8")
    assert run(tmp_path)[0] == []  # the whole tree, once: the cache learns what app.py depends on
    (tmp_path / "dated.py").write_text(DATED_CALLER, encoding="utf-8")
    result = Engine(Settings(root=tmp_path, as_of=AS_OF)).check_paths([Path("dated.py")])
    assert [(Path(d.span.path).name, d.code) for d in result.diagnostics] == [("dated.py", "PC101")]
    assert result.files == 2  # dated.py, and app.py read again for it
    (tmp_path / "notes.py").write_text(UNRELATED, encoding="utf-8")
    alone = Engine(Settings(root=tmp_path, as_of=AS_OF)).check_paths([Path("notes.py")])
    assert alone.diagnostics == [] and alone.files == 1


def test_a_prompt_module_named_alone_is_checked_through_the_module_that_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Pre-commit names only the edited prompt module; its request is built in app.py, which
    # the cache knows reads it. Its finding is reported, and again on the next commit attempt.
    monkeypatch.chdir(tmp_path)
    _prompts_and_caller(tmp_path)
    assert run(tmp_path)[0] == []  # the whole tree once: the cache learns who reads prompts.py

    def named(name: str) -> list:
        result = Engine(Settings(root=tmp_path, as_of=AS_OF)).check_paths([Path(name)])
        return [(Path(d.span.path).name, d.code) for d in result.diagnostics]

    (tmp_path / "prompts.py").write_text("from datetime import datetime\nPOLICY = f'{datetime.now()} ' + " + repr(LONG_PROSE) + "\n", encoding="utf-8")
    assert named("prompts.py") == [("prompts.py", "PC101")]
    assert named("prompts.py") == [("prompts.py", "PC101")]  # not remembered as clean
    (tmp_path / "prompts.py").write_text(f"POLICY = {LONG_PROSE!r}\n", encoding="utf-8")
    assert named("prompts.py") == []
    assert named("prompts.py") == []
