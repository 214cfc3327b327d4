"""promptlint: a static linter and pre-flight auditor for LLM prompt caching.

The Python API lints rendered requests in memory or files on disk with the same rules as
the command line; ``promptlint.testing`` captures what an app's SDK client really sends::

    from promptlint import check_request, check_paths

    diagnostics = check_request({"model": "claude-sonnet-4-6", "max_tokens": 256, ...})
    diagnostics = check_paths(["prompts/"])
"""

__version__ = "0.1.0"  # before the imports below: engine and cli import it from here

from .api import CheckFailed, check_paths, check_request, check_requests
from .config import ConfigError
from .diagnostic import Diagnostic, Severity

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
