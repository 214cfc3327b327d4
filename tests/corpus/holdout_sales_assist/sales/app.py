"""Internal web tool for reps (FastAPI)."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel

from sales.bulk import draft_all, draft_all_warm, send_follow_ups
from sales.coaching import coach_call, handle_objections
from sales.config import Lead
from sales.qualify import answer_pricing_question, answer_shipping_question, qualify

api = FastAPI()


class LeadIn(BaseModel):
    name: str
    company: str
    tier: str
    notes: str


class Campaign(BaseModel):
    leads: list[LeadIn]
    warm: bool = True


class FollowUps(BaseModel):
    pairs: list[tuple[LeadIn, str]]


class Question(BaseModel):
    text: str


def _lead(item: LeadIn) -> Lead:
    return Lead(item.name, item.company, item.tier, item.notes)


@api.post("/campaigns/draft")
def campaign(body: Campaign) -> list[str]:
    leads = [_lead(item) for item in body.leads]
    return draft_all_warm(leads) if body.warm else draft_all(leads)


@api.post("/campaigns/follow-ups")
def follow_ups(body: FollowUps) -> list[str]:
    return send_follow_ups([(_lead(lead), last) for lead, last in body.pairs])


@api.post("/leads/score")
def score(body: LeadIn) -> dict:
    return {"score": qualify(_lead(body))}


@api.post("/questions/pricing")
def pricing(body: Question) -> dict:
    return {"answer": answer_pricing_question(body.text)}


@api.post("/questions/shipping")
def shipping(body: Question) -> dict:
    return {"answer": answer_shipping_question(body.text)}


@api.post("/objections")
def objections(body: list[str]) -> list[str]:
    return handle_objections(body)


@api.post("/coaching")
def coaching(body: Question) -> dict:
    return {"feedback": coach_call(body.text)}
