"""Brightpath tutor API (FastAPI)."""

from fastapi import FastAPI, WebSocket

from hints import hint
from lesson_plan import weekly_plan
from quiz import grade_answer
from session import TutorSession

api = FastAPI()


@api.websocket("/tutor/{student_id}")
async def tutor(websocket: WebSocket, student_id: str) -> None:
    await websocket.accept()
    session = TutorSession(student_id)
    while True:
        message = await websocket.receive_json()
        await websocket.send_text(session.ask(message["text"], show_work=message.get("show_work", False)))


@api.post("/quiz/grade")
def grade(payload: dict) -> dict:
    return {"feedback": grade_answer(payload["student_id"], payload["question"], payload["mark_scheme"], payload["answer"])}


@api.post("/hint")
def get_hint(payload: dict) -> dict:
    return {"hint": hint(payload["student_id"], payload["problem"], payload["working"])}


@api.post("/plan")
def plan(payload: dict) -> dict:
    return {"plan": weekly_plan(payload["student_id"], payload["topics"])}
