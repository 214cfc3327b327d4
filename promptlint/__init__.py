"""promptlint: a static linter and pre-flight auditor for LLM prompt caching.

The Python API lints rendered requests in memory or files on disk with the same rules as
the command line; ``promptlint.testing`` captures what an app's SDK client really sends::

    from promptlint import check_request, check_paths

    diagnostics = check_request({"model": "claude-sonnet-4-6", "max_tokens": 256, ...})
    diagnostics = check_paths(["prompts/"])
"""

__version__ = "0.1.0"

# Imported on first use, so that the command line (and `import promptlint` in a user's
# conftest) does not pay for the whole API at start-up.
_EXPORTS = {
    "CheckFailed": "api",
    "check_paths": "api",
    "check_request": "api",
    "check_requests": "api",
    "ConfigError": "config",
    "Diagnostic": "diagnostic",
    "Severity": "diagnostic",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'promptlint' has no attribute {name!r}")

__all__ = [
    "CheckFailed",
    "ConfigError",
    "Diagnostic",
    "Severity",
    "__version__",
    "check_paths",
    "check_request",
    "check_requests",
]
