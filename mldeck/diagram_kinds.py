"""The diagram languages a fence may name: the one registry every stage reads (the reader and
lint to tell a diagram from code, the renderer to pick an engine, the render cache for library
versions, the docs). The engines themselves are in mldeck/render/diagrams.py, keyed by these.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DiagramKind:
    language: str  # the fence's info string: ```mermaid
    library: str  # the PyPI distribution that renders it; its version is part of every cache key
    docs: str  # where docs/diagrams.md explains it


DIAGRAMS: dict[str, DiagramKind] = {
    "mermaid": DiagramKind("mermaid", "mermaid-render", "docs/diagrams.md#mermaid"),
    "vega-lite": DiagramKind("vega-lite", "vl-convert-python", "docs/diagrams.md#vega-lite"),
}
LANGUAGES = tuple(DIAGRAMS)
