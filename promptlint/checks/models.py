"""Which model a request names: PL003, PC303."""

from __future__ import annotations

from typing import Iterator

from ..diagnostic import Fix, Severity
from . import Finding, rule
from .analysis import Analysis


@rule(
    "PL003",
    "unknown-model",
    Severity.INFO,
    "The model id is not in the registry or cannot be resolved statically.",
)
def unknown_model(a: Analysis) -> Iterator[Finding]:
    request = a.request
    if request.model is None and request.origin == "python" and request.model_span is not None:
        yield Finding(request.model_span, f"the model is not known statically (it is computed in code); size rules {_fallback(a)}")
    elif request.model is None:
        if request.origin == "python":
            return  # no model argument: it comes in a ** dict or from a wrapper the code does not show
        if any("model" in p.message for p in request.shape_problems):
            return  # PL002 already says it is missing
        if a.sizing_model:
            return  # a body that names no model (the URL does, on Bedrock and Vertex): the default stands in
        yield Finding(request.span, f"{a.shape_name} request names no model; size rules {_fallback(a)}")
    elif a.model is None:
        yield Finding(
            request.model_span or request.span,
            f"model {request.model!r} is not in the model registry (updated {a.ctx.registry.updated}); "
            f"size rules {_fallback(a)}",
            fix=Fix("fix the id, or add it with its minimum to [[tool.promptlint.models]] in pyproject.toml ([[models]] in a promptlint.toml)"),
        )


def _fallback(a: Analysis) -> str:
    if a.sizing_model:
        return f"use the configured default model {a.sizing_model.id}"
    return "cannot tell its minimum"


@rule(
    "PC303",
    "retired-model",
    Severity.WARNING,
    "The model id is deprecated (warning) or retired (error) on the as-of date.",
)
def retired_model(a: Analysis) -> Iterator[Finding]:
    model = a.model
    if model is None or a.facts.own_lifecycle:
        return
    state, since = model.lifecycle(a.ctx.as_of)
    if state == "active":
        return
    span = a.request.model_span or a.request.span
    instead = f"; use {model.replacement}" if model.replacement else ""
    fix = Fix(f"replace the model with {model.replacement}") if model.replacement else None
    if state == "retired":
        yield Finding(
            span,
            f"{model.id} was retired on {since}: requests to it fail{instead}",
            fix=fix,
            severity=Severity.ERROR,
            data={"state": state, "since": str(since), "replacement": model.replacement},
        )
    else:
        until = f" and retires on {model.retired}" if model.retired else ""
        yield Finding(
            span,
            f"{model.id} has been deprecated since {since}{until}{instead}",
            fix=fix,
            data={"state": state, "since": str(since), "replacement": model.replacement},
        )
