"""A small, faithful renderer for the subset of Anki's card templates this deck uses.

Supported: `{{Field}}` (the field's HTML, unescaped, as Anki inserts it), sections
`{{#Field}}…{{/Field}}` (shown when the field is not empty) and inverted sections
`{{^Field}}…{{/Field}}` (shown when it is), and `{{FrontSide}}` on the back. Like Anki, a
field that holds only whitespace, `<br>` or empty `<div>` tags counts as empty. Anything else
(filters such as `{{text:Field}}`, unknown fields, unbalanced sections) raises TemplateError
instead of rendering something Anki would not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_TAG = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_EMPTY = re.compile(r"(?:\s|<br\s*/?>|</?div>)*", re.IGNORECASE)
FRONT_SIDE = "FrontSide"


class TemplateError(ValueError):
    """A template uses something Anki would reject or this renderer does not support."""


@dataclass(frozen=True)
class _Text:
    text: str


@dataclass(frozen=True)
class _Field:
    name: str


@dataclass(frozen=True)
class _Section:
    name: str
    inverted: bool
    body: tuple[_Text | _Field | _Section, ...]


_Node = _Text | _Field | _Section


def field_is_empty(value: str) -> bool:
    return _EMPTY.fullmatch(value) is not None


def parse(template: str) -> tuple[_Node, ...]:
    """Template text -> a tree of text, field and section nodes."""
    stack: list[tuple[str | None, bool, list[_Node]]] = [(None, False, [])]
    pos = 0
    for m in _TAG.finditer(template):
        if m.start() > pos:
            stack[-1][2].append(_Text(template[pos : m.start()]))
        pos = m.end()
        tag = m.group(1).strip()
        if tag[:1] in ("#", "^"):
            stack.append((tag[1:].strip(), tag[0] == "^", []))
        elif tag[:1] == "/":
            name = tag[1:].strip()
            open_name, inverted, body = stack.pop() if len(stack) > 1 else (None, False, [])
            if open_name != name:
                raise TemplateError(f"{{{{/{name}}}}} closes {f'{{{{#{open_name}}}}}' if open_name else 'nothing'}")
            stack[-1][2].append(_Section(name, inverted, tuple(body)))
        elif ":" in tag:
            raise TemplateError(f"{{{{{tag}}}}}: field filters are not supported")
        else:
            stack[-1][2].append(_Field(tag))
    if len(stack) > 1:
        raise TemplateError(f"{{{{#{stack[-1][0]}}}}} is never closed")
    if pos < len(template):
        stack[0][2].append(_Text(template[pos:]))
    return tuple(stack[0][2])


def render(template: str, fields: Mapping[str, str], front_side: str | None = None) -> str:
    """Render `template` with `fields`; `front_side` is the rendered front, for the back template."""
    values = dict(fields)
    if front_side is not None:
        values[FRONT_SIDE] = front_side
    return "".join(_render_nodes(parse(template), values))


def _render_nodes(nodes: tuple[_Node, ...], values: Mapping[str, str]) -> list[str]:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, _Text):
            out.append(node.text)
        elif isinstance(node, _Field):
            out.append(_value(node.name, values))
        elif field_is_empty(_value(node.name, values)) == node.inverted:
            out.extend(_render_nodes(node.body, values))
    return out


def _value(name: str, values: Mapping[str, str]) -> str:
    if name not in values:
        raise TemplateError(f"{{{{{name}}}}}: no such field")
    return values[name]
