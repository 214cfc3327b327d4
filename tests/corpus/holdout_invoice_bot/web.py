"""Flask front-end for accounts payable clerks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import Flask, jsonify, request

import storage
from config import BOOT_TIME, MODEL
from extract import SYSTEM_PROMPT
from llm import client

app = Flask(__name__)

VENDOR_RULES = (Path(__file__).parent / "prompts" / "vendor_rules.md").read_text(encoding="utf-8")

STATUS_SYSTEM = (
    f"You explain the invoice pipeline's health to operators. This deployment booted at {BOOT_TIME}.\n\n"
    + SYSTEM_PROMPT
)


@app.get("/status/explain")
def explain_status():
    queue = storage.queue_stats()
    response = client.messages.create(
        model=MODEL,
        max_tokens=400,
        system=[{"type": "text", "text": STATUS_SYSTEM, "cache_control": {"type": "ephemeral"}}],
        messages=[
            {
                "role": "user",
                # After the last breakpoint: the time of day here costs nothing.
                "content": f"Server time {datetime.now():%H:%M}. Queue: {queue}. Summarise the health.",
            }
        ],
    )
    return jsonify(text=response.content[0].text)


@app.post("/invoices/<invoice_id>/ask")
def ask_about_invoice(invoice_id: str):
    question = request.get_json(force=True)["question"]
    invoice_text = storage.load_text(invoice_id)
    response = client.messages.create(
        model=MODEL,
        max_tokens=800,
        system=SYSTEM_PROMPT,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": f"<invoice>\n{invoice_text}\n</invoice>"},
                    {
                        "type": "text",
                        "text": question,
                        "cache_control": {"type": "ephemeral"},  # expect: PC202
                    },
                ],
            }
        ],
    )
    return jsonify(answer=response.content[0].text)


@app.get("/vendors/<vendor_id>/policy")
def vendor_policy(vendor_id: str):
    vendor = storage.load_vendor(vendor_id)
    response = client.messages.create(  # expect: PC206
        model=MODEL,
        max_tokens=600,
        system=SYSTEM_PROMPT + "\n\n" + VENDOR_RULES,
        messages=[{"role": "user", "content": f"Which rules apply to {vendor['name']} ({vendor['country']})?"}],
    )
    return jsonify(policy=response.content[0].text)
