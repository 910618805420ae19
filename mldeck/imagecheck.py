"""Images from media/ are checked before they are packaged: the bytes must be the type the name
says (PNG, JPEG, GIF and WebP by their magic bytes), and an SVG must be plain drawing: no
script, event handler, <foreignObject> (HTML inside), external or `javascript:` reference,
remote CSS `url()`/`@import`, DOCTYPE or entity (XXE, billion laughs) or style sheet
instruction. Anki shows media in <img>, where an SVG cannot run script, but the same file is
opened directly from the collection's media folder, where it can: so it is refused, not
cleaned, and the message says what to remove.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

MAX_MEDIA = 8 * 1024 * 1024
MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
}
SVG_NS = "http://www.w3.org/2000/svg"
METADATA_NS = {
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
    "http://purl.org/dc/elements/1.1/",
}
SVG_ELEMENTS = frozenset(
    "svg g defs symbol use title desc metadata path rect circle ellipse line polyline polygon text tspan "
    "textPath image linearGradient radialGradient stop pattern clipPath mask marker filter style switch view "
    "feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting "
    "feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur "
    "feImage feMerge feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile "
    "feTurbulence".split()
)
DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST)|<\?xml-stylesheet", re.IGNORECASE)
LOCAL_REF = re.compile(r"^\s*(?:#[\w.:-]*|data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*)\s*$")
CSS_URL = re.compile(r"url\s*\(\s*(['\"]?)\s*(?!#)[^)]*\)|@import|expression\s*\(|behavior\s*:", re.IGNORECASE)
SCRIPT_URL = re.compile(r"(?:java|vb)script\s*:", re.IGNORECASE)


def _local(name: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag or attribute name."""
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        return ns, local
    return "", name


def _element_problem(el: ET.Element) -> str | None:
    ns, local = _local(el.tag)
    if ns == SVG_NS and local not in SVG_ELEMENTS:
        return f"<{local}> is not allowed in an SVG (script, HTML or interaction)"
    if ns != SVG_NS and ns not in METADATA_NS:
        return f"<{local}> in namespace {ns or 'none'!r} is not allowed in an SVG"
    for name, value in el.attrib.items():
        attr = _local(name)[1]
        if attr.lower().startswith("on"):
            return f"event handler {attr}= on <{local}>"
        if attr == "href" and not LOCAL_REF.match(value):
            return f"<{local}> refers to {value[:60]!r}: only #ids within the file and embedded images"
        if SCRIPT_URL.search(value) or CSS_URL.search(value):
            return f"<{local} {attr}=…> loads {value[:60]!r}: no remote or script addresses"
    if local == "style" and (SCRIPT_URL.search(el.text or "") or CSS_URL.search(el.text or "")):
        return "the <style> sheet loads from outside the file (url(), @import) or runs script"
    return None


def svg_problem(data: bytes) -> str | None:
    """Why an SVG file may not be packaged, or None."""
    if DECLARATION.search(data):
        return "a DOCTYPE, entity or style-sheet declaration (refused: external entities, entity bombs)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16: save it as UTF-8"
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return f"not well-formed XML ({exc})"
    if _local(root.tag) != (SVG_NS, "svg"):
        return f'the root element is <{_local(root.tag)[1]}>: an SVG is <svg xmlns="{SVG_NS}">'

    for el in root.iter():
        if problem := _element_problem(el):
            return problem
    return None


def image_problem(data: bytes, suffix: str) -> str | None:
    """Why the bytes of an image named `*<suffix>` may not be packaged, or None."""
    suffix = suffix.lower()
    if len(data) > MAX_MEDIA:
        return f"larger than {MAX_MEDIA // (1024 * 1024)} MiB"
    if suffix == ".svg":
        return svg_problem(data)
    if suffix == ".webp":
        ok = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    else:
        ok = data.startswith(MAGIC.get(suffix, (b"\0\0never",)))
    if not ok:
        return f"the bytes are not a {suffix[1:].upper()} image (the name says {suffix}, the content differs)"
    return None
