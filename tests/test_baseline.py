"""``--write-baseline`` / ``--baseline``: adopt promptlint on a project with old findings,
and ``--statistics``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from promptlint import __version__, baseline
from promptlint.diagnostic import Diagnostic, Severity
from promptlint.report.fingerprint import fingerprints
from promptlint.request import Span
from tests.test_cli import invoke
from tests.test_formats import _insert_line, assert_valid_sarif

AS_OF = ("--as-of", "2026-11-22")
# The golden fixtures' findings (see tests/golden/check.txt).
GOLDEN_FINDINGS = 6


def check(*args: str):
    return invoke("check", "requests", *AS_OF, *args)


def write_baseline(name: str = "promptlint-baseline.json") -> Path:
    result = check("--write-baseline", name)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    return Path(name)


def stale_lines(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        if "no longer match" in line:
            return lines[i + 1 : i + 1 + int(line.split("baseline: ")[1].split()[0])]
    return []


# Writing ---------------------------------------------------------------------------------


def test_write_baseline_records_every_finding(project):
    path = write_baseline()
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["version"] == 2
    assert document["generated_by"] == f"promptlint {__version__}"
    findings = document["findings"]
    assert len(findings) == GOLDEN_FINDINGS
    assert all(list(f) == ["code", "path", "fingerprint", "message"] for f in findings)
    assert {(f["path"], f["code"]) for f in findings} == {
        ("requests/batch.jsonl", "PC301"),
        ("requests/batch.jsonl", "PL001"),
        ("requests/broken.json", "PL001"),
        ("requests/support.json", "PC101"),
        ("requests/support.json", "PC204"),
        ("requests/support.json", "PC303"),
    }
    keys = [(f["path"], f["code"], f["fingerprint"]) for f in findings]
    assert keys == sorted(keys)
    # The same fingerprints SARIF carries: one identity for a finding, whatever the output.
    sarif = json.loads(check("--format", "sarif").stdout)
    assert {f["fingerprint"] for f in findings} == {
        r["partialFingerprints"]["primaryLocationLineHash"] for r in sarif["runs"][0]["results"]
    }


def test_write_baseline_is_stable_and_ignores_format_options(project):
    first = write_baseline().read_bytes()
    again = check("--write-baseline", "promptlint-baseline.json", "--format", "json", "--statistics")
    assert again.exit_code == 0 and again.stdout == ""
    assert Path("promptlint-baseline.json").read_bytes() == first
    assert first.endswith(b"\n") and b"\r" not in first
    assert "wrote 6 findings from 5 files to promptlint-baseline.json" in again.stderr


def test_write_baseline_with_nothing_found(project):
    result = invoke("check", "requests/clean.json", "--write-baseline", "b.json")
    assert result.exit_code == 0
    assert json.loads(Path("b.json").read_text(encoding="utf-8"))["findings"] == []


def test_write_baseline_into_a_missing_folder_is_exit_2(project):
    result = check("--write-baseline", "no/such/folder/b.json")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "cannot write baseline" in result.stderr


# Checking against it ------------------------------------------------------------------------


def test_round_trip_prints_nothing_and_exits_0(project):
    write_baseline()
    result = check("--baseline", "promptlint-baseline.json")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no longer match" not in result.stderr
    assert result.stderr.startswith("All checks passed (5 files checked). 6 findings in the baseline not shown.")


def test_a_baseline_works_from_any_folder_of_the_repository(project, monkeypatch):
    # Written at the top, read from a subfolder (and the other way round): entries name files
    # from the repository's top folder, not from wherever promptlint ran.
    (project / ".git").mkdir()
    write_baseline()
    monkeypatch.chdir(project / "requests")
    result = invoke("check", ".", *AS_OF, "--baseline", "../promptlint-baseline.json")
    assert result.exit_code == 0 and result.stdout == "" and "no longer match" not in result.stderr
    assert invoke("check", ".", *AS_OF, "--write-baseline", "../promptlint-baseline.json").exit_code == 0
    monkeypatch.chdir(project)
    assert check("--baseline", "promptlint-baseline.json").exit_code == 0


def test_a_version_1_baseline_written_in_a_subfolder_still_matches_there(project, monkeypatch):
    # Before version 2, paths and fingerprints were the working folder's: such a file, read
    # from the folder it was written in, still hides its findings.
    (project / ".git").mkdir()
    monkeypatch.chdir(project / "requests")
    import datetime as dt

    from promptlint.config import Settings
    from promptlint.engine import Engine
    from promptlint.report import fingerprint as fp

    found = Engine(Settings(root=project, as_of=dt.date(2026, 11, 22), cache=False)).check_paths([Path(".")]).diagnostics
    assert found

    legacy = [{"code": d.code, "path": d.span.path, "fingerprint": p, "message": d.message} for d, p in zip(found, fp.fingerprints(found, name=str))]
    Path("old.json").write_text(json.dumps({"version": 1, "findings": legacy}), encoding="utf-8")
    again = invoke("check", ".", *AS_OF, "--baseline", "old.json")
    assert again.exit_code == 0 and "no longer match" not in again.stderr, again.stderr


def test_the_baseline_file_is_not_itself_a_finding(project):
    """Kept in the project folder, the baseline is walked like any .json file."""
    write_baseline()
    result = invoke("check", *AS_OF, "--baseline", "promptlint-baseline.json")
    assert result.exit_code == 0 and result.stdout == ""


def test_a_new_finding_is_reported_and_old_ones_stay_hidden(project):
    write_baseline()
    shutil.copy("requests/broken.json", "requests/broken2.json")
    result = check("--baseline", "promptlint-baseline.json")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["requests/broken2.json:6:3: PL001 [error] invalid JSON: trailing comma before ']'"]
    assert result.stderr.startswith("Found 1 problem (1 error) in 6 files checked. 6 findings in the baseline not shown.")
    rows = json.loads(check("--baseline", "promptlint-baseline.json", "--format", "json").stdout)
    assert [(r["filename"], r["code"]) for r in rows] == [("requests/broken2.json", "PL001")]


def test_exit_zero_still_applies(project):
    write_baseline()
    shutil.copy("requests/broken.json", "requests/broken2.json")
    assert check("--baseline", "promptlint-baseline.json", "--exit-zero").exit_code == 0


def test_a_fixed_finding_makes_its_entry_stale(project):
    write_baseline()
    broken = Path("requests/broken.json")
    broken.write_text(broken.read_text(encoding="utf-8").replace("},\n  ]", "}\n  ]"), encoding="utf-8")
    result = check("--baseline", "promptlint-baseline.json")
    assert result.exit_code == 0 and result.stdout == ""
    assert "promptlint: baseline: 1 entry no longer match (fixed or moved):" in result.stderr
    assert stale_lines(result.stderr) == ["  requests/broken.json: PL001 invalid JSON: trailing comma before ']'"]
    assert "--write-baseline promptlint-baseline.json" in result.stderr
    # Machine formats keep stdout pure: the stale entries go to stderr there too.
    as_json = check("--baseline", "promptlint-baseline.json", "--format", "json")
    assert json.loads(as_json.stdout) == [] and "no longer match" in as_json.stderr
    # Rewriting drops the entry: the baseline only shrinks.
    write_baseline()
    assert "no longer match" not in check("--baseline", "promptlint-baseline.json").stderr
    assert len(json.loads(Path("promptlint-baseline.json").read_text(encoding="utf-8"))["findings"]) == GOLDEN_FINDINGS - 1


def test_a_deleted_file_makes_its_entries_stale(project):
    write_baseline()
    Path("requests/support.json").unlink()
    result = check("--baseline", "promptlint-baseline.json")
    assert result.exit_code == 0
    assert [line.split(":")[0].strip() for line in stale_lines(result.stderr)] == ["requests/support.json"] * 3


def test_entries_of_files_not_checked_are_not_stale(project):
    """pre-commit passes only the changed files: the other files' entries are not 'fixed'."""
    write_baseline()
    result = invoke("check", "requests/clean.json", "requests/broken.json", *AS_OF, "--baseline", "promptlint-baseline.json")
    assert result.exit_code == 0 and result.stdout == ""
    assert "no longer match" not in result.stderr


def test_findings_moved_down_by_inserted_lines_still_match(project):
    write_baseline()
    requests = project / "requests"
    _insert_line(requests / "support.json", 1, '  "metadata": {"user_id": "u-1"},')  # pointers
    _insert_line(requests / "broken.json", 1, '  "metadata": {"user_id": "u-1"},')  # line text (parse error)
    _insert_line(requests / "batch.jsonl", 0, "")  # JSONL: pointer and record text
    assert "requests/support.json:8:7: PC101" in check().stdout  # they did move
    result = check("--baseline", "promptlint-baseline.json")
    assert result.exit_code == 0 and result.stdout == ""
    assert "no longer match" not in result.stderr


def test_sarif_with_a_baseline_marks_baselined_findings_suppressed(project):
    write_baseline()
    shutil.copy("requests/broken.json", "requests/broken2.json")
    result = check("--baseline", "promptlint-baseline.json", "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert_valid_sarif(log)
    results = log["runs"][0]["results"]
    suppressed = [r for r in results if r.get("suppressions")]
    active = [r for r in results if not r.get("suppressions")]
    assert len(suppressed) == GOLDEN_FINDINGS
    assert all(r["suppressions"] == [{"kind": "external"}] for r in suppressed)
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in active] == [
        ("PL001", "requests/broken2.json")
    ]
    # Fingerprints do not change when a finding moves into the baseline (code scanning keeps the alert).
    plain = json.loads(check("--format", "sarif").stdout)
    key = lambda r: r["partialFingerprints"]["primaryLocationLineHash"]  # noqa: E731
    assert sorted(map(key, results)) == sorted(map(key, plain["runs"][0]["results"]))


@pytest.mark.parametrize(
    "text, message",
    [
        (None, "baseline promptlint-baseline.json does not exist"),
        ("{not json", "is not valid JSON"),
        ("[]", "expected a JSON object"),
        ('{"findings": []}', "'version' must be 2"),
        ('{"version": 3, "findings": []}', "newer than this promptlint reads"),
        ('{"version": 1}', "'findings' must be a list"),
        ('{"version": 1, "findings": [3]}', "findings[0] is not an object"),
        ('{"version": 1, "findings": [{"code": "PC101", "path": "a.json"}]}', "findings[0] has no string 'fingerprint'"),
        ('{"version": 1, "findings": [{"code": "PC101", "path": "a.json", "fingerprint": "x:1", "message": 1}]}', "'message' is not a string"),
    ],
)
def test_a_missing_or_malformed_baseline_is_one_line_and_exit_2(project, text, message):
    if text is not None:
        Path("promptlint-baseline.json").write_text(text, encoding="utf-8")
    result = check("--baseline", "promptlint-baseline.json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("promptlint: error: ")


def test_a_folder_as_baseline_is_exit_2(project):
    result = check("--baseline", "requests")
    assert result.exit_code == 2 and "is a folder" in result.stderr


def test_baseline_and_write_baseline_together_is_a_usage_error(project):
    assert check("--baseline", "a.json", "--write-baseline", "b.json").exit_code == 2


# Matching, on synthetic findings ------------------------------------------------------------


def _same(line: int) -> Diagnostic:
    # No such file: the fingerprint falls back on the message, so only the line tells them apart.
    return Diagnostic("PC101", "volatile-value-in-prefix", Severity.WARNING, "same", Span("gone/app.json", line, 1))


def test_identical_findings_are_separate_entries_each_absorbing_one():
    two = [_same(3), _same(9)]
    recorded = baseline.entries(two)
    assert len(recorded) == 2 and len({e.key for e in recorded}) == 2
    assert json.loads(baseline.dumps(two))["findings"][0]["fingerprint"].endswith(":1")

    matched = baseline.match(two, recorded)
    assert matched.new == [] and matched.baselined == two and matched.unused == []

    three = [_same(3), _same(9), _same(20)]
    matched = baseline.match(three, recorded)
    assert len(matched.new) == 1 and len(matched.baselined) == 2

    one = [_same(3)]
    matched = baseline.match(one, recorded)
    assert matched.new == [] and len(matched.unused) == 1
    assert baseline.stale(matched.unused, checked=[]) == matched.unused  # the file is gone


def test_match_uses_the_fingerprint_module():
    findings = [_same(3), _same(9)]
    assert [e.fingerprint for e in baseline.entries(findings)] == sorted(fingerprints(findings))


def test_entries_of_an_existing_unchecked_file_are_not_stale(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("kept.json").write_text("{}", encoding="utf-8")
    entry = baseline.Entry("kept.json", "PC101", "x:1", "m")
    assert baseline.stale([entry], checked=[]) == []
    assert baseline.stale([entry], checked=["kept.json"]) == [entry]


# --statistics -------------------------------------------------------------------------------


def test_statistics_rows(project):
    result = check("--statistics")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "2\tPL001\tparse-error",
        "1\tPC101\tvolatile-value-in-prefix",
        "1\tPC204\tttl-order",
        "1\tPC301\tprefix-below-minimum",
        "1\tPC303\tretired-model",
    ]
    assert result.stderr.startswith("Found 6 problems (4 errors, 2 warnings) in 5 files checked.")


def test_statistics_when_clean_and_with_exit_zero(project):
    clean = invoke("check", "requests/clean.json", "--statistics")
    assert clean.exit_code == 0 and clean.stdout == "" and "All checks passed" in clean.stderr
    assert check("--statistics", "--exit-zero").exit_code == 0


def test_statistics_count_only_new_findings_with_a_baseline(project):
    write_baseline()
    shutil.copy("requests/broken.json", "requests/broken2.json")
    shutil.copy("requests/broken.json", "requests/broken3.json")
    result = check("--statistics", "--baseline", "promptlint-baseline.json")
    assert result.exit_code == 1 and result.stdout == "2\tPL001\tparse-error\n"


def test_statistics_as_json(project):
    result = check("--statistics", "--format", "json")
    rows = json.loads(result.stdout)
    assert rows[0] == {"count": 2, "code": "PL001", "name": "parse-error"}
    assert sum(r["count"] for r in rows) == GOLDEN_FINDINGS
    assert result.stderr == ""


def test_statistics_with_another_machine_format_is_a_usage_error(project):
    assert check("--statistics", "--format", "sarif").exit_code == 2


def test_statistics_to_an_output_file(project):
    result = check("--statistics", "-o", "stats.tsv")
    assert result.stdout == "" and Path("stats.tsv").read_text(encoding="utf-8").startswith("2\tPL001\tparse-error\n")
