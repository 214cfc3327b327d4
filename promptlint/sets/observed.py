"""A log's recorded usage against the simulation: where the provider did what we did not expect.

Only whether a request read or wrote anything is compared, not how many tokens: the
simulation's counts are offline estimates, the log's are the provider's. The disagreement
that matters most has a name: a request that carries a breakpoint, with usage that shows
no cache read and no cache write, is the silent-minimum symptom (facts.md: a prefix below
the model's minimum is not cached, and the API says nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .simulate import RequestOutcome

# The usage fields each provider reports cache reads and writes in (rules.md, PC501).
_READ_FIELDS = ("cache_read_input_tokens", "cacheReadInputTokens", "prompt_cache_hit_tokens")
_WRITE_FIELDS = ("cache_creation_input_tokens", "cacheWriteInputTokens")
_DETAIL_FIELDS = ("prompt_tokens_details", "input_tokens_details")  # OpenAI: cached_tokens inside
SHOWN_LINES = 10
LINES_KEPT = 1_000  # a streamed log's memory must not grow with its findings

_MEANING = {
    "silent-minimum": (
        "observed no cache read and no cache write on requests that carry a breakpoint, as simulated: the "
        "prefix is below the model's minimum, so the provider ignores the marker without an error (PC301)"
    ),
    "silent-minimum-unexpected": (
        "observed no cache read and no cache write on requests that carry a breakpoint, where the simulation "
        "expected the cache to be used: the silent-minimum symptom. Either the prefix is below the model's minimum "
        "after all (the offline count is an estimate; `promptlint tokens --tokens api` gives the exact count), or "
        "the requests did not reach the cache as logged (caching off for the workspace, a proxy that strips the "
        "markers)"
    ),
    "read-expected": (
        "observed a write where the simulation expected a read: the entry was gone or never matched; something "
        "the request bytes do not show differs (another workspace or API key, a region, an eviction), or the log "
        "misses the requests in between"
    ),
    "read-unexpected": (
        "observed a read the simulation did not expect: a request outside this set (before the log starts, or "
        "not logged) wrote the entry"
    ),
    "write-unexpected": (
        "observed a write where the simulation expected none: the offline count put the prefix below the "
        "minimum, but the provider cached it"
    ),
}


@dataclass
class Observed:
    """How the recorded usage of a set's requests compares with their simulation."""

    requests: int = 0  # simulated requests whose record reports cache usage
    agree: int = 0  # of those, the ones whose usage is what the simulation says
    observed: dict[str, int] = field(default_factory=lambda: {"read": 0, "write": 0})
    simulated: dict[str, int] = field(default_factory=lambda: {"read": 0, "write": 0})
    lines: dict[str, list[int]] = field(default_factory=dict)  # what was noticed (a _MEANING key) -> the first request lines
    counts: dict[str, int] = field(default_factory=dict)  # ... and how many requests

    def as_json(self) -> dict:
        return {
            "requests_with_usage": self.requests,
            "agree": self.agree,
            "tokens": {"observed": self.observed, "simulated_estimate": self.simulated},
            "findings": [
                {
                    "kind": kind,
                    "as_simulated": kind == "silent-minimum",
                    "requests": self.counts[kind],
                    "lines": lines[:SHOWN_LINES],
                    "meaning": _MEANING[kind],
                }
                for kind, lines in self.lines.items()
            ],
        }

    def summary(self) -> list[str]:
        """Plain sentences, one per kind of finding."""
        out = []
        for kind, lines in self.lines.items():
            shown = ", ".join(map(str, lines[:SHOWN_LINES])) + (", …" if self.counts[kind] > SHOWN_LINES else "")
            n = self.counts[kind]
            out.append(f"{n} request{'s' if n != 1 else ''} (line{'s' if n != 1 else ''} {shown}): {_MEANING[kind]}")
        return out

    def add(self, outcome: RequestOutcome, usage: Mapping[str, object] | None) -> None:
        """One request's simulated outcome against its recorded usage, if it has both."""
        if not outcome.simulated or not outcome.groups or not isinstance(usage, Mapping):
            return  # nothing simulated, or no breakpoint to compare
        seen = cache_usage(usage)
        if seen is None:
            return
        read, written = seen
        sim_read = outcome.tokens["read"]
        sim_written = outcome.tokens["write_5m"] + outcome.tokens["write_1h"]
        self.requests += 1
        self.observed["read"] += read
        self.observed["write"] += written
        self.simulated["read"] += sim_read
        self.simulated["write"] += sim_written
        kind = _finding(read, written, sim_read, sim_written)
        if kind is None or kind == "silent-minimum":
            self.agree += 1
        if kind is not None:
            lines = self.lines.setdefault(kind, [])
            if len(lines) < LINES_KEPT:
                lines.append(outcome.line)
            self.counts[kind] = self.counts.get(kind, 0) + 1


def cache_usage(usage: Mapping[str, object]) -> tuple[int, int] | None:
    """(read, written) cache tokens a usage object reports, or None if it reports neither."""
    read = _first_int(usage, _READ_FIELDS)
    for name in _DETAIL_FIELDS:
        details = usage.get(name)
        if read is None and isinstance(details, Mapping):
            read = _first_int(details, ("cached_tokens",))
    written = _first_int(usage, _WRITE_FIELDS)
    if read is None and written is None:
        return None
    return read or 0, written or 0


def _first_int(mapping: Mapping[str, object], names: tuple[str, ...]) -> int | None:
    for name in names:
        value = mapping.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None




def _finding(read: int, written: int, sim_read: int, sim_written: int) -> str | None:
    if not read and not written:
        return "silent-minimum" if not sim_read and not sim_written else "silent-minimum-unexpected"
    if sim_read and not read:
        return "read-expected"
    if read and not sim_read:
        return "read-unexpected"
    if written and not sim_read and not sim_written:
        return "write-unexpected"
    return None
