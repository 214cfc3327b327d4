"""Drafts email replies for the customer operations team."""
