"""Listing records from the catalogue service."""

import json

import httpx

CATALOGUE_URL = "https://catalogue.internal.kestrel.market/v2/listings"


def fetch_listing(listing_id: str) -> dict:
    response = httpx.get(f"{CATALOGUE_URL}/{listing_id}", timeout=10)
    response.raise_for_status()
    return response.json()


def render_listing(listing: dict) -> str:
    # Goes in the final user message, after the last breakpoint: never part of a cached prefix.
    return "Label this listing:\n" + json.dumps(
        {k: listing.get(k) for k in ("title", "description", "bullets", "seller_category")}, ensure_ascii=False
    )
