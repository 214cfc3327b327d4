"""Runtime settings for the invoice bot (shared by the web app, the worker and the scripts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

MODEL = "claude-sonnet-4-6"
FAST_MODEL = "claude-haiku-4-5"

# Stamped once per process for the /status page. It also ends up in the status prompt.
BOOT_TIME = datetime.now(timezone.utc).isoformat(timespec="seconds")  # expect: PC101


@dataclass(frozen=True)
class WorkerSettings:
    queue_name: str = "invoices:reconcile"
    poll_seconds: float = 2.0
    max_batch: int = 25
