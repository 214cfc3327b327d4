"""Caching nobody watches: PC501, reported once per run by the engine.

The engine gathers, from every Python file of the run, where caching is asked for
and whether any file reads a cache usage field; this module only holds the rule's
identity and its message.
"""

from __future__ import annotations

from ..diagnostic import Fix, Severity
from ..request import Span
from . import Finding, rule

rule(
    "PC501",
    "cache-usage-unobserved",
    Severity.INFO,
    "The checked code uses caching but never reads a cache usage field, so a 0% hit rate goes unnoticed.",
    frontends="Python",
    scope="run",
)(None)


def unobserved(first_site: Span, sites: int) -> Finding:
    more = f" (and {sites - 1} more caching site{'s' if sites > 2 else ''})" if sites > 1 else ""
    return Finding(
        first_site,
        f"caching is asked for here{more}, but no checked file reads a cache usage field "
        "(cache_read_input_tokens, cached_tokens, …): a 0% hit rate would go unnoticed",
        fix=Fix("log or export usage.cache_read_input_tokens and usage.cache_creation_input_tokens (OpenAI: usage.prompt_tokens_details.cached_tokens)"),
    )
