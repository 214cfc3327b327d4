"""The bundled examples show exactly what examples/README.md says they show."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT, lint_paths

EXPECTED = {
    ("agents/bad_cache_control.json", "PC205"),
    ("agents/five_breakpoints.json", "PC201"),
    ("agents/ttl_order.json", "PC204"),
    ("help_centre/thermostat_assistant.json", "PC206"),
    ("labeling/stage1_batch.jsonl", "PC301"),
    ("labeling/stage2_batch.jsonl", "PC401"),
    ("labeling/stage2_batch.jsonl", "PC402"),
    ("legacy/deprecated_model.json", "PC303"),
    ("legacy/old_model.json", "PC303"),
    ("migration/from_converse.json", "PL002"),
    ("python_app/prompts.py", "PC101"),
    ("python_app/prompts.py", "PC102"),
    ("summarizer/meeting_notes.json", "PL003"),
    ("summarizer/meeting_notes.json", "PC302"),
    ("support_bot/conversation_log.jsonl", "PL001"),
    ("support_bot/request.json", "PC101"),
}


def test_examples_show_each_rule_and_nothing_else(monkeypatch):
    examples = ROOT / "examples"
    monkeypatch.chdir(examples)
    found = lint_paths([Path(".")], examples)
    assert {(d.span.path, d.code) for d in found} == EXPECTED
    assert len(found) == len(EXPECTED)  # one finding each: batch repeats are folded


def test_field_case_batch(monkeypatch):
    """The labeling pipeline from the field: caching silently off for every request."""
    examples = ROOT / "examples"
    monkeypatch.chdir(examples)
    (d,) = lint_paths([Path("labeling/stage1_batch.jsonl")], examples)
    assert d.code == "PC301" and d.span.json_path == ("params", "system", 0, "cache_control")
    assert d.data["minimum"] == 4096 and d.data["tokens"]["high"] < 4096 * 0.9
    assert d.data["repeated_on_lines"] == list(range(2, 41))
