"""Executes the agent's tool calls against the real systems."""

import httpx

OPS_API = "https://ops-api.internal.relay.dev"


def execute(name: str, arguments: dict) -> str:
    response = httpx.post(f"{OPS_API}/tools/{name}", json=arguments, timeout=30)
    response.raise_for_status()
    return response.text
