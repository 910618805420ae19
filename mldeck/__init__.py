"""mldeck: three articles of ML interview questions, turned into an Anki deck."""

__version__ = "0.1.0"
