"""The model registry: dated provider facts and how model ids are spelled.

Every number the rules use (minimums, breakpoint limits, TTLs, prices, lifecycle
dates, tokenizer bands) is read from ``models.toml`` beside this file, which names
a source and a date for each. Config can add models or override fields of known
ones. This module knows only how ids are *spelled* on each platform and in each
framework; what the ids mean is data.
"""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

Band = tuple[float, float, float]


@dataclass(frozen=True)
class Prices:
    """US dollars per million tokens, first-party list prices."""

    input: float
    write_5m: float
    write_1h: float
    read: float
    output: float


@dataclass(frozen=True)
class Model:
    id: str
    provider: str
    family: str
    aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    min_tokens: Mapping[str, int] = field(default_factory=dict)
    prices: Prices | None = None
    # A second price tier for long prompts (Haiku 5.5: over 100k tokens), and where it starts.
    prices_long: Prices | None = None
    long_above: int | None = None
    deprecated: dt.date | None = None
    retired: dt.date | None = None
    replacement: str | None = None
    sources: Mapping[str, str] = field(default_factory=dict)
    notes: str = ""

    def prices_for(self, prompt_tokens: int) -> Prices | None:
        """The prices of a request whose prompt is ``prompt_tokens`` long."""
        if self.prices_long is not None and self.long_above is not None and prompt_tokens > self.long_above:
            return self.prices_long
        return self.prices

    def minimum(self, platform: str) -> int | None:
        """Minimum cacheable prefix on ``platform``; ``default`` covers the first-party table."""
        return self.min_tokens.get(platform, self.min_tokens.get("default"))

    def lifecycle(self, as_of: dt.date) -> tuple[str, dt.date | None]:
        """("retired" | "deprecated" | "active", the date that state began)."""
        if self.retired and as_of >= self.retired:
            return "retired", self.retired
        if self.deprecated and as_of >= self.deprecated:
            return "deprecated", self.deprecated
        return "active", None


@dataclass(frozen=True)
class Family:
    """A tokenizer generation and its offline counting bands (tokens.md §6)."""

    name: str
    description: str
    frame: int
    tool_overhead: int
    cpt: Mapping[str, Band]
    # Within this fraction of a minimum, no offline count is trusted to decide.
    never_certain_within: float = 0.0
    ctok_version: str | None = None  # the family ctok counts it as, if ctok models it
    count_model: str | None = None  # a model count_tokens accepts for this family, for ids it rejects


@dataclass(frozen=True)
class ProviderFacts:
    """Caching behaviour of one platform or API family."""

    name: str
    opt_in: bool = True
    max_breakpoints: int | None = None
    lookback_positions: int | None = None
    lookback_tool_runs_as_one: bool = False  # a run of tool_use (or tool_result) blocks is one position
    ttls: tuple[str, ...] = ()
    default_ttl: str | None = None
    write_multiplier: Mapping[str, float] = field(default_factory=dict)
    read_multiplier: float | None = None
    batch_discount: float | None = None
    batch_caching: bool = True
    minimum: int | None = None
    # The platform sets its own lifecycle dates: Anthropic's deprecations do not apply.
    own_lifecycle: bool = False
    # The first model that takes explicit breakpoints (OpenAI's prompt_cache_breakpoint); older ones reject the field.
    explicit_breakpoints_from: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Resolution:
    """What a model id, as written, resolves to."""

    spelled: str
    model: Model | None
    platform: str | None  # implied by the spelling (bedrock, vertex), if it says


class RegistryError(ValueError):
    pass


# Spellings frameworks put in front of a provider's own id, and the platform each implies.
_FRAMEWORK_PREFIXES: tuple[tuple[str, str | None], ...] = (
    ("bedrock/converse/", "bedrock"),
    ("bedrock/invoke/", "bedrock"),
    ("bedrock/", "bedrock"),
    ("vertex_ai/", "vertex"),
    ("vertex_ai_beta/", "vertex"),
    ("anthropic/", "anthropic"),
    ("openai/", "openai"),
    ("azure/", "azure"),
    ("deepseek/", "deepseek"),
    ("gemini/", "gemini"),
    ("google-vertex:", "vertex"),
    ("google-gla:", "gemini"),
    ("bedrock:", "bedrock"),
    ("anthropic:", "anthropic"),
    ("openai:", "openai"),
    ("deepseek:", "deepseek"),
)
# Bedrock: optional inference-profile region, the vendor, the id, a version suffix.
_BEDROCK_ID = re.compile(
    r"^(?:(?:us|eu|apac|global|us-gov|jp|au|ca)\.)?anthropic\.(?P<id>.+?)(?:-v\d+(?::\d+)?)?(?::\d+)?$"
)
# Vertex: claude-haiku-4-5@20251001
_VERTEX_ID = re.compile(r"^(?P<id>claude-[a-z0-9.-]+?)@(?P<date>\d{8})$")


_RESOLVED_SIZE = 4096


class Registry:
    def __init__(
        self,
        models: Iterable[Model],
        families: Mapping[str, Family],
        providers: Mapping[str, ProviderFacts],
        updated: dt.date,
        sources: Mapping[str, Mapping[str, Any]],
        counting: Mapping[str, Any],
    ) -> None:
        self.counting = dict(counting)
        self.models = list(models)
        self.families = dict(families)
        self.providers = dict(providers)
        self.updated = updated
        self.sources = dict(sources)
        self._by_name: dict[str, Model] = {}
        for model in self.models:
            for name in (model.id, *model.aliases):
                self._by_name.setdefault(name.lower(), model)
        # A log names the same few models thousands of times; an unknown id is matched
        # against every model's patterns.
        self._resolved: dict[str, Resolution] = {}

    # -- lookup -------------------------------------------------------------

    def resolve(self, spelled: str) -> Resolution:
        """Resolve an id as written in code or a request, on any platform or framework."""
        found = self._resolved.get(spelled)
        if found is None:
            if len(self._resolved) >= _RESOLVED_SIZE:
                self._resolved.clear()
            found = self._resolved[spelled] = self._resolve(spelled)
        return found

    def _resolve(self, spelled: str) -> Resolution:
        name = spelled.strip()
        platform: str | None = None
        if "/" in name and name.startswith("arn:"):
            name = name.rsplit("/", 1)[1]
        lowered = name.lower()
        for prefix, implied in _FRAMEWORK_PREFIXES:
            if lowered.startswith(prefix):
                name, platform = name[len(prefix):], implied
                break
        bedrock = _BEDROCK_ID.match(name)
        if bedrock:
            name, platform = bedrock.group("id"), "bedrock"
        vertex = _VERTEX_ID.match(name)
        candidates = [name]
        if vertex:
            platform = "vertex"
            candidates = [f"{vertex.group('id')}-{vertex.group('date')}", vertex.group("id")]
        for candidate in candidates:
            model = self._by_name.get(candidate.lower())
            if model:
                return Resolution(spelled, model, platform)
        for model in self.models:
            if any(fnmatch.fnmatchcase(name.lower(), p) for p in model.patterns):
                return Resolution(spelled, model, platform)
        return Resolution(spelled, None, platform)

    def unknown_model(self, setting: str, model_id: str) -> str:
        """What to say of a model id a setting names that the registry does not know."""
        close = difflib.get_close_matches(model_id.lower(), list(self._by_name), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"{setting} {model_id!r} is not a model the registry knows{hint}; add it under [[tool.promptlint.models]] if it is new"

    def get(self, model_id: str) -> Model | None:
        return self._by_name.get(model_id.lower())

    def family(self, name: str | None) -> Family:
        return self.families.get(name or "unknown") or self.families["unknown"]

    def provider(self, platform: str) -> ProviderFacts:
        return self.providers.get(platform) or ProviderFacts(name=platform)

    def minimums(self, provider: str) -> list[int]:
        """Every known minimum of a provider's models, for a model that is not known."""
        return sorted(
            {m.minimum(p) for m in self.models if m.provider == provider for p in m.min_tokens}  # type: ignore[misc]
            - {None}
        )

    # -- loading ------------------------------------------------------------

    def with_overrides(self, entries: Iterable[Mapping[str, Any]]) -> "Registry":
        """A registry with config entries added, or merged into the model of the same id."""
        models = list(self.models)
        for entry in entries:
            for key, known in (("family", self.families), ("provider", self.providers)):
                if key in entry and entry[key] not in known:
                    raise RegistryError(f"model {entry.get('id', '?')!r}: unknown {key} {entry[key]!r} (known: {', '.join(sorted(known))})")
            existing = self.get(str(entry.get("id", "")))
            if existing is not None:
                merged = _model(_unparse(existing) | dict(entry))
                models = [merged if m is existing else m for m in models]
            else:
                models.insert(0, _model(entry))
        return Registry(models, self.families, self.providers, self.updated, self.sources, self.counting)


def _model(entry: Mapping[str, Any]) -> Model:
    try:
        prices, long = entry.get("prices"), entry.get("prices_long")
        return Model(
            id=str(entry["id"]),
            provider=str(entry.get("provider", "anthropic")),
            family=str(entry.get("family", "unknown")),
            aliases=tuple(entry.get("aliases", ())),
            patterns=tuple(entry.get("patterns", ())),
            min_tokens={str(k): int(v) for k, v in dict(entry.get("min_tokens", {})).items()},
            prices=_prices(prices) if prices else None,
            prices_long=_prices(long) if long else None,
            long_above=int(long["above_tokens"]) if long else None,
            deprecated=_date(entry.get("deprecated")),
            retired=_date(entry.get("retired")),
            replacement=entry.get("replacement"),
            sources=dict(entry.get("sources", {})),
            notes=str(entry.get("notes", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RegistryError(f"model entry {entry.get('id', '?')!r}: {exc}") from exc


def _unparse(model: Model) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": model.id,
        "provider": model.provider,
        "family": model.family,
        "aliases": list(model.aliases),
        "patterns": list(model.patterns),
        "min_tokens": dict(model.min_tokens),
        "deprecated": model.deprecated,
        "retired": model.retired,
        "replacement": model.replacement,
        "sources": dict(model.sources),
        "notes": model.notes,
    }
    if model.prices:
        data["prices"] = dict(model.prices.__dict__)
    if model.prices_long:
        data["prices_long"] = {**model.prices_long.__dict__, "above_tokens": model.long_above}
    return data


def _prices(table: Mapping[str, Any]) -> Prices:
    return Prices(**{k: float(v) for k, v in table.items() if k in Prices.__dataclass_fields__})


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):  # a TOML date-time: the day is what lifecycle rules compare
        return value.date()
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _family(name: str, table: Mapping[str, Any]) -> Family:
    return Family(
        name=name,
        description=str(table.get("description", "")),
        frame=int(table.get("frame", 0)),
        tool_overhead=int(table.get("tool_overhead", 0)),
        cpt={k: tuple(float(x) for x in v) for k, v in dict(table.get("cpt", {})).items()},  # type: ignore[misc]
        never_certain_within=float(table.get("never_certain_within", 0.0)),
        ctok_version=table.get("ctok_version"),
        count_model=table.get("count_model"),
    )


def _inherited(table: Mapping[str, Any], providers: Mapping[str, Any]) -> Mapping[str, Any]:
    """A platform that serves another's API with its facts (``like = "openai"``), its own keys on top."""
    like = table.get("like")
    return {**providers.get(like, {}), **table} if isinstance(like, str) else table


def _provider(name: str, table: Mapping[str, Any]) -> ProviderFacts:
    known = {k: v for k, v in table.items() if k in ProviderFacts.__dataclass_fields__}
    if "min_tokens" in table:
        known["minimum"] = int(table["min_tokens"])
    if "ttls" in known:
        known["ttls"] = tuple(known["ttls"])
    return ProviderFacts(name=name, **known)


def parse(data: Mapping[str, Any]) -> Registry:
    meta = data.get("meta", {})
    return Registry(
        models=[_model(m) for m in data.get("models", [])],
        families={k: _family(k, v) for k, v in data.get("families", {}).items()},
        providers={k: _provider(k, _inherited(v, data.get("providers", {}))) for k, v in data.get("providers", {}).items()},
        updated=_date(meta.get("updated")) or dt.date.min,
        sources=data.get("sources", {}),
        counting=data.get("counting", {}),
    )


@lru_cache(maxsize=1)
def data_digest() -> str:
    """A hash of the bundled data file: a result remembered under other facts is stale."""
    import hashlib

    return hashlib.sha256(resources.files(__package__).joinpath("models.toml").read_bytes()).hexdigest()[:16]


@lru_cache(maxsize=1)
def bundled() -> Registry:
    """The registry shipped with this version of promptlint."""
    text = resources.files(__package__).joinpath("models.toml").read_text(encoding="utf-8")
    return parse(tomllib.loads(text))


def load(overrides: Iterable[Mapping[str, Any]] = ()) -> Registry:
    overrides = list(overrides)
    return bundled().with_overrides(overrides) if overrides else bundled()


__all__ = [
    "Band",
    "Family",
    "Model",
    "Prices",
    "ProviderFacts",
    "Registry",
    "RegistryError",
    "Resolution",
    "bundled",
    "load",
    "parse",
]
