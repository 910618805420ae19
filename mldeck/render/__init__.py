"""Rendering: card Markdown -> sanitised HTML for Anki fields."""
