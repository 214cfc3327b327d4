"""Alertmanager webhook."""

from __future__ import annotations

from flask import Flask, jsonify, request

from ops.agent import annotate, investigate, plan, run_checklist
from ops.copilot import Incident, OpsCopilot

app = Flask(__name__)
copilot = OpsCopilot()


@app.post("/alerts")
def on_alert():
    payload = request.get_json(force=True)
    results = []
    for alert in payload.get("alerts", []):
        results.append({"triage": copilot.triage(alert), "plan": plan(alert)})
    return jsonify(results)


@app.post("/alerts/investigate")
def on_investigate():
    return jsonify(transcript=len(investigate(request.get_json(force=True))))


@app.post("/incidents/<incident_id>/deep-dive")
def on_deep_dive(incident_id: str):
    body = request.get_json(force=True)
    return jsonify(text=copilot.deep_dive(Incident(incident_id, body["timeline"], body["question"])))


@app.post("/checklists/run")
def on_checklist():
    return jsonify(outputs=run_checklist(request.get_json(force=True)["steps"]))


@app.post("/alerts/annotate")
def on_annotate():
    body = request.get_json(force=True)
    return jsonify(text=annotate(body["alert"], body["note"]))
