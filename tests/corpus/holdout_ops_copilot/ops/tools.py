"""Tool definitions for the copilot, built from plain dicts."""

from __future__ import annotations

import json
from pathlib import Path

TEXT = Path(__file__).parent / "text"

OPS_SYSTEM = (TEXT / "ops_system.md").read_text(encoding="utf-8")
RUNBOOK_INDEX = (TEXT / "runbook_index.md").read_text(encoding="utf-8")


def _tool(name: str, description: str, properties: dict, required: list[str]) -> dict:
    return {
        "name": name,
        "description": description,
        "input_schema": {"type": "object", "properties": properties, "required": required},
    }


TOOLS = [
    _tool(
        "query_metrics",
        "Run a read-only PromQL query over the last hour and return the series.",
        {"query": {"type": "string"}, "step": {"type": "string", "default": "30s"}},
        ["query"],
    ),
    _tool(
        "fetch_logs",
        "Fetch recent log lines for a service, newest first.",
        {"service": {"type": "string"}, "limit": {"type": "integer", "maximum": 500}},
        ["service"],
    ),
    _tool(
        "recent_deploys",
        "List deploys to a service in the last 24 hours.",
        {"service": {"type": "string"}},
        ["service"],
    ),
]

SERVICE_CATALOG = {
    "checkout": {"tier": 1, "owner": "payments", "depends_on": ["postgres-main", "stripe"]},
    "search": {"tier": 2, "owner": "discovery", "depends_on": ["opensearch"]},
    "notifications": {"tier": 2, "owner": "growth", "depends_on": ["kafka", "ses"]},
    "auth": {"tier": 1, "owner": "identity", "depends_on": ["postgres-main", "redis-sessions"]},
}
CATALOG_TEXT = json.dumps(SERVICE_CATALOG, sort_keys=True, indent=2)

ESCALATION_TEAMS = {"sre", "database", "network", "security"}
ESCALATION_TEXT = "Escalation teams: " + ", ".join(sorted(ESCALATION_TEAMS))
