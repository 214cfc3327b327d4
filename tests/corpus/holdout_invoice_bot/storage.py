"""Thin data access layer (Postgres for documents, Redis for the work queue)."""

from __future__ import annotations

import json
import os

import psycopg
import redis

_db = psycopg.connect(os.environ.get("DATABASE_URL", "postgresql://localhost/invoices"))
_queue = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))


def load_text(invoice_id: str) -> str:
    row = _db.execute("select ocr_text from invoices where id = %s", (invoice_id,)).fetchone()
    return row[0] if row else ""


def load_vendor(vendor_id: str) -> dict:
    row = _db.execute("select name, country from vendors where id = %s", (vendor_id,)).fetchone()
    return {"name": row[0], "country": row[1]}


def save_fields(invoice_id: str, fields: dict) -> None:
    _db.execute("update invoices set fields = %s where id = %s", (json.dumps(fields), invoice_id))


def pop_many(name: str, count: int) -> list[dict]:
    items = _queue.lpop(name, count) or []
    return [json.loads(item) for item in items]


def queue_stats() -> dict:
    return {"pending": _queue.llen("invoices:reconcile")}
