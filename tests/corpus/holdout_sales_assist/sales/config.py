"""Assistant configuration. Defaults are what production runs with."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MODEL = "claude-opus-4-8"
PREMIUM_MODEL = "claude-opus-5"


@dataclass(frozen=True)
class AssistantConfig:
    model: str = DEFAULT_MODEL
    premium_model: str = PREMIUM_MODEL
    max_tokens: int = 900
    rep_name: str = "Jordan"
    company: str = "Northwind Analytics"


@dataclass
class Lead:
    name: str
    company: str
    tier: str
    notes: str
    email: str = ""
