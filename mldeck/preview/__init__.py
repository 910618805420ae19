"""`preview`: a static HTML site of every card, rendered with the note model's own templates and CSS.

template.py renders Anki's template subset, mathjax.py puts MathJax 3 (as Anki runs it) next to
the page, math.py is the offline fallback (TeX -> MathML), links.py says where each card's file
is, page.py builds the page, site.py writes the folder, cli.py adds the command.
Nothing is imported here, so `build_deck.py --help` works before the build's dependencies are.
"""
