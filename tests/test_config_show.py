"""``promptlint config --show``: the effective settings, and why each rule is on or off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from promptlint import checks
from promptlint.config import load
from promptlint.engine import Engine
from tests.test_cli import _config, invoke

RULES = checks.all_rules()
NAMES = {code: r.name for code, r in RULES.items()}


def show_json() -> dict:
    result = invoke("config", "--show", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def states() -> dict[str, dict]:
    return {r["code"]: r for r in show_json()["rules"]}


def test_defaults(project):
    shown = show_json()
    assert shown["config"] is None
    assert shown["select"] == ["ALL"] and shown["extend-select"] == [] and shown["ignore"] == []
    assert shown["per-file-ignores"] == {} and shown["exclude"] == [] and shown["severity"] == {}
    assert shown["default-model"] is None and shown["safety-margin"] == 0.1 and shown["models"] == []
    assert [r["code"] for r in shown["rules"]] == list(RULES)
    assert all(r["enabled"] and r["reason"] == "selected by ALL (the default)" for r in shown["rules"])

    text = invoke("config", "--show")
    assert text.exit_code == 0
    assert text.stdout.startswith("config: defaults")
    assert f"rules ({len(RULES)} of {len(RULES)} on):" in text.stdout
    assert "  PC101  on   volatile-value-in-prefix" in text.stdout


def test_reasons_follow_the_selectors(project):
    _config(
        project,
        'select = ["PC", "PL001"]\n'
        'extend-select = ["invalid-request"]\n'
        'ignore = ["PC2", "prefix-below-minimum"]\n'
        'per-file-ignores = { "requests/**" = ["PC101"], "!keep.json" = ["PL"] }\n'
        'severity = { PC303 = "error" }\n'
        'default-model = "claude-haiku-4-5"\n'
        "safety-margin = 0.2\n"
        'exclude = ["build"]\n'
        'models = [{ id = "acme-1", min_tokens = { default = 1024 } }]',
    )
    shown = show_json()
    assert shown["config"] == "pyproject.toml"
    assert shown["select"] == ["PC", "PL001"] and shown["ignore"] == ["PC2", "prefix-below-minimum"]
    assert shown["default-model"] == "claude-haiku-4-5" and shown["safety-margin"] == 0.2
    assert shown["exclude"] == ["build"] and shown["models"][0]["id"] == "acme-1"
    assert shown["severity"] == {"PC303": "error"}
    rules = {r["code"]: r for r in shown["rules"]}
    assert rules["PC204"] == {
        "code": "PC204",
        "name": "ttl-order",
        "enabled": False,
        "reason": "ignored by PC2 in pyproject.toml",
        "per-file-ignores": [],
        "severity": "error",
    }
    assert rules["PC301"]["reason"] == "ignored by prefix-below-minimum in pyproject.toml"
    assert rules["PC303"]["reason"] == "selected by PC in pyproject.toml" and rules["PC303"]["severity"] == "error"
    assert rules["PC101"]["enabled"] and rules["PC101"]["reason"] == "selected by PC in pyproject.toml; off in files matching requests/**"
    assert rules["PC101"]["per-file-ignores"] == ["requests/**"]
    assert rules["PL001"]["reason"] == "selected by PL001 in pyproject.toml; off in files not matching keep.json"
    assert rules["PL002"]["reason"].startswith("selected by invalid-request via extend-select in pyproject.toml")
    assert rules["PL003"] == {**rules["PL003"], "enabled": False, "reason": "not selected (select = PC, PL001 in pyproject.toml)"}

    text = invoke("config", "--show").stdout
    assert "config: pyproject.toml" in text
    assert "  PC204  off  ttl-order" in text and "ignored by PC2 in pyproject.toml" in text
    assert "[severity error]" in text
    assert "  requests/**: PC101" in text


@pytest.mark.parametrize(
    "body",
    [
        "",
        'select = ["PC3"]',
        'select = ["ALL"]\nignore = ["PL"]',
        'select = []\nextend-select = ["PC101", "ttl-order"]',
        'extend-select = ["PC"]\nignore = ["PC1", "PC30"]',
        'select = ["retired-model"]\nignore = ["ALL"]',
    ],
)
def test_on_off_is_what_the_engine_runs(project, body):
    """The verdicts are the engine's own selection, whatever the config."""
    _config(project, body)
    settings = load(Path("pyproject.toml"), RULES, NAMES)
    assert {code for code, r in states().items() if r["enabled"]} == Engine(settings).enabled
    assert all("inconsistent" not in r["reason"] for r in states().values())


def test_an_explicit_select_all_is_attributed_to_the_file(project):
    _config(project, 'select = ["ALL"]')
    assert states()["PC101"]["reason"] == "selected by ALL in pyproject.toml"


def test_config_option_names_the_file(project, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "pyproject.toml").write_text('[tool.promptlint]\nignore = ["PC3"]\n', encoding="utf-8")
    result = invoke("config", "--show", "--format", "json", "--config", str(other / "pyproject.toml"))
    shown = json.loads(result.stdout)
    assert shown["config"] == "elsewhere/pyproject.toml"
    assert {r["code"]: r["reason"] for r in shown["rules"]}["PC301"] == "ignored by PC3 in elsewhere/pyproject.toml"


def test_bad_config_is_exit_2(project):
    _config(project, 'select = ["PC999"]')
    result = invoke("config", "--show")
    assert result.exit_code == 2 and "unknown rule selector 'PC999'" in result.stderr


def test_config_without_show_is_a_usage_error(project):
    assert invoke("config").exit_code == 2


# -- promptlint.toml ----------------------------------------------------------------------


def test_a_promptlint_toml_holds_the_same_keys_at_its_top_level(project):
    (project / "promptlint.toml").write_text('ignore = ["PC3"]\nseverity = { PC101 = "error" }\n', encoding="utf-8")
    shown = show_json()
    assert shown["config"] == "promptlint.toml" and shown["ignore"] == ["PC3"]
    assert states()["PC301"]["reason"] == "ignored by PC3 in promptlint.toml"
    found = invoke("check", "--no-cache", "--format", "json", "requests")
    assert found.exit_code in (0, 1) and not any(d["code"].startswith("PC3") for d in json.loads(found.stdout))


def test_which_config_file_wins(project, monkeypatch):
    # In one folder: .promptlint.toml, then promptlint.toml, then pyproject.toml (as Ruff's
    # .ruff.toml, ruff.toml, pyproject.toml); a nearer folder's beats a farther one's.
    _config(project, 'ignore = ["PC1"]')
    assert show_json()["config"] == "pyproject.toml"
    (project / "promptlint.toml").write_text('ignore = ["PC2"]\n', encoding="utf-8")
    assert show_json()["config"] == "promptlint.toml"
    (project / ".promptlint.toml").write_text('ignore = ["PC4"]\n', encoding="utf-8")
    assert show_json()["config"] == ".promptlint.toml" and show_json()["ignore"] == ["PC4"]
    inner = project / "service"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[tool.promptlint]\nignore = ["PC5"]\n', encoding="utf-8")
    (inner / "unrelated").mkdir()
    (inner / "unrelated" / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")  # no table: passed over
    monkeypatch.chdir(inner / "unrelated")
    assert show_json()["ignore"] == ["PC5"]


def test_a_typo_in_a_promptlint_toml_names_the_file(project):
    (project / "promptlint.toml").write_text('ignor = ["PC3"]\n', encoding="utf-8")
    result = invoke("check", "requests")
    assert result.exit_code == 2 and "promptlint.toml" in result.stderr and "ignor" in result.stderr and "[tool.promptlint]" not in result.stderr
    named = invoke("config", "--show", "--config", "promptlint.toml")
    assert named.exit_code == 2


def test_a_config_named_otherwise_may_be_either_form(project, tmp_path):
    flat = tmp_path / "lint.toml"
    flat.write_text('ignore = ["PC3"]\n', encoding="utf-8")
    nested = tmp_path / "tools.toml"
    nested.write_text('[tool.black]\nline-length = 99\n[tool.promptlint]\nignore = ["PC2"]\n', encoding="utf-8")
    assert json.loads(invoke("config", "--show", "--format", "json", "--config", str(flat)).stdout)["ignore"] == ["PC3"]
    assert json.loads(invoke("config", "--show", "--format", "json", "--config", str(nested)).stdout)["ignore"] == ["PC2"]
