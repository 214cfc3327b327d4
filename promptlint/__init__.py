"""promptlint: a static linter and pre-flight auditor for LLM prompt caching."""

__version__ = "0.1.0"
