"""Request sets as a whole: a batch file or a log, simulated against the provider's cache."""

from __future__ import annotations

from .simulate import Group, RequestOutcome, Simulation, simulate

__all__ = ["Group", "RequestOutcome", "Simulation", "simulate"]
