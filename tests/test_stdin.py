"""`promptlint check -`: content piped in (a rendered request, an editor's buffer) is checked
as the file it stands for, or as what it looks like."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from promptlint.cli import cli
from promptlint.frontends import sniff_suffix
from tests.conftest import GOLDEN_FIXTURES, ROOT


def invoke(*args: str, input: bytes | str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def findings(output: str) -> list[tuple]:
    return [(f["filename"], f["code"], f["location"]["row"], f["location"]["column"], f["message"]) for f in json.loads(output)]


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN_FIXTURES.iterdir()))
def test_stdin_named_reports_what_the_file_reports(project, name):
    path = f"requests/{name}"
    on_disk = invoke("check", path, "--format", "json", "--no-cache", "--as-of", "2026-11-22")
    piped = invoke("check", "-", "--stdin-filename", path, "--format", "json", "--as-of", "2026-11-22", input=Path(path).read_bytes())
    assert piped.exit_code == on_disk.exit_code
    assert findings(piped.stdout) == findings(on_disk.stdout)


def test_unnamed_stdin_is_taken_for_what_it_looks_like(project):
    body = invoke("check", "-", "--format", "json", "--as-of", "2026-11-22", input=Path("requests/support.json").read_bytes())
    log = invoke("check", "-", "--format", "json", "--as-of", "2026-11-22", input=Path("requests/batch.jsonl").read_bytes())
    for result, name in ((body, "support.json"), (log, "batch.jsonl")):
        on_disk = invoke("check", f"requests/{name}", "--format", "json", "--no-cache", "--as-of", "2026-11-22")
        expected = [("-",) + f[1:] for f in findings(on_disk.stdout)]
        assert expected and findings(result.stdout) == expected


def test_stdin_reaches_the_set_rules():
    # The two-stage batch: one subtree prompt used by a single page, with a 1h TTL.
    data = (ROOT / "examples" / "labeling" / "stage2_batch.jsonl").read_bytes()
    result = invoke("check", "-", "--format", "json", input=data)
    assert result.exit_code == 1
    assert {f[1] for f in findings(result.stdout)} == {"PC401", "PC402"}


PYTHON = """\
import datetime

import anthropic

client = anthropic.Anthropic()


def answer(question: str):
    return client.messages.create(
        model="claude-sonnet-5-5",
        max_tokens=256,
        system=[{"type": "text", "text": f"Today is {datetime.date.today()}. " + "Answer billing questions. " * 400,{suppress}
                 "cache_control": {"type": "ephemeral"}}],
        messages=[{"role": "user", "content": question}],
    )
"""


def test_python_on_stdin(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("check", "-", "--format", "json", "--select", "PC101", input=PYTHON.replace("{suppress}", ""))
    assert result.exit_code == 1
    assert [(f[0], f[1], f[2]) for f in findings(result.stdout)] == [("-", "PC101", 12)]
    # A comment on the line silences it, as in a file: the comments are read from what was piped.
    silenced = invoke("check", "-", "--select", "PC101", input=PYTHON.replace("{suppress}", "  # promptlint: ignore[PC101]"))
    assert silenced.exit_code == 0, silenced.stdout


def test_python_named_after_a_project_module_follows_its_imports(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples" / "python_app", tmp_path / "app")
    monkeypatch.chdir(tmp_path)
    on_disk = invoke("check", "app/assistant.py", "--format", "json", "--no-cache")
    piped = invoke("check", "-", "--stdin-filename", "app/assistant.py", "--format", "json", input=Path("app/assistant.py").read_bytes())
    # The findings are in prompts.py, which the piped module imports.
    assert {f[0] for f in findings(on_disk.stdout)} == {"app/prompts.py"}
    assert findings(piped.stdout) == findings(on_disk.stdout)


def test_stdin_filename_takes_the_config_for_that_path(project):
    Path("pyproject.toml").write_text(
        '[tool.promptlint]\nper-file-ignores = { "requests/support*" = ["PC"] }\nexclude = ["requests/support.json"]\n', encoding="utf-8"
    )
    data = Path("requests/support.json").read_bytes()
    assert invoke("check", "-", "--stdin-filename", "requests/other.json", input=data).exit_code == 1
    assert invoke("check", "-", "--stdin-filename", "requests/support.json", input=data).exit_code == 0
    excluded = invoke("check", "-", "--stdin-filename", "requests/support.json", "--force-exclude", input=data)
    assert excluded.exit_code == 0 and "0 files" in excluded.stderr


def test_broken_stdin_is_a_finding_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # Python is parsed when it sends a request (PL001's scope, rules/PL001.md).
    result = invoke("check", "-", "--format", "json", input="import anthropic\nanthropic.Anthropic().messages.create(model=\n")
    assert result.exit_code == 1
    assert [(f[0], f[1]) for f in findings(result.stdout)] == [("-", "PL001")]


def test_nothing_piped_is_left_behind(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    invoke("check", "-", input=(GOLDEN_FIXTURES / "batch.jsonl").read_bytes())
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["-", "requests/support.json"], "checked on its own"),
        (["-", "--fix"], "--fix reads the files it fixes"),
        (["-", "--diff"], "--diff reads the files it fixes"),
        (["-", "--stdin-filename", "notes.txt"], "reads .json, .jsonl, .py files, not .txt"),
        (["requests", "--stdin-filename", "a.py"], "give - as the path too"),
    ],
)
def test_stdin_usage_errors(project, args, message):
    result = invoke("check", *args, input="{}")
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    "data, suffix",
    [
        (b'{"model": "claude-sonnet-5-5", "messages": []}', ".json"),
        (b'{\n  "model": "claude-sonnet-5-5"\n}\n', ".json"),
        (b'\xef\xbb\xbf  [{"a": 1}]\n', ".json"),
        (b'{"custom_id": "a", "params": {}}\n{"custom_id": "b", "params": {}}\n', ".jsonl"),
        (b'{"custom_id": "a", "par\n{"custom_id": "b", "params": {}}\n', ".jsonl"),  # the first record cut off
        (b'{\n  "messages": [\n    {}\n  ]\n}\n', ".json"),  # an indented line inside a value is no record
        (b"import anthropic\n", ".py"),
        (b"", ".py"),
    ],
)
def test_sniff_suffix(data, suffix):
    assert sniff_suffix(data) == suffix


def test_the_installed_command_reads_a_pipe(tmp_path):
    # The real process, as a shell pipe feeds it: stdin is a byte stream, not a terminal.
    body = (GOLDEN_FIXTURES / "support.json").read_bytes()
    run = subprocess.run([sys.executable, "-m", "promptlint", "check", "-", "--format", "concise"], input=body, capture_output=True, cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert run.stdout.decode().startswith("-:")
