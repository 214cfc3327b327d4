"""HTTP API used by the reader app."""

from __future__ import annotations

from flask import Flask, jsonify, request

from digest.headlines import punch_up
from digest.openai_summaries import morning_briefing, summarize_article
from digest.threads import DigestThread

app = Flask(__name__)
_threads: dict[str, DigestThread] = {}


@app.post("/summaries")
def summaries():
    body = request.get_json(force=True)
    return jsonify(summary=summarize_article(body["article"], user_id=body["user_id"]))


@app.post("/briefing")
def briefing():
    return jsonify(text=morning_briefing(request.get_json(force=True)["headlines"]))


@app.post("/threads/<conversation_id>/ask")
def ask(conversation_id: str):
    body = request.get_json(force=True)
    thread = _threads.setdefault(conversation_id, DigestThread(conversation_id, body.get("digest", "")))
    return jsonify(answer=thread.ask(body["question"]))


@app.post("/headlines")
def headlines():
    return jsonify(headline=punch_up(request.get_json(force=True)["headline"]))
