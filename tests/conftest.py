"""Fixtures the whole suite shares.

- Repeatable property tests (Hypothesis profile "repeatable"; "explore" for new examples).
- One cache folder for the session (MLDECK_CACHE_DIR), shared by pytest-xdist's workers, so the
  many builds of copies of the project render each text and diagram once; tests about the
  caches themselves unset it.
- `chromium`: one headless Chromium (playwright) per process for every browser test; it fails
  without Chromium or playwright, or skips when MLDECK_SKIP_BROWSER is set.
- `real_deck`: the repository's cards built once into a copy of the project, for tests that only
  read the package; `real_collection`: that package imported once into a real Anki collection,
  for tests that only read it (a test that reviews or imports again makes its own).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from tests.helpers import copy_project

# Property tests draw the same examples on every run, so a commit passes or fails the same way
# in CI; `HYPOTHESIS_PROFILE=explore make test` draws new ones to look for more cases.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


# `make test` runs the suite in one process per core (pytest-xdist, --dist loadgroup). The tests
# of each module below go to one process together, so the expensive module fixture they share
# is made once: the phone-layout page typeset by MathJax, every card diagram read back, the
# preview site and its browser, the hostile tests' base deck. Every other test is sent on its
# own; the session's `real_deck` is built in each process that needs it (cheap with the shared
# cache). pytest 9.2 hides `xdist_group` marks from pytest-xdist 3.8
# (pytest-dev/pytest-xdist#1386), so the groups are named here by file.
XDIST_GROUPS = {
    path: path
    for path in (
        "tests/content/test_phone_layout.py",
        "tests/content/test_card_diagrams.py",
        "tests/test_preview.py",
        "tests/test_hostile.py",
    )
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class Groups(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)  # an xdist_group mark, where pytest-xdist sees one
            return XDIST_GROUPS.get(nodeid.split("::", 1)[0], nodeid) if scope == nodeid else scope

    return Groups(config, log)


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    # One folder for the whole run, also under pytest-xdist, whose workers each have a basetemp
    # in the run's (popen-gw0, ...). Its writes are atomic: two builds at once can only miss.
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "mldeck-cache"
    previous = os.environ.get("MLDECK_CACHE_DIR")
    os.environ["MLDECK_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("MLDECK_CACHE_DIR", None)
    else:
        os.environ["MLDECK_CACHE_DIR"] = previous


# Diagrams each test process has drawn: (language, source, theme) -> SVG, for `diagrams_memoized`.
_DRAWN: dict[tuple[str, str, str], str] = {}


@pytest.fixture()
def diagrams_memoized(monkeypatch: pytest.MonkeyPatch) -> None:
    """The diagram engines draw each (language, source, theme) once in this test process; later
    requests for it get the same SVG without a round trip to the engines' child process. For
    the modules about caches and workers, whose tests start with empty caches and would each draw
    the fixture's diagrams again (about 0.1 s a picture). Only what this process draws is kept,
    worker processes still draw for themselves, and a refused diagram is asked for every time.
    The engines themselves, their bounds and their determinism are tested without it
    (test_diagrams.py, test_engine_hostile.py, content/test_card_diagrams.py)."""
    from mldeck.render import sandbox

    real = sandbox.Sandbox.render

    def render(self: sandbox.Sandbox, language: str, source: str, theme: str) -> str:
        key = (language, source, theme)
        if key not in _DRAWN:
            _DRAWN[key] = real(self, language, source, theme)
        return _DRAWN[key]

    monkeypatch.setattr(sandbox.Sandbox, "render", render)


@dataclass(frozen=True)
class RealDeck:
    root: Path  # a copy of the project with the repository's cards
    apkg: Path  # its deck, built once for the session: read it, never write it


@contextmanager
def one_at_a_time(lock: Path) -> Iterator[None]:
    """Hold `lock` (an exclusive file lock; none where fcntl is missing) while the block runs."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock, each process builds on its own
        yield
        return
    with lock.open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def real_deck(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> RealDeck:
    from tests.anki_helpers import build

    root = copy_project(tmp_path_factory.mktemp("real") / "proj", with_cards=True)
    # The processes build one after the other: the first fills the shared cache, and the others
    # then take every text and diagram from it (two cold builds at once would both render all).
    with one_at_a_time(shared_cache.parent / "real-deck.lock"):
        apkg = build(root, root / "dist" / "deck.apkg")
    return RealDeck(root, apkg)


@pytest.fixture()
def real_project(real_deck: RealDeck, tmp_path: Path) -> Path:
    """A private copy of the real project (its cards, sources and media) to change and build."""
    root = tmp_path / "proj"
    shutil.copytree(real_deck.root, root, ignore=shutil.ignore_patterns("dist", "build"))
    return root


@pytest.fixture(scope="session")
def real_collection(real_deck: RealDeck, tmp_path_factory: pytest.TempPathFactory):
    pytest.importorskip("anki")
    from tests.anki_helpers import fresh_collection, import_apkg

    col = fresh_collection(tmp_path_factory.mktemp("anki-real"))
    col.first_log = import_apkg(col, real_deck.apkg)  # type: ignore[attr-defined]
    yield col
    col.close()


@pytest.fixture(scope="session")
def chromium():
    """Headless Chromium (tests/screens.py), started once per process for every test that needs one."""
    from tests.screens import launch, need_browser

    need_browser()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("MLDECK_SKIP_BROWSER"):
            pytest.skip("playwright is not installed and MLDECK_SKIP_BROWSER is set")
        pytest.fail("playwright is not installed: make test sets up .venv (or set MLDECK_SKIP_BROWSER=1)")
    playwright = sync_playwright().start()
    try:
        browser = launch(playwright)
    except BaseException:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()
