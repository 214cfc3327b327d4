"""Structured output for invoice extraction. The schema comes from the pydantic models."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LineItem(BaseModel):
    description: str
    quantity: float
    unit: str | None = None
    unit_price: float
    amount: float


class Invoice(BaseModel):
    supplier: str
    invoice_number: str
    purchase_order: str | None = Field(default=None, description="PO number if printed")
    invoice_date: str = Field(description="ISO date")
    due_date: str | None = None
    currency: str = Field(min_length=3, max_length=3)
    lines: list[LineItem]
    tax: float = 0.0
    shipping: float = 0.0
    total: float
    notes: str = ""


RECORD_TOOL = {
    "name": "record_invoice",
    "description": "Record the structured fields of one invoice exactly as printed on the document.",
    "input_schema": Invoice.model_json_schema(),
}

FLAG_TOOL = {
    "name": "flag_for_review",
    "description": "Send the document to a human reviewer with a short reason.",
    "input_schema": {
        "type": "object",
        "properties": {
            "reason": {"type": "string"},
            "severity": {"type": "string", "enum": ["low", "high"]},
        },
        "required": ["reason"],
    },
}

TOOLS = [RECORD_TOOL, FLAG_TOOL]
