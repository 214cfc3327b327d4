"""Relay operations agent."""

from agent.loop import OpsAgent, Principal

__all__ = ["OpsAgent", "Principal"]
