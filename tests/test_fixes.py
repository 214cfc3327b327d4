"""Fixes: apply_fixes on text (positions, overlaps, safety, re-validation), files, and the CLI.

Three parts: unit tests built from Diagnostic/Fix/Edit objects; CLI tests with a stand-in
fixer attached to JSON findings (so the wiring is tested whatever rules exist); and, at the
end, CLI tests of the real PC102 fix on a Python file (marker ``PC102_CLI_TESTS``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from promptlint import fixes
from promptlint.cli import cli
from promptlint.diagnostic import Applicability, Diagnostic, Edit, Fix, Severity
from promptlint.engine import Engine
from promptlint.fixes import apply_fixes
from promptlint.request import Span

SAFE, UNSAFE, DISPLAY = Applicability.SAFE, Applicability.UNSAFE, Applicability.DISPLAY_ONLY


def diag(*edits: tuple[str, tuple[int, int], tuple[int, int]], applicability: Applicability = SAFE, code: str = "PC102", path: str = "app.py", line: int = 1) -> Diagnostic:
    """A finding whose fix makes ``edits``: (content, start, end) each."""
    fix = Fix("fix it", applicability, tuple(Edit(content, start, end) for content, start, end in edits))
    return Diagnostic(code, "some-rule", Severity.WARNING, "something is off", Span(path, line, 1), fix=fix)


def insert(content: str, at: tuple[int, int], **kwargs) -> Diagnostic:
    return diag((content, at, at), **kwargs)


SORT_KEYS = ", sort_keys=True"


# Insertions, replacements, deletions ---------------------------------------------------


def test_insertion_before_a_closing_parenthesis():
    text = "import json\nTOOLS = json.dumps(SCHEMA)\n"
    fixed, applied = apply_fixes(text, [insert(SORT_KEYS, (2, 26))])
    assert fixed == "import json\nTOOLS = json.dumps(SCHEMA, sort_keys=True)\n"
    assert len(applied) == 1


def test_replacement_within_a_line():
    text = 'MODEL = "claude-3-haiku"\n'
    fixed, applied = apply_fixes(text, [diag(("claude-haiku-4-5", (1, 10), (1, 24)))])
    assert fixed == 'MODEL = "claude-haiku-4-5"\n' and len(applied) == 1


def test_multi_line_replacement_and_whole_line_deletion():
    text = "a = 1\nb = (\n    2,\n)\nc = 3\n"
    fixed, _ = apply_fixes(text, [diag(("(2,)", (2, 5), (4, 2)))])
    assert fixed == "a = 1\nb = (2,)\nc = 3\n"
    deleted, _ = apply_fixes(text, [diag(("", (1, 1), (2, 1)))])  # the whole first line, its break too
    assert deleted == "b = (\n    2,\n)\nc = 3\n"


def test_several_edits_of_one_fix_apply_together_in_any_order():
    text = "x = f(a)\ny = f(b)\n"
    both = diag(("g", (2, 5), (2, 6)), ("g", (1, 5), (1, 6)))  # listed last-first
    fixed, applied = apply_fixes(text, [both])
    assert fixed == "x = g(a)\ny = g(b)\n" and applied == [both]


def test_independent_fixes_all_apply_whatever_the_order_of_the_findings():
    text = "a = json.dumps(x)\nb = json.dumps(y)\n"
    first, second = insert(SORT_KEYS, (1, 17)), insert(SORT_KEYS, (2, 17))
    fixed, applied = apply_fixes(text, [second, first])
    assert fixed == "a = json.dumps(x, sort_keys=True)\nb = json.dumps(y, sort_keys=True)\n"
    assert {id(d) for d in applied} == {id(first), id(second)}


def test_insertion_at_the_very_end_of_the_file():
    assert apply_fixes("x = 1\n", [insert("y = 2\n", (2, 1))])[0] == "x = 1\ny = 2\n"
    assert apply_fixes("x = 1", [insert("\n", (1, 6))])[0] == "x = 1\n"


# Overlaps ------------------------------------------------------------------------------


def test_overlapping_fix_is_skipped_and_left_for_the_next_pass():
    text = "value = compute(a, b)\n"
    wide = diag(("compute(b, a)", (1, 9), (1, 22)), code="PC101")
    narrow = diag(("c", (1, 17), (1, 18)), code="PC102")  # inside the first one
    fixed, applied = apply_fixes(text, [narrow, wide])
    assert fixed == "value = compute(b, a)\n"
    assert applied == [wide]  # sorted by position: the wide fix starts first


def test_touching_fixes_and_two_insertions_at_one_place_apply_one_per_pass():
    text = "f(x)\n"
    one, other = insert(", a=1", (1, 4), code="PC101"), insert(", b=2", (1, 4), code="PC102")
    fixed, applied = apply_fixes(text, [one, other])
    assert fixed == "f(x, a=1)\n" and applied == [one]
    left, right = diag(("y", (1, 3), (1, 4))), diag(("", (1, 4), (1, 5)))  # [3,4) then [4,5)
    assert apply_fixes(text, [left, right])[1] == [left]  # as ruff: touching counts as overlapping


def test_identical_edits_of_two_findings_are_applied_once():
    text = "json.dumps(x)\n"
    a, b = insert(SORT_KEYS, (1, 13)), insert(SORT_KEYS, (1, 13))
    fixed, applied = apply_fixes(text, [a, b])
    assert fixed == "json.dumps(x, sort_keys=True)\n" and len(applied) == 2


# Which fixes apply ---------------------------------------------------------------------


def test_unsafe_fixes_apply_only_when_asked():
    text = "json.dumps(x)\n"
    unsafe = insert(SORT_KEYS, (1, 13), applicability=UNSAFE)
    assert apply_fixes(text, [unsafe]) == (text, [])
    assert apply_fixes(text, [unsafe], unsafe=True) == ("json.dumps(x, sort_keys=True)\n", [unsafe])


def test_display_only_and_edit_less_fixes_are_never_applied():
    text = "json.dumps(x)\n"
    shown_only = insert(SORT_KEYS, (1, 13), applicability=DISPLAY)
    no_edits = Diagnostic("PC101", "r", Severity.WARNING, "m", Span("app.py", 1, 1), fix=Fix("move it", SAFE))
    no_fix = Diagnostic("PC101", "r", Severity.WARNING, "m", Span("app.py", 1, 1))
    assert apply_fixes(text, [shown_only, no_edits, no_fix], unsafe=True) == (text, [])
    assert not any(fixes.applicable(d, True) for d in (shown_only, no_edits, no_fix))
    assert fixes.hidden_unsafe(insert("", (1, 1), applicability=UNSAFE)) and not fixes.hidden_unsafe(shown_only)


# Line endings and characters -----------------------------------------------------------


def test_crlf_line_endings_are_kept():
    text = "import json\r\nA = json.dumps(x)\r\nB = 1\r\n"
    fixed, _ = apply_fixes(text, [insert(SORT_KEYS, (2, 17))])
    assert fixed == "import json\r\nA = json.dumps(x, sort_keys=True)\r\nB = 1\r\n"
    # the end of a line is before its "\r\n", not between the two characters
    appended, _ = apply_fixes(text, [insert("  # sorted", (2, 18))])
    assert appended == "import json\r\nA = json.dumps(x)  # sorted\r\nB = 1\r\n"
    warnings: list[str] = []
    assert apply_fixes(text, [insert("#", (2, 19))], warnings=warnings) == (text, [])
    assert "past the end of line 2" in warnings[0]


def test_new_lines_in_content_follow_the_files_line_endings():
    text = "a = 1\r\nb = 2\r\n"
    fixed, _ = apply_fixes(text, [insert("x = 0\n", (2, 1))])
    assert fixed == "a = 1\r\nx = 0\r\nb = 2\r\n"
    assert apply_fixes("a = 1\n", [insert("x = 0\n", (2, 1))])[0] == "a = 1\nx = 0\n"


def test_multi_line_edit_across_crlf_lines():
    text = "x = [\r\n    1,\r\n]\r\ny = 2\r\n"
    fixed, _ = apply_fixes(text, [diag(("[1]", (1, 5), (3, 2)))])
    assert fixed == "x = [1]\r\ny = 2\r\n"


def test_columns_count_characters_not_bytes_or_utf16_units():
    # "é" is 2 bytes in UTF-8, "🙂" 4 bytes and 2 UTF-16 units: each is one column.
    text = 'GREETING = "héllo 🙂"; TOOLS = json.dumps(SCHEMA)\n'
    column = text.index(")") + 1
    assert column == 48
    fixed, _ = apply_fixes(text, [insert(SORT_KEYS, (1, column))])
    assert fixed == 'GREETING = "héllo 🙂"; TOOLS = json.dumps(SCHEMA, sort_keys=True)\n'
    cjk = 'PROMPT = "日本語のプロンプト"\n'
    replaced, _ = apply_fixes(cjk, [diag(("指示", (1, 15), (1, 20)))])  # プロンプト → 指示
    assert replaced == 'PROMPT = "日本語の指示"\n'


def test_an_edit_outside_the_file_is_skipped_with_a_warning():
    text = "json.dumps(x)\n"
    warnings: list[str] = []
    good = insert(SORT_KEYS, (1, 13))
    fixed, applied = apply_fixes(text, [insert("x", (9, 1), code="PC101"), good], warnings=warnings)
    assert fixed == "json.dumps(x, sort_keys=True)\n" and applied == [good]
    assert len(warnings) == 1 and "PC101 fix not applied" in warnings[0] and "9:1" in warnings[0]


# Re-validation -------------------------------------------------------------------------


def test_a_fix_that_breaks_python_is_rejected_and_nothing_is_applied():
    text = "import json\nA = json.dumps(x)\nB = json.dumps(y)\n"
    good = insert(SORT_KEYS, (2, 17), code="PC102")
    bad = insert(", sort_keys=True))", (3, 17), code="PC999")
    warnings: list[str] = []
    fixed, applied = apply_fixes(text, [good, bad], path="app.py", warnings=warnings)
    assert fixed == text and applied == []
    assert len(warnings) == 1
    assert warnings[0].startswith("app.py: fixes not applied, the file is left as it was")
    assert "Python syntax error" in warnings[0] and "PC102, PC999" in warnings[0]


def test_json_and_jsonl_are_validated_too():
    document = '{"model": "m", "max_tokens": 10}\n'
    warnings: list[str] = []
    assert apply_fixes(document, [insert(",", (1, 32), path="req.json")], warnings=warnings) == (document, [])
    assert "invalid JSON" in warnings[0]
    fine = apply_fixes(document, [diag(("20", (1, 30), (1, 32)), path="req.json")])[0]
    assert json.loads(fine) == {"model": "m", "max_tokens": 20}

    lines = '{"a": 1}\n{"b": 2}\r\n\n'
    assert apply_fixes(lines, [insert("}", (2, 9), path="batch.jsonl")], path="batch.jsonl")[0] == lines
    assert apply_fixes(lines, [diag(("3", (2, 7), (2, 8)), path="batch.jsonl")])[0] == '{"a": 1}\n{"b": 3}\r\n\n'


def test_a_file_broken_before_can_still_be_fixed_where_it_is_not():
    # A JSONL file with a bad line (PL001): fixes elsewhere are not blamed for it.
    lines = '{"a": 1}\n{"b": \n'
    fixed, applied = apply_fixes(lines, [diag(("2", (1, 7), (1, 8)), path="batch.jsonl")])
    assert fixed == '{"a": 2}\n{"b": \n' and len(applied) == 1


def test_files_of_other_kinds_are_not_validated():
    assert fixes.problems("(((", "notes.txt") == []
    assert fixes.problems("(((", "app.py") and fixes.problems("{", "a.json") and fixes.problems("{\n", "a.jsonl")


# Files: reading, writing, diffs ----------------------------------------------------------


def test_byte_order_mark_is_kept_out_of_the_text_and_written_back(tmp_path):
    path = tmp_path / "req.json"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}\r\n')
    source = fixes.read_source(path)
    assert source.text == '{"a": 1}\r\n' and source.bom
    assert source.encode('{"a": 2}\r\n') == b'\xef\xbb\xbf{"a": 2}\r\n'


def test_write_atomic_keeps_mode_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "app.py"
    path.write_text("x = 1\n", encoding="utf-8")
    path.chmod(0o640)
    fixes.write_atomic(path, b"x = 2\n")
    assert path.read_bytes() == b"x = 2\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.py"]


def test_write_atomic_through_a_symlink_replaces_the_target(tmp_path):
    target = tmp_path / "real.py"
    target.write_text("x = 1\n", encoding="utf-8")
    link = tmp_path / "link.py"
    link.symlink_to(target)
    fixes.write_atomic(link, b"x = 2\n")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "x = 2\n"


def test_write_atomic_replaces_in_one_step(tmp_path, monkeypatch):
    path = tmp_path / "app.py"
    path.write_text("x = 1\n", encoding="utf-8")
    replaced = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (replaced.append((Path(src).parent, Path(dst))), real_replace(src, dst)))
    fixes.write_atomic(path, b"x = 2\n")
    assert replaced == [(tmp_path, path)]  # the temporary file sat in the same folder


def test_unified_diff_has_git_style_headers():
    diff = fixes.unified_diff("a = json.dumps(x)\nb = 1\n", "a = json.dumps(x, sort_keys=True)\nb = 1\n", "src/app.py")
    assert diff.splitlines() == [
        "--- a/src/app.py",
        "+++ b/src/app.py",
        "@@ -1,2 +1,2 @@",
        "-a = json.dumps(x)",
        "+a = json.dumps(x, sort_keys=True)",
        " b = 1",
    ]
    assert "\\ No newline at end of file" in fixes.unified_diff("a", "b", "x.py")
    assert fixes.unified_diff("same\n", "same\n", "x.py") == ""


# The CLI, with a stand-in fixer on JSON findings -----------------------------------------
#
# No rule of the JSON front-end produces edits, so these tests attach fixes to two of its
# findings: PC101 (a timestamp in the system prompt) gets a safe fix that deletes the
# volatile sentence; PC303 (a deprecated model) an unsafe one that names its replacement.

VOLATILE = "Current time: 2026-11-22 14:03:11 CET. "
STANDIN = ("check", "--as-of", "2026-11-22", "--select", "PC101,PC303")


RULES = "Keep answers short, quote the order number back, and never share another customer's details. " * 60


def _request(model: str = "claude-sonnet-4-5", volatile: str = VOLATILE) -> str:
    """A request whose cached system prompt (above the minimum) carries ``volatile``."""
    body = {
        "model": model,
        "max_tokens": 512,
        "system": [{"type": "text", "text": f"You are Aria, the support assistant. {volatile}{RULES}", "cache_control": {"type": "ephemeral"}}],
        "messages": [{"role": "user", "content": "Where is my order?"}],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _text_line(request: str) -> str:
    return next(line for line in request.splitlines() if "You are Aria" in line)


def _position(text: str, index: int) -> tuple[int, int]:
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


@pytest.fixture
def standin(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    original = Engine._diagnostic
    replacements = {
        "PC101": (r"Current time: [^.]*\. ", "", SAFE),  # the first such sentence only
        "PC303": (r'"claude-sonnet-4-5"', '"claude-sonnet-5-5"', UNSAFE),
    }

    def with_fix(self, rule, finding):
        d = original(self, rule, finding)
        if d.code not in replacements or not Path(d.span.path).is_file():
            return d
        pattern, new, applicability = replacements[d.code]
        text = Path(d.span.path).read_bytes().decode("utf-8")
        found = re.search(pattern, text)
        if found is None:
            return d
        edit = Edit(new, _position(text, found.start()), _position(text, found.end()))
        return dataclasses.replace(d, fix=Fix("stand-in fix", applicability, (edit,)))

    monkeypatch.setattr(Engine, "_diagnostic", with_fix)
    (tmp_path / "support.json").write_text(_request(), encoding="utf-8")
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_check_marks_fixable_findings_and_counts_them(standin):
    result = run(*STANDIN, "support.json", "--format", "concise")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(" PC101 [warning] [*] system block" in l for l in lines)
    assert any(" PC303 [warning] claude-sonnet-4-5" in l for l in lines)  # unsafe: not without --unsafe-fixes
    assert result.stderr.splitlines()[-1] == "[*] 1 fixable with the --fix option (1 hidden fix can be enabled with the --unsafe-fixes option)."
    full = run(*STANDIN, "support.json", "--format", "full", "--unsafe-fixes")
    assert "PC101 [warning] [*] system block" in full.stdout and "PC303 [warning] [*] claude-sonnet-4-5" in full.stdout
    assert full.stderr.splitlines()[-1] == "[*] 2 fixable with the --fix option."


def test_diff_prints_what_fix_would_do_and_writes_nothing(standin):
    before = (standin / "support.json").read_bytes()
    result = run(*STANDIN, "support.json", "--diff")
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/support.json\n+++ b/support.json\n@@ ")
    changed = [l for l in result.stdout.splitlines() if l[:1] in "+-" and not l.startswith(("---", "+++"))]
    assert changed == ["-" + _text_line(_request()), "+" + _text_line(_request(volatile=""))]
    assert result.stderr == "Would fix 1 problem (1 more fix available with --unsafe-fixes).\n"
    assert (standin / "support.json").read_bytes() == before


def test_diff_exits_zero_when_nothing_would_change(standin):
    (standin / "support.json").write_text(_request(model="claude-sonnet-4-6", volatile=""), encoding="utf-8")
    result = run(*STANDIN, "support.json", "--diff")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""


def test_fix_writes_the_file_and_reports_what_remains(standin):
    path = standin / "support.json"
    path.chmod(0o640)
    result = run(*STANDIN, "support.json", "--fix", "--format", "concise")
    assert result.exit_code == 1  # PC303 remains: its fix is unsafe
    assert path.read_text(encoding="utf-8") == _request(volatile="")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in standin.iterdir() if not p.name.startswith(".promptlint_cache")) == ["support.json"]
    assert [l.split(": ")[1].split(" ")[0] for l in result.stdout.splitlines()] == ["PC303"]
    assert result.stderr.splitlines() == [
        "Fixed 1 problem (1 more fix available with --unsafe-fixes).",
        "Found 1 problem (1 warning) in 1 file checked.",
    ]


def test_fix_with_unsafe_fixes_fixes_everything_and_exits_zero(standin):
    result = run(*STANDIN, "support.json", "--fix", "--unsafe-fixes")
    assert result.exit_code == 0 and result.stdout == ""
    assert (standin / "support.json").read_text(encoding="utf-8") == _request(model="claude-sonnet-5-5", volatile="")
    assert result.stderr.splitlines() == ["Fixed 2 problems.", "All checks passed (1 file checked)."]


def test_exit_non_zero_on_fix(standin):
    result = run(*STANDIN, "support.json", "--fix", "--unsafe-fixes", "--exit-non-zero-on-fix")
    assert result.exit_code == 1 and "Fixed 2 problems." in result.stderr
    again = run(*STANDIN, "support.json", "--fix", "--unsafe-fixes", "--exit-non-zero-on-fix")
    assert again.exit_code == 0 and "Fixed" not in again.stderr  # nothing left to fix
    assert run(*STANDIN, "support.json", "--fix", "--exit-zero", "--exit-non-zero-on-fix").exit_code == 0


def test_fix_keeps_stdout_pure_in_machine_formats(standin):
    result = run(*STANDIN, "support.json", "--fix", "--format", "json")
    assert [r["code"] for r in json.loads(result.stdout)] == ["PC303"]
    assert result.stderr == "Fixed 1 problem (1 more fix available with --unsafe-fixes).\n"


def test_fix_keeps_crlf_line_endings(standin):
    path = standin / "support.json"
    path.write_bytes(_request().replace("\n", "\r\n").encode("utf-8"))
    assert run(*STANDIN, "support.json", "--fix").exit_code == 1
    assert path.read_bytes() == _request(volatile="").replace("\n", "\r\n").encode("utf-8")


def test_fixed_files_are_checked_again_and_then_cached_as_clean(standin):
    assert run(*STANDIN, "support.json", "--fix", "--unsafe-fixes").exit_code == 0
    entries = {}
    for cache in (standin / ".promptlint_cache").glob("clean-*.json"):
        entries.update(json.loads(cache.read_text(encoding="utf-8")))
    path = standin / "support.json"
    assert entries[os.path.abspath(path)][0] == path.stat().st_size  # the fixed file, not the old one
    assert run(*STANDIN, "support.json").exit_code == 0


def test_a_fix_that_would_break_the_file_is_not_written(standin, monkeypatch):
    path = standin / "support.json"
    before = path.read_bytes()
    original = Engine._diagnostic

    def breaking(self, rule, finding):
        d = original(self, rule, finding)
        if d.code != "PC101":
            return d
        return dataclasses.replace(d, fix=Fix("broken", SAFE, (Edit("{{", (1, 1), (1, 2)),)))

    monkeypatch.setattr(Engine, "_diagnostic", breaking)
    result = run(*STANDIN, "support.json", "--fix", "--format", "concise")
    assert result.exit_code == 1 and path.read_bytes() == before
    assert "promptlint: warning: support.json: fixes not applied, the file is left as it was" in result.stderr
    assert "PC101" in result.stdout


def test_fix_checks_again_and_fixes_what_the_first_pass_left(standin):
    # Two volatile sentences: PC101 reports the block once, its fix removes the first; the
    # check after the write finds the second, and the next pass removes it.
    second = "Current time: 2026-11-22 14:03:12 CET. "
    (standin / "support.json").write_text(_request(volatile=VOLATILE + second), encoding="utf-8")
    diff = run(*STANDIN, "support.json", "--diff")
    assert diff.stderr.startswith("Would fix 1 problem")  # --diff writes nothing, so it shows one pass
    result = run(*STANDIN, "support.json", "--fix")
    assert (standin / "support.json").read_text(encoding="utf-8") == _request(volatile="")
    assert result.stderr.splitlines()[0] == "Fixed 2 problems (1 more fix available with --unsafe-fixes)."


def test_baselined_findings_are_not_fixed(standin):
    assert run(*STANDIN, "support.json", "--write-baseline", "base.json").exit_code == 0
    before = (standin / "support.json").read_bytes()
    result = run(*STANDIN, "support.json", "--fix", "--unsafe-fixes", "--baseline", "base.json")
    assert result.exit_code == 0 and (standin / "support.json").read_bytes() == before
    assert "Fixed" not in result.stderr


def test_fix_does_not_go_with_write_baseline(standin):
    result = run(*STANDIN, "support.json", "--fix", "--write-baseline", "base.json")
    assert result.exit_code == 2 and not (standin / "base.json").exists()


# The CLI on the real PC102 fix -----------------------------------------------------------
#
# These run the real PC102 (unsorted-json-in-prefix) of the Python front-end: a
# `json.dumps(...)` that builds cached prefix content gets a safe fix inserting
# `, sort_keys=True` before its closing parenthesis. They fail until PC102 lands; they
# carry no skip on purpose.

PC102_CLI_TESTS = True  # marker: the tests below need the real PC102 (Python front-end)

APP = '''\
import json

import anthropic

SCHEMA = {"name": "lookup_order", "description": "Look an order up by its number.", "input_schema": {"type": "object", "properties": {"order_id": {"type": "string"}}}}
TOOLS_JSON = json.dumps(SCHEMA)
INSTRUCTIONS = "%s"

client = anthropic.Anthropic()


def answer(question: str) -> str:
    response = client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=512,
        system=[
            {
                "type": "text",
                "text": "You are the order assistant. You can call these tools: " + TOOLS_JSON + INSTRUCTIONS,
                "cache_control": {"type": "ephemeral"},
            }
        ],
        messages=[{"role": "user", "content": question}],
    )
    return response.content[0].text
''' % (RULES.strip() * 2)  # a cached prefix well above the model's minimum
FIXED_APP = APP.replace("json.dumps(SCHEMA)", "json.dumps(SCHEMA, sort_keys=True)")
PC102 = ("check", "app.py", "--select", "PC102", "--as-of", "2026-11-22")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "app.py"
    path.write_text(APP, encoding="utf-8")
    return path


def test_pc102_is_reported_as_fixable(app):
    result = run(*PC102, "--format", "concise")
    assert result.exit_code == 1
    assert any(" PC102 [warning] [*] " in l for l in result.stdout.splitlines())
    assert "[*] 1 fixable with the --fix option." in result.stderr
    fix = json.loads(run(*PC102, "--format", "json").stdout)[0]["fix"]
    assert fix["applicability"] == "safe"
    assert [(e["content"], e["location"], e["end_location"]) for e in fix["edits"]] == [
        (", sort_keys=True", {"row": 6, "column": 31}, {"row": 6, "column": 31})
    ]


def test_pc102_diff_writes_nothing(app):
    result = run(*PC102, "--diff")
    assert result.exit_code == 1
    assert result.stdout == (
        "--- a/app.py\n+++ b/app.py\n@@ -3,7 +3,7 @@\n import anthropic\n \n"
        + f" {APP.splitlines()[4]}\n-TOOLS_JSON = json.dumps(SCHEMA)\n+TOOLS_JSON = json.dumps(SCHEMA, sort_keys=True)\n {APP.splitlines()[6]}\n \n client = anthropic.Anthropic()\n"
    )
    assert result.stderr == "Would fix 1 problem.\n"
    assert app.read_text(encoding="utf-8") == APP


def test_pc102_fix_writes_and_exits_zero(app):
    app.chmod(0o600)
    result = run(*PC102, "--fix")
    assert result.exit_code == 0, result.output
    assert app.read_text(encoding="utf-8") == FIXED_APP
    assert stat.S_IMODE(app.stat().st_mode) == 0o600
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["Fixed 1 problem.", "All checks passed (1 file checked)."]
    assert sorted(p.name for p in app.parent.iterdir() if p.name != ".promptlint_cache") == ["app.py"]
    assert run(*PC102, "--diff").exit_code == 0  # nothing left to fix


def test_pc102_exit_non_zero_on_fix(app):
    assert run(*PC102, "--fix", "--exit-non-zero-on-fix").exit_code == 1
    assert app.read_text(encoding="utf-8") == FIXED_APP
    assert run(*PC102, "--fix", "--exit-non-zero-on-fix").exit_code == 0


def test_pc102_fix_keeps_crlf_and_json_output_pure(app):
    app.write_bytes(APP.replace("\n", "\r\n").encode("utf-8"))
    result = run(*PC102, "--fix", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert result.stderr == "Fixed 1 problem.\n"
    assert app.read_bytes() == FIXED_APP.replace("\n", "\r\n").encode("utf-8")


def test_pc102_fix_keeps_a_declared_latin_1_encoding(app):
    # PEP 263: a coding declaration makes the file Latin-1; it is read and written back as such.
    latin = "# -*- coding: latin-1 -*-\n" + APP.replace("You are the order assistant.", "Vous êtes l'assistant des commandes.")
    app.write_bytes(latin.encode("latin-1"))
    assert run(*PC102, "--format", "concise").exit_code == 1
    assert run(*PC102, "--fix").exit_code == 0
    assert app.read_bytes() == latin.replace("json.dumps(SCHEMA)", "json.dumps(SCHEMA, sort_keys=True)").encode("latin-1")


def test_quiet_and_silent_keep_the_findings_and_drop_the_talk(standin):
    normal = run(*STANDIN, "support.json", "--format", "concise")
    quiet = run(*STANDIN, "support.json", "--format", "concise", "-q")
    silent = run(*STANDIN, "support.json", "--format", "concise", "--silent")
    assert normal.stderr and quiet.stdout == normal.stdout and quiet.stderr == ""
    assert silent.stdout == "" and silent.stderr == ""
    assert normal.exit_code == quiet.exit_code == silent.exit_code == 1
    # --diff: -q drops the count, -s the diffs too; the exit code still says there is one.
    diff_quiet = run(*STANDIN, "support.json", "--diff", "-q")
    diff_silent = run(*STANDIN, "support.json", "--diff", "-s")
    assert diff_quiet.stdout.startswith("--- a/support.json") and diff_quiet.stderr == ""
    assert diff_silent.stdout == diff_silent.stderr == "" and diff_silent.exit_code == 1
    # A report asked for with -o is still written under -s.
    assert run(*STANDIN, "support.json", "--format", "json", "-s", "-o", "out.json").exit_code == 1
    assert json.loads((standin / "out.json").read_text(encoding="utf-8"))
