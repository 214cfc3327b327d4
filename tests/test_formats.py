"""Every output format: golden snapshots, SARIF against the official schema, GitHub's rules."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from promptlint import __version__, docs
from promptlint.diagnostic import Diagnostic, Fix, Severity
from promptlint.report import REPORTERS, full, sarif
from promptlint.report.fingerprint import fingerprints
from promptlint.request import Span
from tests.test_cli import golden, invoke

# In CI the checkout sits beside ../shared, which holds the schema; it is not vendored.
SARIF_SCHEMA = Path(__file__).resolve().parents[2] / "shared/data/sarif-schema-2.1.0.json"

HUMAN = ("concise", "full")
MACHINE = ("json-lines", "github", "sarif", "junit")


def check(*args: str):
    return invoke("check", "requests", "--as-of", "2026-11-22", *args)


def render(fmt: str, diagnostics: list[Diagnostic]) -> str:
    out = io.StringIO()
    REPORTERS[fmt](diagnostics, out)
    return out.getvalue()


def finding(path: str = "requests/app.json", line: int = 3, column: int = 5, severity: Severity = Severity.ERROR, message: str = "something is off", **span) -> Diagnostic:
    return Diagnostic(
        "PC101",
        "volatile-value-in-prefix",
        severity,
        message,
        Span(path, line, column, **span),
        note="a note",
        fix=Fix("do this instead"),
    )


def sarif_schema() -> dict:
    if not SARIF_SCHEMA.is_file():
        pytest.fail(f"the SARIF 2.1.0 schema is missing: looked for {SARIF_SCHEMA} (../shared/data/ beside the checkout)")
    return json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))


def assert_valid_sarif(log: dict) -> None:
    schema = sarif_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10])


def sarif_snapshot(text: str) -> str:
    """The SARIF output without what a release or an edit of a rule page changes.

    The version becomes ``<version>``; the texts taken from rule pages (checked against
    the pages in ``test_sarif_rule_help_is_the_rule_page``) become placeholders, so the
    snapshot shows only the format.
    """
    text = text.replace(f'"version": "{__version__}"', '"version": "<version>"')
    text = text.replace(f'"semanticVersion": "{__version__}"', '"semanticVersion": "<version>"')
    # Where it ran: the test's temporary folder.
    text = text.replace(json.dumps(Path.cwd().resolve().as_uri() + "/"), '"file:///<working folder>/"')
    for rule in json.loads(text)["runs"][0]["tool"]["driver"]["rules"]:
        if docs.page(rule["id"], rule["name"]) is None:
            continue
        for key, value in (("page", rule["help"]["markdown"]), ("what it does", rule["fullDescription"]["text"])):
            text = text.replace(json.dumps(value, ensure_ascii=False), json.dumps(f"<{key} of {rule['id']}>"))
    return text


# Golden snapshots ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", HUMAN + MACHINE)
def test_format_is_golden(project, fmt):
    result = check("--format", fmt)
    assert result.exit_code == 1
    actual = result.stdout if fmt != "sarif" else sarif_snapshot(result.stdout)
    golden(f"check.{fmt}", actual)
    if fmt in HUMAN:  # a summary for people, on stderr
        assert result.stderr.startswith("Found 6 problems (4 errors, 2 warnings) in 5 files checked.")
    else:  # machine formats write the report and nothing else
        assert result.stderr == ""


def test_text_is_concise(project):
    assert check().stdout == check("--format", "concise").stdout
    assert REPORTERS["text"] is REPORTERS["concise"]


def test_cli_offers_every_format():
    help_text = invoke("check", "--help").stdout
    for fmt in ("concise", "full", "github", "json", "json-lines", "junit", "sarif", "text"):
        assert fmt in help_text


def test_json_lines_are_the_json_objects(project):
    rows = json.loads(check("--format", "json").stdout)
    lines = check("--format", "json-lines").stdout.splitlines()
    assert [json.loads(line) for line in lines] == rows


def test_json_lines_keep_line_separators_inside_records():
    text = render("json-lines", [finding(message="a\u2028b\u2029c\x85d")])
    assert len(text.splitlines()) == 1
    assert json.loads(text)["message"] == "a\u2028b\u2029c\x85d"


@pytest.mark.parametrize("fmt", MACHINE + ("json",))
def test_clean_run_in_machine_formats(project, fmt):
    result = invoke("check", "requests/clean.json", "--format", fmt)
    assert result.exit_code == 0 and result.stderr == ""
    if fmt == "sarif":
        log = json.loads(result.stdout)
        assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []
        assert_valid_sarif(log)
    elif fmt == "junit":
        root = ET.fromstring(result.stdout)
        assert root.get("failures") == "0" and len(root.findall("testsuite/testcase")) == 1
    elif fmt == "json":
        assert json.loads(result.stdout) == []
    else:
        assert result.stdout == ""


@pytest.mark.parametrize("fmt", ("sarif", "junit", "github"))
def test_ci_formats_say_which_files_were_not_checked(project, monkeypatch, fmt):
    from promptlint.engine import Engine

    real = Engine.check_file

    def broken_on_app(self, path, shown, as_path=None):
        if path.name == "support.json":
            raise RuntimeError("boom")
        return real(self, path, shown, as_path)

    monkeypatch.setattr(Engine, "check_file", broken_on_app)
    result = check("--format", fmt)
    assert result.exit_code == 2
    assert "internal error while checking requests/support.json: RuntimeError: boom" in result.stderr
    if fmt == "sarif":
        log = json.loads(result.stdout)
        assert_valid_sarif(log)
        (invocation,) = log["runs"][0]["invocations"]
        assert invocation["executionSuccessful"] is False
        (note,) = invocation["toolExecutionNotifications"]
        assert note["level"] == "error" and "RuntimeError: boom" in note["message"]["text"]
        assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "requests/support.json"
        assert log["runs"][0]["results"]  # the other files' findings are still there
    elif fmt == "junit":
        root = ET.fromstring(result.stdout)
        assert root.get("errors") == "1" and int(root.get("failures")) > 0
        (error,) = root.findall("testsuite/testcase/error")
        assert "RuntimeError: boom" in error.get("message")
    else:
        first = result.stdout.splitlines()[0]
        assert first.startswith("::error title=promptlint (internal error),file=requests/support.json::")
        assert "RuntimeError: boom" in first


def test_a_run_that_checked_everything_says_so_in_sarif(project):
    (invocation,) = json.loads(check("--format", "sarif").stdout)["runs"][0]["invocations"]
    assert invocation == {"executionSuccessful": True, "workingDirectory": {"uri": Path.cwd().resolve().as_uri() + "/"}, "toolExecutionNotifications": []}


# SARIF ---------------------------------------------------------------------------------


def test_sarif_is_valid_and_has_what_code_scanning_reads(project):
    log = json.loads(check("--format", "sarif").stdout)
    assert_valid_sarif(log)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "promptlint" and driver["version"] == __version__ and driver["informationUri"]
    rows = json.loads(check("--format", "json").stdout)
    assert [r["id"] for r in driver["rules"]] == sorted({r["code"] for r in rows})
    for rule in driver["rules"]:
        for key in ("shortDescription", "fullDescription", "help"):
            assert rule[key]["text"], (rule["id"], key)
        assert rule["name"] and rule["helpUri"].endswith(f"/rules/{rule['id']}-{rule['name']}.md")
        assert rule["help"]["markdown"].startswith(f"# {rule['id']}: {rule['name']}")
        assert "](PC" not in rule["help"]["markdown"]  # links between pages are absolute
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert len(run["results"]) == len(rows)
    for result, row in zip(run["results"], rows):
        assert result["ruleId"] == row["code"]
        assert driver["rules"][result["ruleIndex"]]["id"] == row["code"]
        assert result["level"] == {"error": "error", "warning": "warning", "info": "note"}[row["severity"]]
        assert result["message"]["text"].startswith(row["message"])
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": row["filename"], "uriBaseId": "%SRCROOT%"}
        assert location["region"]["startLine"] == row["location"]["row"]
        assert location["region"]["startColumn"] == row["location"]["column"]
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in run["results"]]
    assert len(set(hashes)) == len(hashes)


def test_sarif_rule_help_is_the_rule_page(project):
    rules = json.loads(check("--format", "sarif").stdout)["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        page = docs.page(rule["id"], rule["name"])
        assert page, rule["id"]
        linked = page.replace("](P", "](https://github.com/promptlint/promptlint/blob/main/rules/P")
        assert rule["help"]["markdown"] == rule["help"]["text"] == linked
        what = linked.split("## What it does\n", 1)[1].split("\n## ", 1)[0].strip()
        assert rule["fullDescription"]["text"] == what


def test_sarif_region_end_is_exclusive_and_suppressed_findings_are_kept():
    active = finding(line=3, column=5, end_line=3, end_column=9)
    hidden = finding(path="requests/other.json", severity=Severity.INFO)
    out = io.StringIO()
    sarif.write_sarif([active], out, suppressed=[hidden])
    log = json.loads(out.getvalue())
    assert_valid_sarif(log)
    first, second = log["runs"][0]["results"]
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 10}
    assert "suppressions" not in first
    assert second["suppressions"] == [{"kind": "external"}] and second["level"] == "note"
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == 1


def test_json_end_location_is_exclusive_as_in_ruff():
    # Characters 5..9 of line 3: Ruff (and SARIF) end one past the last, at column 10.
    from promptlint.report import json_format

    spanned = json_format.as_dict(finding(line=3, column=5, end_line=3, end_column=9))
    assert (spanned["location"], spanned["end_location"]) == ({"row": 3, "column": 5}, {"row": 3, "column": 10})
    point = json_format.as_dict(finding(line=3, column=5))
    assert point["end_location"] == {"row": 3, "column": 5}


def test_silencing_a_finding_on_its_line_keeps_its_sarif_fingerprint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = (
        "import anthropic\n"
        "from datetime import datetime\n"
        "\n"
        "client = anthropic.Anthropic()\n"
        'SYSTEM = f"Today is {datetime.now()}. " + "You are a support agent for Example Travel. " * 200\n'
        "\n"
        "\n"
        "def answer(question: str):\n"
        "    return client.messages.create(\n"
        '        model="claude-sonnet-4-6",\n'
        "        max_tokens=100,\n"
        '        system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],\n'
        '        messages=[{"role": "user", "content": question}],\n'
        "    )\n"
    )

    def pc101() -> dict:
        log = json.loads(invoke("check", "app.py", "--no-cache", "--format", "sarif", "--as-of", "2026-11-22").stdout)
        (found,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "PC101"]
        return found

    (tmp_path / "app.py").write_text(source, encoding="utf-8")
    before = pc101()
    assert "suppressions" not in before
    lines = source.splitlines(keepends=True)
    lines[4] = lines[4].rstrip("\n") + "  # promptlint: ignore[PC101] -- the date is the point\n"
    (tmp_path / "app.py").write_text("".join(lines), encoding="utf-8")
    after = pc101()
    assert after["suppressions"][0]["kind"] == "inSource"
    assert after["partialFingerprints"] == before["partialFingerprints"]
    # Ruff's form, and another tool's noqa, leave it too.
    for comment in ("  # noqa: PC101", "  # noqa: E501"):
        lines[4] = source.splitlines(keepends=True)[4].rstrip("\n") + comment + "\n"
        (tmp_path / "app.py").write_text("".join(lines), encoding="utf-8")
        assert pc101()["partialFingerprints"] == before["partialFingerprints"], comment


def test_sarif_uris_are_relative_to_the_repository_top_when_run_in_a_subfolder(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "services" / "api").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "services" / "api")
    assert sarif.artifact("agents/x.json") == {"uri": "services/api/agents/x.json", "uriBaseId": "%SRCROOT%"}
    assert sarif.artifact(str(tmp_path / "other" / "y.py")) == {"uri": "other/y.py", "uriBaseId": "%SRCROOT%"}
    log = sarif.log([finding(path="agents/x.json")])
    assert log["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.resolve().as_uri() + "/"}}
    assert log["runs"][0]["invocations"][0]["workingDirectory"] == {"uri": (tmp_path / "services" / "api").resolve().as_uri() + "/"}
    assert_valid_sarif(log)


def test_github_annotations_name_files_from_the_repository_top(tmp_path, monkeypatch):
    from promptlint.report import github

    (tmp_path / ".git").mkdir()
    (tmp_path / "services").mkdir()
    monkeypatch.chdir(tmp_path / "services")
    assert ",file=services/agents/x.json," in github.annotation(finding(path="agents/x.json"))


def test_sarif_uris():
    assert sarif.artifact("requests/a b%.json") == {"uri": "requests/a%20b%25.json", "uriBaseId": "%SRCROOT%"}
    assert sarif.artifact("/srv/app/x.json") == {"uri": "file:///srv/app/x.json"}
    assert sarif.artifact("../elsewhere/x.json")["uri"].startswith("file:///")


def _insert_line(path: Path, after: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(after, text)
    path.write_text("\n".join(lines), encoding="utf-8")


def _by_fingerprint(log: dict) -> dict[str, tuple[str, int]]:
    return {
        r["partialFingerprints"]["primaryLocationLineHash"]: (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in log["runs"][0]["results"]
    }


def test_fingerprints_survive_a_line_inserted_above(project):
    before = _by_fingerprint(json.loads(check("--format", "sarif").stdout))
    requests = project / "requests"
    _insert_line(requests / "support.json", 1, '  "metadata": {"user_id": "u-1"},')  # pointers
    _insert_line(requests / "broken.json", 1, '  "metadata": {"user_id": "u-1"},')  # line text (parse error)
    _insert_line(requests / "batch.jsonl", 0, "")  # JSONL: pointer and record text
    after = _by_fingerprint(json.loads(check("--format", "sarif").stdout))
    assert after.keys() == before.keys()
    assert {key: (code, line + 1) for key, (code, line) in before.items()} == after


def test_fingerprints_tell_findings_apart():
    same = [finding(line=4), finding(line=9)]  # nothing but the line tells them apart
    first, second = fingerprints(same, lines={})
    assert first.split(":")[0] == second.split(":")[0] and (first[-2:], second[-2:]) == (":1", ":2")
    assert fingerprints(same[::-1], lines={}) == [second, first]  # counted in line order, not input order
    other_rule = Diagnostic("PC204", "ttl-order", Severity.ERROR, "x", Span("requests/app.json", 3, 5))
    other_path = finding(path="requests/b.json")
    assert len({p.split(":")[0] for p in fingerprints([finding(), other_rule, other_path], lines={})}) == 3


# GitHub annotations --------------------------------------------------------------------


def test_github_escapes_as_actions_core_does():
    d = finding(path="dir:a,b/x%.json", line=2, column=3, message="100% sure\r\nnext: a, b")
    assert render("github", [d]) == (
        "::error title=promptlint (PC101),file=dir%3Aa%2Cb/x%25.json,line=2,col=3,endLine=2,endColumn=3"
        "::100%25 sure%0D%0Anext: a, b\n"
    )


def test_github_levels_and_multiline_spans():
    lines = render(
        "github",
        [
            finding(severity=Severity.WARNING, line=2, column=3, end_line=4, end_column=7),
            finding(severity=Severity.INFO, line=5, column=1, end_line=5, end_column=8),
        ],
    ).splitlines()
    assert lines[0] == "::warning title=promptlint (PC101),file=requests/app.json,line=2,endLine=4::something is off"
    assert lines[1] == "::notice title=promptlint (PC101),file=requests/app.json,line=5,col=1,endLine=5,endColumn=8::something is off"


@pytest.mark.parametrize(
    "errors, warnings, infos, expected",
    [
        (10, 10, 10, None),
        (11, 2, 0, "11 errors, 2 warnings, 0 notices"),
        (1, 12, 1, "1 error, 12 warnings, 1 notice"),
        (0, 0, 11, "0 errors, 0 warnings, 11 notices"),
    ],
)
def test_github_notice_when_annotations_are_capped(errors, warnings, infos, expected):
    found = (
        [finding(line=n + 1) for n in range(errors)]
        + [finding(severity=Severity.WARNING, line=n + 1) for n in range(warnings)]
        + [finding(severity=Severity.INFO, line=n + 1) for n in range(infos)]
    )
    lines = render("github", found).splitlines()
    if expected is None:
        assert len(lines) == len(found)
        return
    assert len(lines) == len(found) + 1 and all("notice" not in l or "title=" in l for l in lines[:-1])
    last = lines[-1]
    assert last.startswith("::notice::promptlint found " + expected)
    assert "sarif" in last and "upload-sarif" in last


# full ----------------------------------------------------------------------------------


def test_full_without_a_file_has_no_excerpt(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "binary.json").write_bytes(b'{"a": 1}\x00\x01\n' * 3)
    (tmp_path / "short.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "folder.json").mkdir()
    for path, line in (("gone/missing.json", 3), ("binary.json", 2), ("short.json", 40), ("folder.json", 1), ("short.json", 0)):
        text = render("full", [finding(path=path, line=line, column=2)])
        assert text == (
            "PC101 [error] something is off\n"
            f"{' ' * len(str(line))}--> {path}:{line}:2\n"
            f"{' ' * len(str(line))} = note: a note\n"
            f"{' ' * len(str(line))} = help: do this instead\n\n"
        )


def test_full_survives_an_unreadable_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.json").write_text("{}\n", encoding="utf-8")

    def refuse(*args, **kwargs):
        raise PermissionError("denied")

    monkeypatch.setattr(Path, "open", refuse)
    assert " | " not in render("full", [finding(path="secret.json", line=1)])


def test_full_cuts_long_lines_around_the_column(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = "文字" + "a" * 600  # wide characters before the window, which is cut off
    line = before + "X" + "b" * 600
    (tmp_path / "log.jsonl").write_text('{"first": 1}\n' + line + '\n{"third": 3}\n', encoding="utf-8")
    text = render("full", [finding(path="log.jsonl", line=2, column=len(before) + 1)])
    rows = text.splitlines()
    assert not any(r.startswith("1 |") or r.startswith("3 |") for r in rows)  # JSONL: the line alone
    shown = next(r for r in rows if r.startswith("2 | "))
    marker = rows[rows.index(shown) + 1]
    assert shown.startswith("2 | …") and shown.endswith("…") and len(shown) <= len("2 | ") + full.WIDTH + 2
    assert marker.index("^") == shown.index("X") and marker.count("^") == 1


def test_full_marks_wide_characters_and_spans(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.json").write_text('{\n  "text": "日本語\tok\x1b[31m",\n}\n', encoding="utf-8")
    text = render("full", [finding(path="a.json", line=2, column=16, end_line=2, end_column=17)])
    assert text.splitlines()[4:7] == [
        '2 |   "text": "日本語 ok\ufffd[31m",',
        "  | " + " " * 18 + "^^",  # 11 + 3 wide characters (6 cells) + the tab (1 cell)
        "3 | }",
    ]


# junit ---------------------------------------------------------------------------------


def test_junit_is_well_formed_for_any_message():
    text = render("junit", [finding(message='quote " & <tag> \x01 done'), finding(path="b/c.json", severity=Severity.WARNING)])
    root = ET.fromstring(text)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["requests/app.json", "b/c.json"]
    case = suites[0].find("testcase")
    assert (case.get("name"), case.get("classname"), case.get("line")) == ("PC101", "requests/app.json", "3")
    failure = case.find("failure")
    assert failure.get("message") == 'quote " & <tag> \ufffd done' and failure.get("type") == "error"
    assert suites[1].find("testcase/failure").get("type") == "warning"
