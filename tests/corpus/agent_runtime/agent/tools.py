"""Tool definitions for the operations agent."""

TOOL_REGISTRY = {
    "search_runbooks": {
        "name": "search_runbooks",
        "description": "Search the runbook wiki. Returns the five best matching sections with their links.",
        "input_schema": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
    },
    "query_metrics": {
        "name": "query_metrics",
        "description": "Run a read-only PromQL query over a time range and return the series.",
        "input_schema": {
            "type": "object",
            "properties": {"promql": {"type": "string"}, "range": {"type": "string", "description": "e.g. 30m, 6h"}},
            "required": ["promql", "range"],
        },
    },
    "search_logs": {
        "name": "search_logs",
        "description": "Search service logs in one region. Keep ranges short: every scan is billed.",
        "input_schema": {
            "type": "object",
            "properties": {
                "query": {"type": "string"},
                "range": {"type": "string"},
                "region": {"type": "string", "enum": ["us-east", "eu-west", "ap-south"]},
            },
            "required": ["query", "range", "region"],
        },
    },
    "page_oncall": {
        "name": "page_oncall",
        "description": "Page a team's on-call engineer with a summary and a severity.",
        "input_schema": {
            "type": "object",
            "properties": {
                "team": {"type": "string"},
                "summary": {"type": "string"},
                "severity": {"type": "string", "enum": ["SEV1", "SEV2", "SEV3", "SEV4"]},
            },
            "required": ["team", "summary", "severity"],
        },
    },
}

RESTART_TOOL = {
    "name": "restart_service",
    "description": "Rolling restart of one service in one region. Admin only; needs confirmation.",
    "input_schema": {
        "type": "object",
        "properties": {"service": {"type": "string"}, "region": {"type": "string"}},
        "required": ["service", "region"],
    },
}

# The tools every engineer's session gets. Iterating a set of strings: the order (and so the tools
# block, the first thing in the cached prefix) changes from one process to the next.
ENABLED_TOOLS = {"search_runbooks", "query_metrics", "search_logs", "page_oncall"}  # expect: PC103

TOOLS = [TOOL_REGISTRY[name] for name in ENABLED_TOOLS]
ADMIN_TOOLS = TOOLS + [RESTART_TOOL]
