"""Background workers: a Celery task per uploaded invoice and a long-running reconciler."""

from __future__ import annotations

import time
from pathlib import Path

from celery import Celery

import storage
from config import MODEL, WorkerSettings
from extract import extract_invoice, triage_invoice
from llm import client

celery_app = Celery("invoices", broker="redis://localhost:6379/1")

VENDOR_RULES = (Path(__file__).parent / "prompts" / "vendor_rules.md").read_text(encoding="utf-8")


@celery_app.task(bind=True, max_retries=3, acks_late=True)
def process_invoice(self, invoice_id: str) -> None:
    text = storage.load_text(invoice_id)
    fields = extract_invoice(text)
    if fields.get("total", 0) > 10_000 or not fields.get("purchase_order"):
        fields["triage"] = triage_invoice(text, suspicious=not fields.get("purchase_order"))
    storage.save_fields(invoice_id, fields)


def run_reconciler(settings: WorkerSettings = WorkerSettings()) -> None:
    """Runs forever; every item reuses the vendor rules, so a 1h entry pays for itself."""
    while True:
        batch = storage.pop_many(settings.queue_name, settings.max_batch)
        if not batch:
            time.sleep(settings.poll_seconds)
            continue
        for item in batch:
            response = client.messages.create(
                model=MODEL,
                max_tokens=512,
                system=[
                    {
                        "type": "text",
                        "text": VENDOR_RULES,
                        "cache_control": {"type": "ephemeral", "ttl": "1h"},
                    }
                ],
                messages=[{"role": "user", "content": item["summary"]}],
            )
            storage.save_fields(item["invoice_id"], {"reconciliation": response.content[0].text})


if __name__ == "__main__":
    run_reconciler()
