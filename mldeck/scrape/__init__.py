"""Scrapers: article snapshot (or live page) -> blocks -> question records -> card files."""
