"""The support assistant's prompts: one policy for every request, plus the tool schemas."""

import json
from datetime import datetime

POLICY = """You are the support assistant for Acme Thermostats. Answer questions about
installation, wiring, scheduling, the mobile app and warranty claims. Be concise, cite the
help-centre article you rely on, and hand over to a human agent when the customer asks for
one, mentions a safety problem (burning smell, sparks, a gas appliance), or is charged twice.
""" * 30

TOOLS = [
    {
        "name": "lookup_order",
        "description": "Find an order by its number and return its status and items.",
        "input_schema": {"type": "object", "properties": {"order_number": {"type": "string"}}, "required": ["order_number"]},
    },
]


def system_prompt() -> str:
    # The current time, at the top of the cached system prompt: a new cache entry every second.
    return f"Current time: {datetime.now():%Y-%m-%d %H:%M:%S}\n\n{POLICY}"


def tool_catalogue() -> str:
    # The tool list as JSON without sort_keys: promptlint --fix adds it.
    return json.dumps(TOOLS)
