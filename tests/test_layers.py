"""The stages import in one direction: read and validate -> render -> build -> the tools on top.

Every import in the package (at module level or inside a function) is an edge; the graph of
modules has no cycle, and no module imports one of a later stage.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "mldeck"

# The stages in order; a module may import its own stage and earlier ones only.
STAGES = (
    ("read", ("errors", "fsio", "textnorm", "taxonomy", "sections", "fences", "frontmatter", "prose",
              "diagram_kinds", "notetype", "sources", "entries", "localcache", "workers", "entry_cache", "validate",
              "ankimarkup", "imagecheck", "projectmeta", "gitbase", "ledger", "tex")),
    ("render", ("render",)),
    ("build", ("build",)),
    ("tools", ("lint", "preview", "diff", "dups", "scrape", "release", "freshids", "newcard", "ledger_cli", "cli",
               "bootstrap", "__main__")),
)  # fmt: skip
STAGE_OF = {top: n for n, (_, tops) in enumerate(STAGES) for top in tops}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The mldeck modules `path` imports (package-relative ones resolved)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("mldeck")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("mldeck"):
                found.add(target)
                found |= {f"{target}.{a.name}" for a in node.names if _is_module(f"{target}.{a.name}")}
    return {m for m in found if _is_module(m) and m != name}


def _is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    base = PACKAGE.parent / rel
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


@functools.cache
def _graph() -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((module_name(p), frozenset(imports_of(p))) for p in sorted(PACKAGE.rglob("*.py")))


def graph() -> dict[str, set[str]]:
    """Module -> the mldeck modules it imports (each file parsed once a process; a fresh copy each call)."""
    return {m: set(targets) for m, targets in _graph()}


def stage(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return 0  # the package itself: its version
    return STAGE_OF[parts[1]]


def test_every_module_has_a_stage():
    assert [m for m in graph() if m != "mldeck" and m.split(".")[1] not in STAGE_OF] == []


def test_no_module_imports_a_later_stage():
    backward = [
        f"{m} ({STAGES[stage(m)][0]}) imports {t} ({STAGES[stage(t)][0]})"
        for m, targets in graph().items()
        for t in sorted(targets)
        if stage(t) > stage(m)
    ]
    assert backward == []


def test_lint_and_preview_reach_rendering_through_the_render_stage():
    edges = graph()
    for tool in ("mldeck.lint.run",):
        assert "mldeck.render.cards" in edges[tool]
        assert not any(t.startswith("mldeck.build") for t in edges[tool])


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return cycles


def test_the_import_graph_has_no_cycle():
    assert find_cycles(graph()) == []


def test_the_checker_sees_a_backward_edge_and_a_cycle(tmp_path: Path):
    """The analysis itself works: a planted backward import and a cycle are found."""
    edges = {"mldeck.entries": {"mldeck.build.run"}, "mldeck.build.run": {"mldeck.entries"}}
    assert [m for m, ts in edges.items() for t in ts if stage(t) > stage(m)] == ["mldeck.entries"]
    assert find_cycles(edges) == [["mldeck.build.run", "mldeck.entries", "mldeck.build.run"]]
    sample = PACKAGE / "lint" / "run.py"
    assert "mldeck.render.cards" in imports_of(sample)
    assert "mldeck.entries" in imports_of(sample)
