"""Online refresh: pages served from a local HTTP server -> snapshot, and every way it can fail.

The article bodies are generated from the questions of the repo's snapshots (so a refreshed
snapshot must give back exactly those questions) with answers written here; the page chrome
around them lives in tests/pages/*.html. Every chrome string carries a ``*-MARKER`` token so
"no chrome in the snapshot" is one substring check. The server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import functools
import gzip
import html
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mldeck.cli import main
from mldeck.scrape import fetch
from mldeck.scrape.fetch import FetchError, fetch_html, refresh_snapshot
from mldeck.scrape.sites import scrape_snapshot
from mldeck.sources import load_source, load_sources
from tests.helpers import ROOT, snapshot_tree

PAGES = Path(__file__).resolve().parent / "pages"
PLACEHOLDER = "<!--@ARTICLE@-->"
MARKER = "MARKER"
REPO_SOURCES = load_sources(ROOT / "sources")
REPO_TREE = snapshot_tree(ROOT / "sources")
EXPECTED_COUNT = {"upwork": 38, "alldus": 30, "epam": 42}

Route = Callable[[BaseHTTPRequestHandler], None]


# --------------------------------------------------------------------------------------------
# Pages: chrome from tests/pages, article bodies built from the snapshot questions
# --------------------------------------------------------------------------------------------


@dataclass
class Page:
    html: str
    answers: dict[int, str] = field(default_factory=dict)  # question number -> expected Markdown
    contexts: dict[int, str] = field(default_factory=dict)  # upwork: number -> "why ask" text
    alts: list[str] = field(default_factory=list)  # alt texts of the images inside the body
    code: dict[int, str] = field(default_factory=dict)  # number -> fenced block expected in the answer


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def chrome(name: str, body: str) -> str:
    template = (PAGES / f"{name}.html").read_text(encoding="utf-8")
    assert template.count(PLACEHOLDER) == 1
    return template.replace(PLACEHOLDER, body)


@functools.cache
def repo_questions(name: str):
    return scrape_snapshot(REPO_SOURCES[name])


UPWORK_ALT = "Engineer reviewing model metrics on two monitors"
UPWORK_LEADS = ("A good answer could be:", "Listen for a response like:", "Possible answer:", "Engineers should say:")


def upwork_page(drop_lead_in: int | None = None) -> Page:
    page = Page("")
    out = [
        "<h1>38 Interview Questions for Machine Learning Engineers</h1>",
        '<p class="byline">By <a href="/authors/team">The Fixture Team</a> · 9 min read</p>',
        f'<figure class="hero"><img src="/img/hero.jpg" alt="{esc(UPWORK_ALT)}" width="1200"></figure>',
        '<img src="/img/divider.svg" alt="">',
        "<p>Machine learning engineers need a blend of statistics, programming and product sense. "
        "Use these questions to assess them.</p>",
        "<h2>Table of contents</h2>",
        '<ul class="toc"><li><a href="#questions">38 machine learning engineer interview questions</a></li></ul>',
        '<h2 id="questions">38 machine learning engineer interview questions</h2>',
        "<p>From supervised learning to machine bias, these are the questions to ask.</p>",
    ]
    page.alts.append(UPWORK_ALT)
    for q in repo_questions("upwork"):
        n = q.number
        lead = UPWORK_LEADS[n % len(UPWORK_LEADS)]
        why_html = why = f"Question {n} shows how the candidate reasons about this topic in a real project."
        answer_html = answer = f"The candidate explains the idea behind question {n} and gives an example."
        extra_html, extra_md = "", ""
        if n == 1:
            why_html = (
                'Machine learning algorithms use <a href="/glossary/supervised">supervised</a> or '
                "<em>unsupervised</em> learning, and a candidate should know when each applies."
            )
            why = (
                "Machine learning algorithms use supervised or unsupervised learning, and a candidate "
                "should know when each applies."
            )
            answer_html = (
                "Supervised learning trains on <em>labeled</em> examples, such as "
                '<a href="/glossary/spam">spam filters</a>; unsupervised learning finds structure in '
                "<code>unlabeled</code> data."
            )
            answer = (
                "Supervised learning trains on labeled examples, such as spam filters; unsupervised "
                "learning finds structure in unlabeled data."
            )
        elif n == 3:
            extra_html = "<ul><li>Mean or median imputation.</li><li>Dropping rows that are mostly empty.</li></ul>"
            extra_md = "\n\n- Mean or median imputation.\n- Dropping rows that are mostly empty."
        elif n == 9:
            answer_html = "It&rsquo;s a&nbsp;trade-off between speed and stability."
            answer = "It’s a trade-off between speed and stability."
        out.append(f'<h3 id="q{n}">{n}. {esc(q.question)}</h3>')
        out.append(f"<p>{why_html}</p>")
        if n == drop_lead_in:
            out.append(f"<p>{answer_html}</p>")
        else:
            out.append(f"<p><strong>{lead}</strong> {answer_html}</p>")
        out.append(extra_html)
        page.contexts[n] = why
        page.answers[n] = answer + extra_md
    out += [
        "<h2>Evaluating machine learning engineer interview answers</h2>",
        "<p>Look for answers that are clear, correct and grounded in experience.</p>",
    ]
    page.html = chrome("upwork", "\n".join(out))
    return page


ALLDUS_ALT = "Team of engineers discussing a model at a whiteboard"


def alldus_page() -> Page:
    page = Page("")
    qs = repo_questions("alldus")
    general = [q for q in qs if q.section == "general"]
    technical = [q for q in qs if q.section == "technical"]
    out = [
        "<h1>Machine Learning Interview Questions</h1>",
        '<p class="meta"><span>June 23 2022</span> | <span>Fixture Recruitment</span></p>',
        "<!-- wp:paragraph -->",
        "<p>Demand for Machine Learning Engineers has grown quickly, and interviews cover a lot of ground.</p>",
        "<!-- /wp:paragraph -->",
        f'<figure class="wp-block-image"><img src="/uploads/ml-team.jpg" alt="{esc(ALLDUS_ALT)}"></figure>',
        "<p>We split the questions into two groups.</p>",
        "<h2>General/Competency Questions.</h2>",
    ]
    page.alts.append(ALLDUS_ALT)
    for q in general:
        n = q.number
        p1 = f"This question {n} tests how you communicate with a <strong>non-technical</strong> audience."
        p2 = f"Prepare a short story from your own work that answers question {n}."
        out += [
            f"<h3>{n}. {esc(q.question)}</h3>",
            f"<p>{p1}</p>",
            "<!-- wp:paragraph -->",
            f"<p>{p2}<!-- wp:more COMMENT-MARKER --></p>",
        ]
        md = f"This question {n} tests how you communicate with a non-technical audience.\n\n{p2}"
        if n == 1:
            out.append('<p><a href="https://example.org/explain-ml">https://example.org/explain-ml</a></p>')
            out.append("<ul><li>Use an everyday analogy.</li><li>Avoid jargon.</li></ul>")
            md += "\n\n- <https://example.org/explain-ml>\n\n- Use an everyday analogy.\n- Avoid jargon."
        page.answers[n] = md
    out.append("<h2>Commonly Asked Technical Questions</h2>")
    items = "".join(f"\n  <li>\n    {esc(q.question)}\n  </li>" for q in technical)  # pretty-printed
    out.append(f'<ol class="wp-block-list">{items}\n</ol>')
    out.append("<p>Despite its length, this list is only a starting point for your preparation.</p>")
    page.html = chrome("alldus", "\n".join(out))
    return page


EPAM_ALTS = {
    4: "K-means clustering in ML coding interview questions",
    42: "Capsule network in machine learning: interview questions for experienced engineers",
}
EPAM_CODE_10 = '''import math


def euclidean_distance(p, q):
    """Straight-line distance between two points."""
    return math.sqrt(sum((a - b) ** 2 for a, b in zip(p, q)))
'''
EPAM_CODE_34_HTML = (
    '<span class="kn">import</span> <span class="nn">torch</span>\n\n'
    '<span class="k">class</span> <span class="nc">Gate</span>(torch.nn.Module):\n'
    '    <span class="k">def</span> <span class="nf">forward</span>(self, x):\n'
    '        <span class="k">return</span> torch.sigmoid(x) * x &lt; 10\n'
)
EPAM_CODE_34 = (
    "import torch\n\nclass Gate(torch.nn.Module):\n    def forward(self, x):\n        return torch.sigmoid(x) * x < 10"
)


def epam_page(skip: int | None = None) -> Page:
    page = Page("")
    out = [
        "<h1>Machine learning interview questions</h1>",
        '<div class="author"><img src="/img/avatar.jpg" alt=""><p>Written by Fixture Author</p></div>',
        "<p>To help you prepare for your next machine learning interview, we compiled the most common questions.</p>",
    ]
    for q in repo_questions("epam"):
        n = q.number
        if n == 1:
            out.append("<h2>Common machine learning interview questions and answers</h2>")
        elif n == 34:
            out.append("<h2>Advanced machine learning interview questions and answers</h2>")
        if n == skip:
            continue
        answer = f"This answer explains question {n} with a definition, an example and a common pitfall."
        body = [f"<p>{answer}</p>"]
        if n == 2:
            body = [
                "<p>Use <code>GridSearchCV</code>, <code>cross_val_score</code> or a validation curve "
                "to find the <a href='/glossary/balance'>balance</a>.</p>"
            ]
            answer = "Use GridSearchCV, cross_val_score or a validation curve to find the balance."
        elif n == 3:
            body.append(
                "<ol><li><strong>Root node:</strong> the first split.</li>"
                "<li><strong>Internal nodes:</strong> further tests on features.</li>"
                "<li><strong>Leaves:</strong> the predicted value.</li></ol>"
            )
            answer += (
                "\n\n1. **Root node:** the first split.\n2. **Internal nodes:** further tests on features."
                "\n3. **Leaves:** the predicted value."
            )
        elif n == 4:
            body.append(f'<figure><img src="/img/kmeans.png" alt="{esc(EPAM_ALTS[4])}"></figure>')
        elif n == 5:  # text wrapped in the HTML source is still one paragraph, one line
            body = [
                f"<p>\n          This answer explains question {n}\n          with a definition,"
                "\tan example\n          and a common pitfall.\n        </p>"
            ]
        elif n == 10:
            body = [
                "<p>A short implementation:</p>",
                f'<pre><code class="language-python">{esc(EPAM_CODE_10)}</code></pre>',
                "<p>For example, <code>euclidean_distance((0, 0), (3, 4))</code> returns 5.0 "
                "(<em>the 3-4-5 triangle</em>).</p>",
            ]
            page.code[10] = "```\n" + EPAM_CODE_10.strip("\n") + "\n```"
            answer = (
                f"A short implementation:\n\n{page.code[10]}\n\n"
                "For example, euclidean_distance((0, 0), (3, 4)) returns 5.0 (the 3-4-5 triangle)."
            )
        elif n == 34:
            body += ["<p>Code sample:</p>", f'<div class="highlight"><pre><code>{EPAM_CODE_34_HTML}</code></pre></div>']
            page.code[34] = f"```\n{EPAM_CODE_34}\n```"
            answer += f"\n\n{page.code[34]}"
        elif n == 42:
            body.insert(0, f'<p><img src="/img/capsnet.png" alt="{esc(EPAM_ALTS[42])}"></p>')
        permalink = f'<a class="anchor" href="#q{n}"><svg aria-hidden="true"><title>ANCHOR-MARKER</title></svg></a>'
        out.append(f'<h3 id="q{n}">{n}. {esc(q.question)} {permalink}<button>Copy link BUTTON-MARKER</button></h3>')
        out += body
        page.answers[n] = answer
    out.append("<p>In conclusion, practise explaining these ideas out loud before the interview.</p>")
    page.alts += EPAM_ALTS.values()
    page.html = chrome("epam", "\n".join(out))
    return page


BUILDERS = {"upwork": upwork_page, "alldus": alldus_page, "epam": epam_page}


@functools.cache
def built(name: str) -> Page:
    return BUILDERS[name]()


# --------------------------------------------------------------------------------------------
# The local server
# --------------------------------------------------------------------------------------------


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.release = threading.Event()  # set at teardown so no handler keeps waiting

    def url(self, path: str) -> str:
        host, port = self.server_address[:2]
        assert host == "127.0.0.1"
        return f"http://127.0.0.1:{port}{path}"

    def handle_error(self, request, client_address) -> None:  # a client that gave up is expected
        pass


class Handler(BaseHTTPRequestHandler):
    server: Server

    def do_GET(self) -> None:
        self.server.hits[self.path] += 1
        route = self.server.routes.get(self.path, status(404, b"<h1>Not found</h1>"))
        try:
            route(self)
        except OSError:  # the client timed out or closed the connection
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


def send(h: BaseHTTPRequestHandler, code: int, body: bytes, ctype: str | None, headers=()) -> None:
    h.send_response(code)
    if ctype:
        h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    for key, value in headers:
        h.send_header(key, value)
    h.end_headers()
    h.wfile.write(body)


def page(text: str, ctype: str = "text/html; charset=utf-8", gzipped: bool = False) -> Route:
    body = text.encode("utf-8")
    headers = [("Content-Encoding", "gzip")] if gzipped else []
    if gzipped:
        body = gzip.compress(body)
    return lambda h: send(h, 200, body, ctype, headers)


def status(code: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8") -> Route:
    return lambda h: send(h, code, body, ctype)


def redirect(location: str) -> Route:
    return lambda h: send(h, 302, b"", "text/html", [("Location", location)])


def slow(seconds: float, then: Route) -> Route:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.server.release.wait(seconds)
        then(h)

    return route


def flaky(failures: int, then: Route) -> Route:
    calls = Counter()

    def route(h: BaseHTTPRequestHandler) -> None:
        calls["n"] += 1
        (status(503, b"<h1>Service Unavailable</h1>") if calls["n"] <= failures else then)(h)

    return route


def trickle(total: int, delay: float) -> Route:
    """Headers at once, then one byte every `delay` s: each read is quick, the download is not."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(total))
        h.end_headers()
        for _ in range(total):
            if h.server.release.wait(delay):
                return
            h.wfile.write(b"x")
            h.wfile.flush()

    return route


@pytest.fixture(scope="module")
def server():
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.release.set()
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=2)


@pytest.fixture()
def site(server: Server):
    server.routes.clear()
    server.hits.clear()
    server.routes.update(
        {
            "/upwork": page(built("upwork").html),
            "/alldus": page(built("alldus").html, ctype="text/html", gzipped=True),  # no charset, gzip
            "/epam": page(built("epam").html, ctype="text/html; charset=UTF-8"),
        }
    )
    return server


@pytest.fixture(autouse=True)
def _isolation(monkeypatch):
    """Never a proxy, short retry back-off, and the repo's own sources/ never touched."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setattr(fetch, "fetch_html", functools.partial(fetch_html, backoff=0.01))
    yield
    assert snapshot_tree(ROOT / "sources") == REPO_TREE, "a test wrote into the repo's sources/"


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    return tmp_path


def source(root: Path, name: str):
    return load_source(root / "sources" / name)


def assert_kept(root: Path) -> None:
    """The snapshots (and the whole sources/ folder: no stray temp file) are byte-identical."""
    assert snapshot_tree(root / "sources") == REPO_TREE


# --------------------------------------------------------------------------------------------
# Successful refresh
# --------------------------------------------------------------------------------------------


def test_fixture_pages_have_chrome_and_full_question_counts():
    for name, count in EXPECTED_COUNT.items():
        doc = built(name).html
        assert doc.count(MARKER) >= 8, name
        assert all(s in doc for s in ("<nav", "<header", "<footer", "<script", "cookie", "Related articles")), name
        assert len(built(name).answers) == (count if name != "alldus" else 5)


@pytest.mark.parametrize("name", ["upwork", "alldus", "epam"])
def test_refresh_writes_a_snapshot_that_parses(site: Server, root: Path, name: str):
    src = source(root, name)
    old = src.snapshot.read_bytes()
    path, n = refresh_snapshot(src, site.url(f"/{name}"), timeout=5)
    assert path == root / "sources" / name / "snapshot.txt"
    assert n == EXPECTED_COUNT[name]
    assert site.hits[f"/{name}"] == 1
    text = path.read_text(encoding="utf-8")
    assert path.read_bytes() != old
    assert text.endswith("\n") and "\r" not in text
    assert not list(path.parent.glob(".snapshot.txt.*")), "temporary file left behind"

    qs = scrape_snapshot(load_source(root / "sources" / name))
    assert len(qs) == EXPECTED_COUNT[name]
    assert [q.question for q in qs] == [q.question for q in repo_questions(name)]
    assert [q.section for q in qs] == [q.section for q in repo_questions(name)]
    expected = built(name)
    assert {q.number: q.answer for q in qs if q.number in expected.answers and q.section != "technical"} == (
        expected.answers
    )
    if name == "upwork":
        assert {q.number: q.context for q in qs} == expected.contexts
    if name == "alldus":
        assert all(q.answer == "" for q in qs if q.section == "technical")


@pytest.mark.parametrize("name", ["upwork", "alldus", "epam"])
def test_refreshed_snapshot_has_no_page_chrome(site: Server, root: Path, name: str):
    path, _ = refresh_snapshot(source(root, name), site.url(f"/{name}"), timeout=5)
    text = path.read_text(encoding="utf-8")
    assert MARKER not in text
    for chrome_text in (
        "We use cookies",
        "uses cookies",
        "All rights reserved",
        "Related articles",
        "dataLayer",
        "window.",
        "Subscribe",
        "Skip to",
        "Skip To",
        "find me a job",
        "Accept",
        "Leave a reply",
        "wp:paragraph",
    ):
        assert chrome_text not in text, (name, chrome_text)
    # the article's own first line survives
    assert text.splitlines()[0] in {
        "38 Interview Questions for Machine Learning Engineers",
        "Machine Learning Interview Questions",
        "Machine learning interview questions",
    }


@pytest.mark.parametrize("name", ["upwork", "alldus", "epam"])
def test_image_alt_text_is_only_a_caption(site: Server, root: Path, name: str):
    path, _ = refresh_snapshot(source(root, name), site.url(f"/{name}"), timeout=5)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    qs = scrape_snapshot(load_source(root / "sources" / name))
    assert built(name).alts
    for alt in built(name).alts:
        assert text.count(alt) == 1, alt
        assert f"[image: {alt}]" in lines, alt
        for q in qs:
            assert alt not in q.answer and alt not in q.context and alt not in q.question
    assert "[image: ]" not in text  # decorative images (alt="") leave nothing
    if name == "epam":
        dropped = {q.number: " ".join(q.dropped) for q in qs if q.dropped}
        assert set(dropped) == {4, 34, 42}  # two images, one "Code sample:" lead-in
        assert EPAM_ALTS[4] in dropped[4] and EPAM_ALTS[42] in dropped[42]


def test_pre_code_survives_as_a_fenced_block(site: Server, root: Path):
    path, _ = refresh_snapshot(source(root, "epam"), site.url("/epam"), timeout=5)
    text = path.read_text(encoding="utf-8")
    qs = {q.number: q for q in scrape_snapshot(load_source(root / "sources" / "epam"))}
    for n in (10, 34):
        block = built("epam").code[n]
        assert block in text, n
        assert block in qs[n].answer, n
        assert text.count(block) == 1
    assert qs[10].answer.startswith("A short implementation:\n\n```\nimport math\n\n\ndef euclidean_distance(p, q):\n")
    assert '    """Straight-line distance between two points."""' in qs[10].answer
    assert "x < 10" in qs[34].answer and "&lt;" not in qs[34].answer
    assert not any("```" in q.answer for q in qs.values() if q.number not in (10, 34))


def test_redirect_to_the_article_is_followed(site: Server, root: Path):
    site.routes["/old-address"] = redirect("/epam")
    path, n = refresh_snapshot(source(root, "epam"), site.url("/old-address"), timeout=5)
    assert n == 42 and site.hits["/old-address"] == 1 and site.hits["/epam"] == 1
    assert path.read_bytes() != REPO_TREE["epam/snapshot.txt"]


def test_transient_503_is_retried_then_succeeds(site: Server, root: Path):
    site.routes["/busy"] = flaky(1, page(built("epam").html))
    start = time.monotonic()
    path, n = refresh_snapshot(source(root, "epam"), site.url("/busy"), timeout=5)
    assert n == 42 and site.hits["/busy"] == 2
    assert len(scrape_snapshot(load_source(root / "sources" / "epam"))) == 42
    assert time.monotonic() - start < 2


# --------------------------------------------------------------------------------------------
# Failures: a clear FetchError and the old snapshot byte-identical
# --------------------------------------------------------------------------------------------


def refresh_fails(root: Path, name: str, url: str, timeout: float = 5) -> str:
    with pytest.raises(FetchError) as info:
        refresh_snapshot(source(root, name), url, timeout=timeout)
    assert_kept(root)
    return str(info.value)


@pytest.mark.parametrize(("code", "reason"), [(404, "Not Found"), (403, "Forbidden")])
def test_http_error_status(site: Server, root: Path, code: int, reason: str):
    site.routes["/gone"] = status(code, b"<h1>nope</h1>")
    msg = refresh_fails(root, "epam", site.url("/gone"))
    assert msg == f"{site.url('/gone')}: HTTP {code} {reason}"
    assert site.hits["/gone"] == 1  # a client error is not retried


def test_timeout(site: Server, root: Path):
    site.routes["/slow"] = slow(3, page(built("epam").html))
    start = time.monotonic()
    msg = refresh_fails(root, "epam", site.url("/slow"), timeout=0.5)
    elapsed = time.monotonic() - start
    assert "timed out after 0.5 s" in msg and "gave up after 3 attempts" in msg
    assert site.hits["/slow"] == 3
    assert elapsed < 3


def test_slow_drip_download_is_cut_off(site: Server):
    """Every read gets a byte within the timeout, but the whole download must still be bounded."""
    site.routes["/drip"] = trickle(400, 0.05)  # 20 s in total if read to the end
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"download took longer than 1 s"):
        fetch_html(site.url("/drip"), timeout=0.5, retries=0)
    assert time.monotonic() - start < 2.5


def test_all_attempts_503(site: Server, root: Path):
    site.routes["/down"] = status(503, b"<h1>Service Unavailable</h1>")
    msg = refresh_fails(root, "epam", site.url("/down"))
    assert msg == f"{site.url('/down')}: HTTP 503 (gave up after 3 attempts)"
    assert site.hits["/down"] == 3


def test_non_html_response(site: Server, root: Path):
    site.routes["/api"] = status(200, b'{"questions": []}', ctype="application/json")
    msg = refresh_fails(root, "epam", site.url("/api"))
    assert msg == f"{site.url('/api')}: not an HTML page (Content-Type 'application/json')"


def test_missing_content_type(site: Server, root: Path):
    site.routes["/bare"] = lambda h: send(h, 200, b"<p>hello</p>", None)
    assert "not an HTML page" in refresh_fails(root, "epam", site.url("/bare"))


@pytest.mark.parametrize("name", ["upwork", "alldus", "epam"])
def test_empty_article_with_only_chrome(site: Server, root: Path, name: str):
    site.routes["/empty"] = page((PAGES / "chrome_only.html").read_text(encoding="utf-8"))
    msg = refresh_fails(root, name, site.url("/empty"))
    assert msg == "no article text found on the page"


@pytest.mark.parametrize("name", ["upwork", "alldus", "epam"])
def test_different_layout_does_not_parse(site: Server, root: Path, name: str):
    site.routes["/faq"] = page((PAGES / "redesign.html").read_text(encoding="utf-8"))
    msg = refresh_fails(root, name, site.url("/faq"))
    assert msg.startswith("the page does not parse into the expected questions; snapshot kept:\n")
    assert "the layout changed?" in msg
    assert "/faq>:" in msg  # the problem names the page, not the snapshot file


def test_missing_question_does_not_parse(site: Server, root: Path):
    site.routes["/epam-17"] = page(epam_page(skip=17).html)
    msg = refresh_fails(root, "epam", site.url("/epam-17"))
    assert "snapshot kept" in msg and "question 17 missing?" in msg


def test_answer_without_lead_in_does_not_parse(site: Server, root: Path):
    site.routes["/upwork-7"] = page(upwork_page(drop_lead_in=7).html)
    msg = refresh_fails(root, "upwork", site.url("/upwork-7"))
    assert "snapshot kept" in msg and "question 7: no model-answer lead-in found" in msg


def test_redirect_loop(site: Server, root: Path):
    site.routes["/loop-a"] = redirect("/loop-b")
    site.routes["/loop-b"] = redirect("/loop-a")
    msg = refresh_fails(root, "epam", site.url("/loop-a"))
    assert msg == f"{site.url('/loop-a')}: too many redirects (a redirect loop?)"
    assert 10 <= site.hits["/loop-a"] + site.hits["/loop-b"] <= 40  # bounded, not retried


def test_response_bigger_than_the_cap(site: Server, root: Path, monkeypatch):
    monkeypatch.setattr(fetch, "MAX_BYTES", 4096)
    assert len(built("epam").html.encode()) > 2 * 4096
    msg = refresh_fails(root, "epam", site.url("/epam"))
    assert msg.startswith(f"{site.url('/epam')}: page larger than")
    assert site.hits["/epam"] == 1


def test_truncated_response(site: Server, root: Path):
    def cut(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        h.wfile.write(built("epam").html.encode()[:2000])

    site.routes["/cut"] = cut
    msg = refresh_fails(root, "epam", site.url("/cut"))
    assert "connection failed" in msg and "gave up after 3 attempts" in msg


def test_source_without_url_and_no_url_given(root: Path):
    src = source(root, "epam")
    assert src.url == ""
    with pytest.raises(FetchError, match="source 'epam' has no known URL; pass --url"):
        refresh_snapshot(src)
    assert_kept(root)


@pytest.mark.parametrize("url", ["example.com/article", "ftp://127.0.0.1/article", "http://"])
def test_invalid_address(root: Path, url: str):
    msg = refresh_fails(root, "epam", url)
    assert msg.startswith(f"{url}: not a valid web address")


# --------------------------------------------------------------------------------------------
# The CLI
# --------------------------------------------------------------------------------------------


def test_cli_fetch_success(site: Server, root: Path, capsys):
    code = main(["--root", str(root), "fetch", "epam", "--url", site.url("/epam"), "--timeout", "5"])
    out, err = capsys.readouterr()
    assert code == 0, err
    snapshot = root / "sources" / "epam" / "snapshot.txt"
    assert out.strip() == f"{snapshot}: 42 questions; run `make cards` to update the cards"
    assert err == ""
    assert snapshot.read_bytes() != REPO_TREE["epam/snapshot.txt"]
    assert len(scrape_snapshot(load_source(snapshot.parent))) == 42


def test_cli_fetch_404(site: Server, root: Path, capsys):
    url = site.url("/no-such-article")
    code = main(["--root", str(root), "fetch", "epam", "--url", url, "--timeout", "5"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.strip() == f"error: fetch epam: {url}: HTTP 404 Not Found"
    assert_kept(root)


def test_cli_fetch_layout_change(site: Server, root: Path, capsys):
    site.routes["/faq"] = page((PAGES / "redesign.html").read_text(encoding="utf-8"))
    code = main(["--root", str(root), "fetch", "alldus", "--url", site.url("/faq"), "--timeout", "5"])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("error: fetch alldus: the page does not parse into the expected questions; snapshot kept:")
    assert_kept(root)


def test_cli_unknown_source(site: Server, root: Path, capsys):
    code = main(["--root", str(root), "fetch", "nosuch", "--url", site.url("/epam")])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.strip() == "error: unknown source 'nosuch' (known: alldus, deck, epam, upwork)"
    assert sum(site.hits.values()) == 0
    assert_kept(root)


def test_cli_no_url(root: Path, capsys):
    code = main(["--root", str(root), "fetch", "epam"])
    _, err = capsys.readouterr()
    assert code == 1
    assert "source 'epam' has no known URL; pass --url after confirming it" in err
    assert_kept(root)


def test_cli_invalid_url_is_an_error_not_a_traceback(root: Path, capsys):
    code = main(["--root", str(root), "fetch", "epam", "--url", "example.com/article"])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("error: fetch epam: example.com/article: not a valid web address")
    assert_kept(root)
