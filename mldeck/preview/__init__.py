"""`preview`: a static HTML site of every card, rendered with the note model's own templates and CSS.

template.py renders Anki's template subset, math.py turns TeX into MathML, page.py builds the
page, site.py writes the folder, cli.py adds the command.
"""

from .site import PreviewResult, build_preview

__all__ = ["PreviewResult", "build_preview"]
