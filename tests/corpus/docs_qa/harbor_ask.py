"""`harbor ask` backend: a small HTTP service the CLI and the docs site call."""

from fastapi import FastAPI
from pydantic import BaseModel

import answer_bedrock
import answer_vertex

api = FastAPI()


class Question(BaseModel):
    text: str
    source: str = "cli"


@api.post("/ask")
def ask(question: Question) -> dict:
    if question.source == "cli":
        query = answer_bedrock.rephrase(question.text)
        return {"answer": answer_bedrock.answer(query)}
    return {"answer": answer_vertex.answer(question.text)}


@api.post("/ask/pinned")
def ask_pinned(question: Question) -> dict:
    return {"answer": answer_vertex.answer_long_lived(question.text)}
