"""Inline suppression in Python files: `# promptlint: ignore[...]`, and PL004 for unused ones.

The first part drives ``promptlint.suppression`` directly with made-up findings. The second
goes through the engine and the command line with a stand-in Python front-end (registered
for the test only) that reports a PL001 on every line holding ``FLAG``: the findings to
silence are real engine output, whatever the real Python front-end does.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from promptlint import checks, engine, suppression
from promptlint.config import Settings
from promptlint.diagnostic import Diagnostic, Severity
from promptlint.frontends import ParseError, Parsed
from promptlint.request import Span
from tests.conftest import AS_OF
from tests.test_cli import invoke
from tests.test_formats import assert_valid_sarif

RULES = checks.all_rules()
NAMES = {code: rule.name for code, rule in RULES.items()}
EVERY = set(RULES)
PATH = "app.py"


def finding(code: str, line: int, column: int = 5, path: str = PATH) -> Diagnostic:
    rule = RULES[code]
    return Diagnostic(code, rule.name, rule.severity, f"{code} here", Span(path, line, column))


def report(f: checks.Finding) -> Diagnostic:
    rule = RULES["PL004"]
    return Diagnostic(rule.code, rule.name, rule.severity, f.message, f.span, f.note, f.fix, f.data)


def run(source: str, *findings: Diagnostic, active: set[str] = EVERY) -> suppression.Outcome:
    return suppression.apply(textwrap.dedent(source).encode(), PATH, list(findings), active=active, names=NAMES, report=report)


def kept(outcome: suppression.Outcome) -> list[tuple[str, int]]:
    return [(d.code, d.span.line) for d in outcome.kept]


def silenced(outcome: suppression.Outcome) -> list[tuple[str, int]]:
    return [(s.diagnostic.code, s.diagnostic.span.line) for s in outcome.suppressed]


CALL = """\
    import anthropic

    client = anthropic.Anthropic()
    reply = client.messages.create(  # promptlint: ignore[PC101]
        model="claude-sonnet-4-6",
        max_tokens=1024,
        system=f"Today is {today}. You are the support assistant.",
        messages=messages,
    )
"""


# -- where a directive applies ------------------------------------------------------------


def test_a_directive_silences_its_own_line():
    out = run("system = f'Today is {today}'  # promptlint: ignore[PC101]\n", finding("PC101", 1))
    assert kept(out) == [] and silenced(out) == [("PC101", 1)]
    assert out.suppressed[0].comment == Span(PATH, 1, 31, 1, 57)


def test_a_directive_on_the_first_line_of_a_statement_covers_all_its_lines():
    out = run(CALL, finding("PC101", 7), finding("PC101", 9, 1))
    assert silenced(out) == [("PC101", 7), ("PC101", 9)] and kept(out) == []


def test_a_directive_covers_nothing_outside_its_line_and_statement():
    source = """\
        reply = client.messages.create(
            model="claude-sonnet-4-6",  # promptlint: ignore[PC101]
            system=f"Today is {today}.",
        )
        other = 1
    """
    out = run(source, finding("PC101", 3), finding("PC101", 5))
    # Line 2 starts no statement: its directive covers line 2 alone, and is unused.
    assert kept(out) == [("PC101", 3), ("PC101", 5), ("PL004", 2)]


def test_the_innermost_statement_counts():
    source = """\
        def build(today):  # promptlint: ignore[PC101]
            return client.messages.create(
                system=f"Today is {today}.",
            )
    """
    out = run(source, finding("PC101", 3))
    assert kept(out) == [("PC101", 3), ("PL004", 1)]  # the def's comment does not reach into its body


def test_decorators_belong_to_their_def():
    source = """\
        @cache(  # promptlint: ignore[PC101]
            key=f"{now}",
        )
        def build():
            pass
    """
    assert silenced(run(source, finding("PC101", 2))) == [("PC101", 2)]


def test_a_line_in_a_multi_line_string_is_covered_from_the_line_the_string_ends_on():
    source = '''\
        SYSTEM = f"""You are the support assistant.
        Today is {today}.
        Answer politely."""  # promptlint: ignore[PC101]
    '''
    out = run(source, finding("PC101", 2))
    assert silenced(out) == [("PC101", 2)] and kept(out) == []


def test_several_codes_and_rule_names():
    out = run(CALL.replace("ignore[PC101]", "ignore[volatile-value-in-prefix, PC201]"), finding("PC101", 7), finding("PC201", 4))
    assert silenced(out) == [("PC101", 7), ("PC201", 4)] and kept(out) == []
    assert silenced(run("x = 1  # promptlint: ignore[pc101]\n", finding("PC101", 1))) == [("PC101", 1)]


def test_the_marker_in_any_case_and_ruff_s_noqa_for_our_codes():
    assert silenced(run("x = 1  # PROMPTLINT: IGNORE[pc101]\n", finding("PC101", 1))) == [("PC101", 1)]
    # Ruff's and flake8's form, shared with other tools: only the PC/PL codes are ours.
    out = run("x = 1  # noqa: E501, PC101\n", finding("PC101", 1), finding("PC301", 1))
    assert silenced(out) == [("PC101", 1)] and kept(out) == [("PC301", 1)]
    assert silenced(run(CALL.replace("# promptlint: ignore[PC101]", "# noqa: PC101"), finding("PC101", 7))) == [("PC101", 7)]
    # A bare noqa, or one naming only other tools' codes, is theirs: it silences nothing here.
    assert kept(run("x = 1  # noqa\n", finding("PC101", 1))) == [("PC101", 1)]
    assert kept(run("x = 1  # noqa: E501\n", finding("PC101", 1))) == [("PC101", 1)]
    # An unused noqa code of ours is reported, as Ruff's RUF100 does.
    assert kept(run("x = 1  # noqa: PC201\n", finding("PC101", 1))) == [("PC101", 1), ("PL004", 1)]


def test_a_bare_directive_silences_every_code():
    out = run("x = 1  # promptlint: ignore\n", finding("PC101", 1), finding("PC301", 1))
    assert silenced(out) == [("PC101", 1), ("PC301", 1)] and kept(out) == []


def test_a_directive_names_only_what_it_names():
    out = run("x = 1  # promptlint: ignore[PC201]\n", finding("PC101", 1))
    assert kept(out) == [("PC101", 1), ("PL004", 1)]


def test_the_reason_after_two_dashes_is_kept():
    out = run(CALL.replace("ignore[PC101]", "ignore[PC101] -- the date is fixed per deploy"), finding("PC101", 7))
    assert out.suppressed[0].reason == "the date is fixed per deploy"
    bare = run("x = 1  # promptlint: ignore -- generated file\n", finding("PC101", 1))
    assert bare.suppressed[0].reason == "generated file"
    assert run("x = 1  # promptlint: ignore[PC101]\n", finding("PC101", 1)).suppressed[0].reason is None


def test_after_another_tool_comment():
    out = run("x = 1  # noqa: E501  # promptlint: ignore[PC101]\n", finding("PC101", 1))
    assert silenced(out) == [("PC101", 1)]


def test_a_directive_inside_a_string_is_not_a_comment():
    source = '''\
        s = "x  # promptlint: ignore[PC101]"
        t = """
        # promptlint: ignore
        """
    '''
    out = run(source, finding("PC101", 1), finding("PC101", 3))
    assert kept(out) == [("PC101", 1), ("PC101", 3)] and silenced(out) == []
    assert suppression.directives(textwrap.dedent(source).encode()) == []


def test_a_file_that_does_not_parse_gets_no_suppression():
    out = run("def broken(:  # promptlint: ignore[PC101]\n", finding("PC101", 1))
    assert kept(out) == [("PC101", 1)]  # and no PL004 either
    out = run('s = "unterminated  # promptlint: ignore\n', finding("PL001", 1))
    assert kept(out) == [("PL001", 1)]


def test_findings_in_another_file_are_not_silenced():
    out = run("x = 1  # promptlint: ignore[PC101]\n", finding("PC101", 1, path="prompts/system.txt"))
    assert kept(out) == [("PC101", 1), ("PL004", 1)]


def test_files_without_the_marker_are_not_tokenized(monkeypatch: pytest.MonkeyPatch):
    def boom(source: bytes):
        raise AssertionError("tokenized a file without directives")

    monkeypatch.setattr(suppression, "scan", boom)
    monkeypatch.setattr(suppression, "statement_starts", boom)
    out = run(CALL.replace("# promptlint: ignore[PC101]", "# a comment"), finding("PC101", 7))
    assert kept(out) == [("PC101", 7)]


# -- PL004 --------------------------------------------------------------------------------


def test_an_unused_directive_is_reported_at_the_comment():
    out = run("x = 1\ny = 2  # promptlint: ignore[PC101]\n")
    [pl004] = out.kept
    assert (pl004.code, pl004.name, pl004.severity) == ("PL004", "unused-suppression", Severity.WARNING)
    assert pl004.span == Span(PATH, 2, 8, 2, 34)
    assert pl004.message == (
        "unused suppression: PC101 (volatile-value-in-prefix) was not reported on this line or in a statement that starts on it"
    )
    assert pl004.fix is not None and pl004.fix.message == "remove the comment"
    assert pl004.data["unused"] == ["PC101"]


def test_only_the_unused_codes_of_a_directive_are_reported():
    out = run("x = 1  # promptlint: ignore[PC101, PC201] -- fixed per deploy\n", finding("PC101", 1))
    [pl004] = [d for d in out.kept if d.code == "PL004"]
    assert "PC201 (too-many-breakpoints) was not reported" in pl004.message and "PC101" not in pl004.message
    assert pl004.fix is not None and pl004.fix.message == "change it to `# promptlint: ignore[PC101] -- fixed per deploy`"


def test_an_unused_bare_directive_is_reported():
    [pl004] = run("x = 1  # promptlint: ignore\n").kept
    assert pl004.code == "PL004" and pl004.message.startswith("unused suppression: nothing was reported")


def test_a_directive_alone_on_its_line_is_unused_and_says_why():
    [pl004] = run("# promptlint: ignore[PC101]\nx = f'{now}'\n", finding("PC101", 2)).kept[1:]
    assert pl004.span.line == 1 and pl004.note and "alone on its line" in pl004.note


def test_an_unknown_code_is_reported_as_unknown():
    out = run("x = 1  # promptlint: ignore[PC101, PC999]\n", finding("PC101", 1))
    [pl004] = out.kept
    assert pl004.message == "unknown rule code 'PC999' in suppression comment: no rule has this code or name"
    assert pl004.data["unknown"] == ["PC999"] and pl004.data["unused"] == []
    assert silenced(out) == [("PC101", 1)]  # the known code still works
    [name] = run("x = 1  # promptlint: ignore[volatile-value-in-prefx]\n").kept
    assert "unknown rule code 'volatile-value-in-prefx'" in name.message


def test_a_rule_named_twice_is_reported():
    out = run("x = 1  # promptlint: ignore[PC101, volatile-value-in-prefix]\n", finding("PC101", 1))
    [pl004] = out.kept
    assert "duplicate" in pl004.message and pl004.data["duplicated"] == ["volatile-value-in-prefix"]


def test_a_comment_that_is_not_a_directive_is_reported_and_silences_nothing():
    for comment in ("# promptlint: ignore PC101", "# promptlint: ignore: PC101", "# promptlint: ignore[]", "# promptlint: noqa"):
        out = run(f"x = 1  {comment}\n", finding("PC101", 1))
        assert kept(out) == [("PC101", 1), ("PL004", 1)], comment
        assert "not understood" in out.kept[1].message
    assert silenced(run("x = 1  #promptlint:ignore [PC101]\n", finding("PC101", 1))) == [("PC101", 1)]


def test_codes_of_rules_that_are_off_are_not_reported():
    off = EVERY - {"PC101"}
    assert run("x = 1  # promptlint: ignore[PC101]\n", active=off).kept == []
    # ... while an enabled code in the same comment still is.
    [pl004] = run("x = 1  # promptlint: ignore[PC101, PC201]\n", active=off).kept
    assert "PC201" in pl004.message and "PC101" not in pl004.message
    assert pl004.fix is not None and "ignore[PC101]" in pl004.fix.message  # the disabled code is kept


def test_no_pl004_when_pl004_is_off_but_suppression_still_works():
    out = run("x = 1  # promptlint: ignore[PC101]\ny = 2  # promptlint: ignore[PC201]\n", finding("PC101", 1), active=EVERY - {"PL004"})
    assert kept(out) == [] and silenced(out) == [("PC101", 1)]


def test_pl004_in_a_directive_is_honoured():
    # A directive that names PL004 is never reported ...
    assert run("x = 1  # promptlint: ignore[PC101, PL004]\n").kept == []
    assert run("x = 1  # promptlint: ignore[unused-suppression]\n").kept == []
    # ... and silences the PL004 findings of the statement it starts.
    source = """\
        reply = client.messages.create(  # promptlint: ignore[PL004]
            system=system,  # promptlint: ignore[PC999]
        )
    """
    out = run(source)
    assert kept(out) == [] and silenced(out) == [("PL004", 2)]


def test_a_bare_directive_does_not_silence_the_report_about_itself():
    assert kept(run("x = 1  # promptlint: ignore\n")) == [("PL004", 1)]


# -- through the engine ---------------------------------------------------------------------


def flag_lines(path: Path, shown: str, registry) -> Parsed:
    """A stand-in front-end: a parse error on every line that holds FLAG."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return Parsed(errors=[ParseError("FLAG found", Span(shown, n, text.index("FLAG") + 1)) for n, text in enumerate(lines, 1) if "FLAG" in text])


@pytest.fixture
def python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write app.py in a temporary working folder, read by the stand-in front-end."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(engine.FRONTENDS, ".py", flag_lines)
    if ".py" not in engine.SUFFIXES:
        monkeypatch.setattr(engine, "SUFFIXES", (*engine.SUFFIXES, ".py"))

    def write(source: str, name: str = "app.py") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        return path

    return write


def check(paths: list[Path], **settings) -> engine.Result:
    result = engine.Engine(Settings(root=Path.cwd(), **{"as_of": AS_OF, "cache": False, **settings})).check_paths(paths)
    assert not result.failures, result.failures
    return result


def found(result: engine.Result) -> list[tuple[str, int]]:
    return [(d.code, d.span.line) for d in result.diagnostics]


MULTI_LINE = """\
    reply = client.messages.create(  # promptlint: ignore[PL001] -- generated by the build
        model="claude-sonnet-4-6",
        system=FLAG,
    )
    other = FLAG
"""


def test_engine_silences_findings_and_keeps_them_for_sarif(python):
    result = check([python(MULTI_LINE)])
    assert found(result) == [("PL001", 5)]
    [hidden] = result.suppressed
    assert (hidden.diagnostic.code, hidden.diagnostic.span.line, hidden.reason) == ("PL001", 3, "generated by the build")
    assert hidden.comment.path == "app.py" and hidden.comment.line == 1


def test_engine_without_the_comment_reports_the_finding(python):
    """The control for the test above: the stand-in front-end does report line 3."""
    result = check([python(MULTI_LINE.replace("  # promptlint: ignore[PL001] -- generated by the build", ""))])
    assert found(result) == [("PL001", 3), ("PL001", 5)] and result.suppressed == []


def test_engine_reports_unused_suppressions_as_pl004(python):
    result = check([python("x = 1\ny = FLAG  # promptlint: ignore[PC101]\n")])
    assert found(result) == [("PL001", 2), ("PL004", 2)]
    pl004 = result.diagnostics[1]
    assert (pl004.span.path, pl004.span.column, pl004.severity) == ("app.py", 11, Severity.WARNING)


def test_engine_severity_override_applies_to_pl004(python):
    result = check([python("x = 1  # promptlint: ignore[PC101]\n")], severity={"PL004": Severity.ERROR})
    assert [d.severity for d in result.diagnostics] == [Severity.ERROR]


def test_engine_does_not_report_codes_of_disabled_rules(python):
    path = python("x = FLAG  # promptlint: ignore[PL001]\n")
    result = check([path], ignore=["PL001"])
    assert found(result) == [] and result.suppressed == []
    assert found(check([path], select=["PC"])) == []  # PL004 is not selected either


def test_per_file_ignores_still_work(python):
    path = python("x = FLAG  # promptlint: ignore[PC101]\n", "legacy/app.py")
    assert found(check([path])) == [("PL001", 1), ("PL004", 1)]
    assert found(check([path], per_file_ignores={"legacy/**": ["PL004"]})) == [("PL001", 1)]
    assert found(check([path], per_file_ignores={"legacy/**": ["PL001", "PL004"]})) == []
    # A code the file's per-file-ignores turn off is not an unused suppression there.
    python("x = FLAG  # promptlint: ignore[PL001]\n", "legacy/other.py")
    assert found(check([Path("legacy/other.py")], per_file_ignores={"legacy/**": ["PL001"]})) == []


def test_json_files_are_left_alone(python, tmp_path: Path):
    path = tmp_path / "request.json"
    path.write_text('{"model": "claude-sonnet-4-6", "messages": [}  # promptlint: ignore\n', encoding="utf-8")
    assert [d.code for d in check([path]).diagnostics] == ["PL001"]


def test_a_file_with_only_silenced_findings_is_checked_again(python):
    """The result cache remembers clean files only; SARIF needs the silenced findings each run."""
    path = python("x = FLAG  # promptlint: ignore[PL001]\n")
    for _ in range(2):
        result = check([path], cache=True)
        assert found(result) == [] and len(result.suppressed) == 1


def test_sarif_shows_inline_suppressions_in_source(python):
    python(MULTI_LINE)
    result = invoke("check", "app.py", "--format", "sarif", "--no-cache")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert_valid_sarif(log)
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"], "suppressions" in r) for r in results] == [
        ("PL001", 5, False),
        ("PL001", 3, True),
    ]
    assert results[1]["suppressions"] == [
        {
            "kind": "inSource",
            "justification": "generated by the build",
            "location": {
                "physicalLocation": {
                    "artifactLocation": {"uri": "app.py", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 1, "startColumn": 34, "endLine": 1, "endColumn": 87},
                }
            },
        }
    ]
    # Other formats show what is left, and nothing of what was silenced.
    rows = json.loads(invoke("check", "app.py", "--format", "json", "--no-cache").stdout)
    assert [(r["code"], r["location"]["row"]) for r in rows] == [("PL001", 5)]


def test_sarif_suppression_without_a_reason_has_no_justification(python):
    python("x = FLAG  # promptlint: ignore\n")
    result = invoke("check", "app.py", "--format", "sarif", "--no-cache")
    assert result.exit_code == 0
    log = json.loads(result.stdout)
    assert_valid_sarif(log)
    [only] = log["runs"][0]["results"]
    [entry] = only["suppressions"]
    assert entry["kind"] == "inSource" and "justification" not in entry


def test_cli_reports_pl004_and_exits_1(python):
    python("x = 1  # promptlint: ignore[PC999]\n")
    result = invoke("check", "app.py", "--format", "concise", "--no-cache")
    assert result.exit_code == 1
    assert result.stdout.startswith("app.py:1:8: PL004 [warning] unknown rule code 'PC999' in suppression comment")


def test_sarif_with_a_baseline_has_both_kinds_of_suppression(python):
    python(MULTI_LINE)
    assert invoke("check", "app.py", "--no-cache", "--write-baseline", "baseline.json").exit_code == 0
    result = invoke("check", "app.py", "--no-cache", "--baseline", "baseline.json", "--format", "sarif")
    assert result.exit_code == 0
    log = json.loads(result.stdout)
    assert_valid_sarif(log)
    kinds = [(r["locations"][0]["physicalLocation"]["region"]["startLine"], r["suppressions"][0]["kind"]) for r in log["runs"][0]["results"]]
    assert sorted(kinds) == [(3, "inSource"), (5, "external")]


def test_a_comment_that_quotes_a_directive_is_not_one():
    source = b"x = 1  # see the `# promptlint: ignore` comments of Python files\n"
    assert suppression.directives(source) == []
