"""TeX in cards: find every formula, refuse the macros that reach outside the card, and check
the rest with the TeX parser Anki uses (MathJax under node; a structural Python check when
node or the package is missing). Shared by lint and the build, so a broken formula stops both.
"""
