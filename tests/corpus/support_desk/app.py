"""HTTP entry points of the support desk (Flask)."""

from flask import Flask, jsonify, request
from flask_sock import Sock

from chat import ChatSession
from escalation import draft_handoff, summarize_for_agent
from handlers import answer_ticket
from llm import client
from macros import suggest_macro
from triage import classify_ticket

app = Flask(__name__)
sock = Sock(app)


@app.post("/tickets")
def new_ticket():
    payload = request.get_json()
    route = classify_ticket(payload["subject"], payload["body"])
    if route["needs_human"]:
        note = draft_handoff([{"role": "user", "content": payload["body"]}], route["queue"])
        return jsonify({"route": route, "handoff": note})
    answer = answer_ticket(payload["id"], payload["body"], payload["email"])
    return jsonify({"route": route, "answer": answer})


@app.post("/tickets/<ticket_id>/macro")
def macro(ticket_id: str):
    return jsonify({"macro": suggest_macro(request.get_json()["body"])})


@app.post("/chats/<chat_id>/summary")
def chat_summary(chat_id: str):
    return jsonify({"summary": summarize_for_agent(request.get_json()["transcript"])})


@sock.route("/chat")
def chat(ws):
    session = ChatSession(client)
    while True:
        text = ws.receive()
        if text is None:
            break
        ws.send(session.send(text))
