"""`release` and `readme`: getting the deck to people.

summary.py counts what the deck holds (from the cards or a built package), readme.py keeps the
README's generated block current, changelog.py reads and checks CHANGELOG.md, gitrepo.py finds
the commit, the tags and makes a clean clone, notes.py writes a release's notes, run.py
rehearses a release into dist/, cli.py adds the commands.
"""
