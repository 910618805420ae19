"""mldeck: three articles of ML interview questions, turned into an Anki deck.

The version lives here and only here: pyproject.toml reads it (`dynamic = ["version"]`), the
deck's description in Anki shows it, and `build_deck.py release` checks the tag, CHANGELOG.md
and the built package against it. A release bumps this one line. Keep this module free of
imports: the entry point reads it before the dependencies are known to be installed.
"""

__version__ = "1.0.0"
