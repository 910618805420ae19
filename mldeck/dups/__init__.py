"""Duplicate questions: find likely pairs by text similarity (`build_deck.py dups`).

Folding itself is a card-file decision (`duplicate_of:`), made by a person and documented in
docs/duplicates.md; the build (mldeck/build/notes.py) turns each folded group into one note.
"""
