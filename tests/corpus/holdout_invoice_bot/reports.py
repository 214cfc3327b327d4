"""Month-end reports written by the model from aggregated vendor data."""

from __future__ import annotations

import json

from config import MODEL
from extract import SYSTEM_PROMPT
from llm import client


def monthly_variance_report(vendor_totals: dict[str, float], month: str) -> str:
    context = json.dumps(vendor_totals, indent=2)  # expect: PC102
    response = client.messages.create(
        model=MODEL,
        max_tokens=1500,
        system=[
            {"type": "text", "text": SYSTEM_PROMPT},
            {
                "type": "text",
                "text": f"Vendor totals for the month, by vendor id:\n{context}",
                "cache_control": {"type": "ephemeral"},
            },
        ],
        messages=[{"role": "user", "content": f"Write the spend variance report for {month}."}],
    )
    return response.content[0].text


def vendor_digest(vendors: list[dict], question: str) -> str:
    catalog = json.dumps(vendors, sort_keys=True, indent=2)
    response = client.messages.create(
        model=MODEL,
        max_tokens=800,
        system=[
            {"type": "text", "text": SYSTEM_PROMPT},
            {
                "type": "text",
                "text": f"<vendor_catalog>\n{catalog}\n</vendor_catalog>",
                "cache_control": {"type": "ephemeral"},
            },
        ],
        messages=[{"role": "user", "content": question}],
    )
    return response.content[0].text
