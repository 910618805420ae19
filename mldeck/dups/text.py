"""Text -> comparable terms: lower case, no Markdown or maths, no question framing, light stemming.

The point is that two phrasings of one question end up with the same terms:
"Describe L1 versus L2 regularization" and "What is the difference between L1 and L2
regularization?" both become {l1, vs, l2, regular}. Pure functions, no dependencies.
"""

from __future__ import annotations

import re

# Words that frame a question rather than say what it is about.
STOP_WORDS = frozenset(
    """
    a about all also an and any are as at be been being briefly by can could define describe did discuss do does
    elaborate example examples explain for from give has have her his how i idea if in into is it its me mean meant
    might more most my of on one or other our over please some such tell than that the their them then there these
    they this those through to understand us use used using was way ways we were what when where whether which who
    why will with work works would you your concept concepts main key term terms had take step steps important
    core behind underlying algorithm algorithms technique techniques method methods
    """.split()
)

# Multi-word names and spellings -> one term, applied to the lower-cased text before tokenising.
PHRASES = (
    (r"\bdifferences? between\b|\bversus\b|\bvs\.?(?=\s)|\bcompared? (?:to|with)\b|\bdiffers? from\b", " vs "),
    (r"\bsupport vector machines?\b|\bsvm[’']?s\b", " svm "),
    (r"\bprincipal component analysis\b", " pca "),
    (r"\bconvolut(?:ional|ed) neural networks?\b", " cnn "),
    (r"\brecurrent neural networks?\b", " rnn "),
    (r"\bgenerative adversarial networks?\b", " gan "),
    (r"\bk[- ]means\b", " kmeans "),
    (r"\bk[- ]nearest neighbou?rs?\b|\bk-?nn\b", " knn "),
    (r"\bmachine learning\b", " ml "),
    (r"\bbias[- ](?:and )?variance\b", " biasvariance "),
    (r"\btrade[- ]off\b", " tradeoff "),
    (r"\bmini[- ]batch\b", " minibatch "),
    (r"\bdata ?sets?\b", " dataset "),
)

# Stems that ask the same thing: "deal with", "address" and "prevent" a problem all mean handle it.
SYNONYMS = {
    "deal": "handl",
    "address": "handl",
    "tackl": "handl",
    "manag": "handl",
    "prevent": "handl",
    "avoid": "handl",
    "unbalanc": "imbalanc",
    "regularis": "regular",
    "regulariz": "regular",
    "normalis": "normal",
    "normaliz": "normal",
}

# Stems that name one facet of a topic: "What are SVMs?" and "What are the advantages of SVMs?"
# are different questions, so a facet counts for more than its rarity alone would give it.
FACETS = frozenset("advantag disadvantag benefit beneficial drawback limit challeng applic scenario experienc".split())

_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$", re.S)
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
_WORD = re.compile(r"[a-z][a-z0-9]*|[0-9]+[a-z][a-z0-9]*")


def stem(word: str) -> str:
    """A light suffix stripper: plurals, -ing, -ed, -ation, -ize/-ise, final -e. Not Porter, on purpose."""
    w = word
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("xes", "x")):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            return stem(w[: -len(suffix)] + repl)
    if w.endswith("s") and len(w) > 3 and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ation", "ing", "ed"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # overfitting -> overfit, bagging -> bag
            break
    for suffix in ("ize", "ise", "e"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            w = w[: -len(suffix)]
            break
    return SYNONYMS.get(w, w)


def plain(markdown: str) -> str:
    """Markdown -> lower-case prose: no maths, code, link targets or typographic quotes."""
    text = _CODE.sub(" ", _MATH.sub(" ", markdown))
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return text.lower().replace("’", "'").replace("‘", "'")


def terms(markdown: str) -> list[str]:
    """The comparable terms of a text, in order (repeats kept: callers decide how to count)."""
    text = plain(markdown)
    for pattern, repl in PHRASES:
        text = re.sub(pattern, repl, text)
    text = re.sub(r"'s\b", "", text)
    out = []
    for word in _WORD.findall(text):
        if len(word) < 2 or word in STOP_WORDS:
            continue
        term = stem(word)
        if term not in STOP_WORDS:
            out.append(term)
    return out
