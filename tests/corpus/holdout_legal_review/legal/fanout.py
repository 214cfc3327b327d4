"""Reviewing whole contracts: many clauses at once."""

from __future__ import annotations

import asyncio

from legal.review import review_clause


async def review_contract(clauses: list[str]) -> list[str]:
    # Every clause starts cold: all of them write the same system prefix.
    return await asyncio.gather(*(review_clause(c) for c in clauses))  # expect: PC403


async def review_contract_warm(clauses: list[str]) -> list[str]:
    if not clauses:
        return []
    first = await review_clause(clauses[0])  # warms the playbook prefix
    rest = await asyncio.gather(*(review_clause(c) for c in clauses[1:]))
    return [first, *rest]


async def review_portfolio(contracts: dict[str, list[str]]) -> dict[str, str]:
    tasks: dict[str, asyncio.Task] = {}
    async with asyncio.TaskGroup() as tg:
        for name, clauses in contracts.items():
            tasks[name] = tg.create_task(review_clause("\n\n".join(clauses)))  # expect: PC403
    return {name: task.result() for name, task in tasks.items()}
