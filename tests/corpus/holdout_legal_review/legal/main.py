"""FastAPI service for the legal operations team."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from legal.definitions import explain_term
from legal.fanout import review_contract, review_contract_warm, review_portfolio
from legal.review import stream_redline
from legal.risk import analyse_risk
from legal.summaries import summarise_contract

app = FastAPI(title="contract-review")


class ContractIn(BaseModel):
    clauses: list[str]


class PortfolioIn(BaseModel):
    contracts: dict[str, list[str]]


class ClauseIn(BaseModel):
    clause: str
    deep: bool = False


class TextIn(BaseModel):
    text: str


class TermIn(BaseModel):
    term: str
    definitions: str


@app.post("/contracts/review")
async def review(body: ContractIn) -> list[str]:
    return await review_contract_warm(body.clauses)


@app.post("/contracts/review-fast")
async def review_fast(body: ContractIn) -> list[str]:
    return await review_contract(body.clauses)


@app.post("/portfolio/review")
async def portfolio(body: PortfolioIn) -> dict[str, str]:
    return await review_portfolio(body.contracts)


@app.post("/clauses/risk")
async def risk(body: ClauseIn) -> dict:
    return {"analysis": await analyse_risk(body.clause, deep=body.deep)}


@app.post("/contracts/summary")
async def summary(body: TextIn) -> dict:
    return {"summary": await summarise_contract(body.text)}


@app.post("/contracts/redline")
async def redline(body: TextIn) -> StreamingResponse:
    return StreamingResponse(stream_redline(body.text), media_type="text/plain")


@app.post("/terms/explain")
async def term(body: TermIn) -> dict:
    return {"explanation": await explain_term(body.term, body.definitions)}
