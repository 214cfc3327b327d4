"""Thin client for the helpdesk's REST API."""

import os

import httpx

_BASE = os.environ.get("HELPDESK_URL", "https://helpdesk.internal/api/v2")
_http = httpx.Client(base_url=_BASE, headers={"Authorization": f"Bearer {os.environ.get('HELPDESK_TOKEN', '')}"})


def fetch_new_threads() -> list[dict]:
    return _http.get("/threads", params={"status": "new", "needs_draft": "true"}).json()["threads"]


def save_draft(thread_id: str, body: str) -> None:
    _http.post(f"/threads/{thread_id}/drafts", json={"body": body}).raise_for_status()
