"""Tool definitions shared by every research request (they come first in the cached prefix)."""

import json

CALENDAR_EXAMPLE = {
    "ticker": "NSTR",
    "exchange": "NYSE",
    "next_results": {"period": "Q4 FY2026", "date": "2027-02-11", "confirmed": False},
    "annual_meeting": {"date": "2027-05-20", "confirmed": True},
}

BRIEF_SCHEMA = {
    "type": "object",
    "properties": {
        "company": {"type": "string"},
        "office": {"type": "string", "enum": ["london", "new_york"]},
        "distribution": {"type": "string", "enum": ["internal", "external"]},
        "bottom_line": {"type": "string"},
        "key_facts": {"type": "array", "items": {"type": "string"}},
        "what_changed": {"type": "string"},
        "risks": {"type": "array", "items": {"type": "string"}},
        "sources": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["company", "bottom_line", "key_facts", "risks", "sources"],
}

TOOLS = [
    {
        "name": "lookup_prior_brief",
        "description": "Return the most recent Northstar brief on a company, or an empty result if there is none.",
        "input_schema": {
            "type": "object",
            "properties": {"company": {"type": "string", "description": "Legal name or ticker."}},
            "required": ["company"],
        },
    },
    {
        "name": "reporting_calendar",
        "description": "Next reporting dates of a listed company. Example result:\n"
        + json.dumps(CALENDAR_EXAMPLE, indent=2),  # expect: PC102
        "input_schema": {
            "type": "object",
            "properties": {"ticker": {"type": "string"}},
            "required": ["ticker"],
        },
    },
    {
        "name": "record_brief",
        "description": "Record a finished brief. Its input must match this JSON schema:\n"
        + json.dumps(BRIEF_SCHEMA, indent=2, sort_keys=True),
        "input_schema": BRIEF_SCHEMA,
    },
]
