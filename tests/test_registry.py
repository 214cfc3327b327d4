"""The model registry: the data file's integrity, id spellings, platforms, lifecycle."""

from __future__ import annotations

import datetime as dt

import pytest

from promptlint.registry import RegistryError, bundled, load


@pytest.fixture(scope="module")
def registry():
    return bundled()


def test_every_model_names_a_known_family_and_dated_sources(registry):
    ids = set()
    for model in registry.models:
        assert model.family in registry.families, model.id
        for name in (model.id, *model.aliases):
            assert name.lower() not in ids, f"{name} appears twice"
            ids.add(name.lower())
        for fact, source in model.sources.items():
            assert source.split()[0] in registry.sources, (model.id, fact, source)
        if model.deprecated and model.retired:
            assert model.deprecated <= model.retired, model.id
        if model.replacement:
            assert registry.get(model.replacement), (model.id, model.replacement)
    for name, source in registry.sources.items():
        assert isinstance(source["date"], dt.date), name


def test_claude_families_have_complete_bands(registry):
    kinds = {"prose", "markdown", "code", "json", "cjk", "cyrillic", "other_script", "unknown"}
    for name in ("v3", "v4_7", "v4_8", "unknown"):
        family = registry.families[name]
        assert set(family.cpt) == kinds, name
        for low, mid, high in family.cpt.values():
            assert 0 < low <= mid <= high


@pytest.mark.parametrize(
    "spelled, model_id, platform",
    [
        ("claude-haiku-4-5", "claude-haiku-4-5", None),
        ("claude-haiku-4-5-20251001", "claude-haiku-4-5", None),
        ("CLAUDE-HAIKU-4-5", "claude-haiku-4-5", None),
        ("anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5", "bedrock"),
        ("us.anthropic.claude-sonnet-4-6", "claude-sonnet-4-6", "bedrock"),
        ("global.anthropic.claude-opus-4-7-v1", "claude-opus-4-7", "bedrock"),
        ("arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5", "bedrock"),
        ("claude-haiku-4-5@20251001", "claude-haiku-4-5", "vertex"),
        ("claude-opus-4-6@default", None, None),
        ("anthropic/claude-sonnet-4-6", "claude-sonnet-4-6", "anthropic"),
        ("bedrock/anthropic.claude-sonnet-4-6", "claude-sonnet-4-6", "bedrock"),
        ("vertex_ai/claude-sonnet-4-6@20260217", "claude-sonnet-4-6", "vertex"),
        ("anthropic:claude-haiku-4-5", "claude-haiku-4-5", "anthropic"),
        ("gpt-4o-2024-08-06", "gpt-4o", None),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini", None),
        ("openai:gpt-4.1", "gpt-4.1", "openai"),
        ("claude-nova-9", None, None),
    ],
)
def test_spellings(registry, spelled, model_id, platform):
    resolution = registry.resolve(spelled)
    assert (resolution.model.id if resolution.model else None) == model_id
    if model_id:
        assert resolution.platform == platform


def test_minimum_is_per_platform(registry):
    opus47 = registry.get("claude-opus-4-7")
    assert opus47.minimum("anthropic") == 2048
    assert opus47.minimum("vertex") == 2048
    assert opus47.minimum("bedrock") == 4096
    assert registry.get("claude-haiku-4-5").minimum("anthropic") == 4096
    assert registry.get("claude-haiku-5-5").minimum("anthropic") == 512


def test_lifecycle(registry):
    sonnet45 = registry.get("claude-sonnet-4-5")
    assert sonnet45.lifecycle(dt.date(2026, 9, 29)) == ("active", None)
    assert sonnet45.lifecycle(dt.date(2026, 10, 1)) == ("deprecated", dt.date(2026, 9, 30))
    assert sonnet45.lifecycle(dt.date(2026, 11, 30)) == ("retired", dt.date(2026, 11, 30))


def test_config_adds_and_overrides_models():
    reg = load([
        {"id": "acme-claude-proxy", "family": "v3", "min_tokens": {"default": 2048}},
        {"id": "claude-sonnet-4-6", "min_tokens": {"default": 2048}},
    ])
    assert reg.resolve("acme-claude-proxy").model.minimum("anthropic") == 2048
    sonnet = reg.get("claude-sonnet-4-6")
    assert sonnet.minimum("anthropic") == 2048
    assert sonnet.prices and sonnet.prices.input == 3.0  # untouched fields survive the merge
    assert bundled().get("claude-sonnet-4-6").minimum("anthropic") == 1024  # the bundled one is unchanged


def test_bad_override_is_a_registry_error():
    with pytest.raises(RegistryError):
        load([{"id": "x", "min_tokens": {"default": "lots"}}])
