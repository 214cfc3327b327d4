"""Bad input gives diagnostics, never a traceback, and never hides other files' findings."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from promptlint.config import Settings
from promptlint.engine import Engine
from tests.conftest import AS_OF, anthropic, codes, text_block

# A file with a finding of its own, checked beside each bad one.
GOOD_FINDING = anthropic([text_block("Classify the ticket.")], model="claude-haiku-4-5")


def lint_folder(folder: Path) -> list:
    result = Engine(Settings(root=folder, as_of=AS_OF)).check_paths([folder])
    assert not result.failures, result.failures
    return result.diagnostics


def with_neighbour(tmp_path: Path, name: str, content: bytes) -> list:
    (tmp_path / name).write_bytes(content)
    (tmp_path / "neighbour.json").write_text(json.dumps(GOOD_FINDING), encoding="utf-8")
    found = lint_folder(tmp_path)
    assert ("neighbour.json", "PC301") in {(Path(d.span.path).name, d.code) for d in found}
    return [d for d in found if Path(d.span.path).name == name]


def test_invalid_utf8(tmp_path):
    found = with_neighbour(tmp_path, "bad.json", b'{\n  "messages": [],\n  "system": "caf\xe9"\n}')
    assert codes(found) == ["PL001"]
    assert "UTF-8" in found[0].message and found[0].span.line == 3


def test_python_with_a_coding_declaration_is_read_in_that_encoding(tmp_path):
    # A Latin-1 module (PEP 263) is valid Python: analysed, not reported as bad UTF-8.
    source = (
        "# -*- coding: latin-1 -*-\nimport anthropic\nclient = anthropic.Anthropic()\n"
        "def ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=10, "
        "system=[{'type': 'text', 'text': 'Réponds brièvement.', 'cache_control': {'type': 'ephemeral'}}], messages=[{'role': 'user', 'content': q}]).usage.cache_read_input_tokens\n"
    )
    found = with_neighbour(tmp_path, "latin.py", source.encode("latin-1"))
    assert codes(found) == ["PC301"]
    unknown = with_neighbour(tmp_path, "odd.py", b"# -*- coding: klingon -*-\nimport anthropic\nanthropic.Anthropic().messages.create()\n")
    assert codes(unknown) == ["PL001"] and "unknown encoding" in unknown[0].message


def test_binary_file(tmp_path):
    found = with_neighbour(tmp_path, "blob.json", b'\x00\x01"messages"\xff\xfe' * 100)
    assert codes(found) == ["PL001"] and "NUL" in found[0].message


def test_binary_file_without_request_keys_is_not_read(tmp_path):
    assert with_neighbour(tmp_path, "image.json", bytes(range(256)) * 10) == []


def test_empty_files(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    assert with_neighbour(tmp_path, "empty.json", b"") == []


def test_deep_nesting(tmp_path):
    deep = '{"messages": ' + "[" * 10_000 + "]" * 10_000 + "}"
    found = with_neighbour(tmp_path, "deep.json", deep.encode())
    assert codes(found) == ["PL001"] and "nested too deeply" in found[0].message


def test_deep_nesting_in_a_jsonl_line(tmp_path):
    good = json.dumps({"custom_id": "a", "params": GOOD_FINDING})
    deep = '{"messages": ' + "[" * 10_000 + "]" * 10_000 + "}"
    found = with_neighbour(tmp_path, "deep.jsonl", f"{deep}\n{good}\n".encode())
    assert codes(found) == ["PL001", "PC301"]


def test_broken_jsonl_line_among_good_ones(tmp_path):
    lines = [json.dumps({"custom_id": f"r{i}", "params": GOOD_FINDING}) for i in range(5)]
    lines[2] = lines[2][:40]
    lines.insert(4, "\xff not utf8")
    found = with_neighbour(tmp_path, "batch.jsonl", "\n".join(lines).encode("utf-8", "surrogateescape").replace(b"\xc3\xbf", b"\xff"))
    assert [(d.code, d.span.line) for d in found] == [("PC301", 1), ("PL001", 3), ("PL001", 5)]
    assert "3 more requests of this file (lines 2, 4, 6)" in found[0].note


def test_fifty_megabyte_file(tmp_path):
    body = anthropic([text_block("Answer from the manual below.\n" + "The pump must be primed before use. " * 1_450_000)])
    content = json.dumps(body).encode()
    assert len(content) > 50_000_000
    found = with_neighbour(tmp_path, "huge.json", content)
    assert codes(found) == []  # far above the minimum, and clean


def test_request_shaped_values_of_the_wrong_types(tmp_path):
    weird = {"model": 7, "max_tokens": "lots", "system": {"a": 1}, "messages": [None, 3, {"role": 5, "content": {"x": []}}], "tools": "all", "cache_control": []}
    found = with_neighbour(tmp_path, "weird.json", json.dumps(weird).encode())
    assert set(codes(found)) <= {"PL002", "PL003", "PC205"} and "PL002" in codes(found)


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(["model", "messages", "system", "tools", "content", "role", "type", "text", "cache_control", "ttl", "params", "custom_id", "request", "modelId", "cachePoint", "input", "x"]),
        children,
        max_size=5,
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_like, mangle=st.integers(min_value=0, max_value=40), suffix=st.sampled_from([".json", ".jsonl"]))
def test_arbitrary_json_like_text_never_crashes(tmp_path, value, mangle, suffix):
    text = json.dumps(value)
    if mangle and len(text) > mangle:  # cut or corrupt it sometimes
        text = text[:mangle] if mangle % 2 else text[:mangle] + "}" + text[mangle:]
    text = '{"messages": 1}\n' + text if suffix == ".jsonl" else text
    path = tmp_path / f"fuzz{suffix}"
    path.write_text(text, encoding="utf-8")
    result = Engine(Settings(root=tmp_path, as_of=AS_OF)).check_paths([path])
    assert not result.failures, result.failures[0].detail


def batch_line(i: int) -> str:
    return json.dumps({"custom_id": f"r{i}", "params": GOOD_FINDING})


def test_a_bom_before_a_jsonl_file_is_no_part_of_its_first_line(tmp_path):
    lines = "\n".join(batch_line(i) for i in range(3)) + "\n"
    plain = with_neighbour(tmp_path, "batch.jsonl", lines.encode())
    found = with_neighbour(tmp_path, "batch.jsonl", b"\xef\xbb\xbf" + lines.encode())
    assert [(d.code, d.span.line, d.span.column) for d in found] == [(d.code, d.span.line, d.span.column) for d in plain]
    assert codes(found) == ["PC301"] and found[0].span.line == 1 and found[0].span.column > 1
    # A line 1 that does not parse is reported at the column it has without the BOM.
    broken = '{"custom_id": "r0", "params": {"model" "x"}}\n'
    (error,) = with_neighbour(tmp_path, "batch.jsonl", b"\xef\xbb\xbf" + broken.encode() + lines.encode())[:1]
    assert (error.code, error.span.line, error.span.column) == ("PL001", 1, broken.index('"x"') + 1)


def test_diff_reads_line_1_of_a_jsonl_file_with_a_bom(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from promptlint.cli import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "batch.jsonl").write_bytes(b"\xef\xbb\xbf" + f"{batch_line(0)}\n{batch_line(1)}\n".encode())
    result = CliRunner().invoke(cli, ["diff", "batch.jsonl:1", "batch.jsonl:2", "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["a"]["line"] == 1


def test_records_pretty_printed_over_lines_are_one_error_each(tmp_path):
    pretty = json.dumps({"custom_id": "p", "params": GOOD_FINDING}, indent=2).split("\n")
    lines = pretty + [batch_line(1)] + pretty + [batch_line(2)]
    found = with_neighbour(tmp_path, "batch.jsonl", "\n".join(lines).encode())
    n = len(pretty)
    assert [(d.code, d.span.line) for d in found] == [("PL001", 1), ("PC301", n + 1), ("PL001", n + 2)]
    assert found[0].message.startswith(f"a JSONL record must be on one line, and this one spans lines 1–{n} ")
    assert f"spans lines {n + 2}–{2 * n + 1} " in found[2].message
    assert found[1].data["repeated_on_lines"] == [2 * n + 2]  # the other compact record is read too


def test_a_cut_off_line_takes_none_of_the_records_after_it(tmp_path):
    # Wherever a log's writer stopped mid-line, the records after the cut are read as usual.
    whole = batch_line(0)
    for cut in range(1, len(whole)):
        lines = [batch_line(1), whole[:cut], batch_line(2), batch_line(3), ""]
        found = with_neighbour(tmp_path, "batch.jsonl", "\n".join(lines).encode())
        assert [(d.code, d.span.line) for d in found] == [("PC301", 1), ("PL001", 2)], whole[:cut]
        assert "(lines 3, 4)" in found[0].note and "spans lines" not in found[1].message


def test_a_jsonl_line_with_more_than_one_value_says_so_for_jsonl(tmp_path):
    found = with_neighbour(tmp_path, "batch.jsonl", f"{batch_line(0)},\n{batch_line(1)} {batch_line(2)}\n".encode())
    assert codes(found) == ["PL001", "PL001"]
    assert all("a JSONL line holds one record" in d.message and ".json file" not in d.message for d in found)


def _without_root_powers() -> list[str]:
    """A command prefix under which file permissions apply (root ignores them)."""
    import os
    import shutil

    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "running as root: util-linux's setpriv is needed to drop the power to read any file"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def test_an_unreadable_folder_or_file_is_reported_and_the_others_are_still_checked(tmp_path):
    import subprocess
    import sys

    (tmp_path / "neighbour.json").write_text(json.dumps(GOOD_FINDING), encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.json").write_text(json.dumps(GOOD_FINDING), encoding="utf-8")
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps(GOOD_FINDING), encoding="utf-8")
    locked.chmod(0)
    secret.chmod(0)
    try:
        for args in (["."], ["secret.json", "neighbour.json"], ["locked", "neighbour.json"]):
            run = subprocess.run(
                [*_without_root_powers(), sys.executable, "-m", "promptlint", "check", *args, "--no-cache", "--format", "sarif"],
                cwd=tmp_path, capture_output=True, text=True,
            )
            assert run.returncode == 2, run.stderr
            assert "Traceback" not in run.stderr and "internal error" not in run.stderr
            log = json.loads(run.stdout)
            assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]] == ["neighbour.json"]
            notes = {n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: n for n in log["runs"][0]["invocations"][0]["toolExecutionNotifications"]}
            assert set(notes) == ({"locked", "secret.json"} if args == ["."] else {args[0]})
            assert all(n["descriptor"]["id"] == "file-not-read" and "Permission denied" in n["message"]["text"] for n in notes.values())
            assert f"promptlint: could not read {args[0] if args != ['.'] else 'secret.json'}: Permission denied" in run.stderr
        simulated = subprocess.run(
            [*_without_root_powers(), sys.executable, "-m", "promptlint", "simulate", "secret.json", "neighbour.json", "--format", "json"],
            cwd=tmp_path, capture_output=True, text=True,
        )
        assert simulated.returncode == 2 and "promptlint: could not read secret.json: Permission denied" in simulated.stderr
        assert [s["path"] for s in json.loads(simulated.stdout)["sets"]] == ["neighbour.json"]
    finally:
        locked.chmod(0o755)
        secret.chmod(0o644)


def test_a_compressed_request_file_is_said_not_skipped(tmp_path):
    # A gzipped log holds no request key a reader can see: it must not pass as a file
    # with no requests (checked, clean).
    import gzip
    import lzma

    log = (json.dumps({"request": GOOD_FINDING, "timestamp": "2026-12-01T00:00:00Z"}) + "\n").encode()
    for name, data, what in [("log.jsonl", gzip.compress(log), "gzip"), ("body.json", lzma.compress(log), "xz")]:
        found = with_neighbour(tmp_path, name, data)
        assert codes(found) == ["PL001"] and f"{what}-compressed" in found[0].message, found
        (tmp_path / name).unlink()
    # Another tool's compressed cache that happens to be named .json holds no request: skipped.
    assert with_neighbour(tmp_path, "tool-cache.json", gzip.compress(b'{"version": 3, "entries": []}')) == []


def test_simulate_says_a_compressed_log_is_compressed(tmp_path):
    import gzip

    from click.testing import CliRunner

    from promptlint.cli import cli

    path = tmp_path / "log.jsonl"
    path.write_bytes(gzip.compress(b'{"request": {"model": "claude-sonnet-4-6", "messages": []}}\n'))
    result = CliRunner().invoke(cli, ["simulate", str(path)])
    assert "gzip-compressed" in result.stderr and "no requests found" in result.stderr
    assert result.stdout == ""  # no report, and no footnote for figures that are not there
