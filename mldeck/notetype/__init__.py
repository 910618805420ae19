"""The Anki side: note model, templates, CSS, deck and tag names. Constants, written once."""
