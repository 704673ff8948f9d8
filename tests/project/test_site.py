"""The course site (``make docs``): built offline from the committed notebooks, then read in a real browser.

The site is built once for this module with ``scripts/build_site.py`` (what ``make docs`` runs: Sphinx,
MyST-NB and the book theme, warnings as errors, notebooks rendered from their stored outputs and never
run), served from a loopback HTTP server, and opened in Debian's Chromium driven by Playwright (as in
``tests/course/test_browser.py``). Every request that would leave the site is recorded, and refused by
Chromium's own name resolver (every host but the loopback address is unknown to it), so a page that needs
the network (a CDN script, a web font) fails the test. The refusal is Chromium's, not Playwright's request
interception, which would turn the browser's cache off: a reader's browser fetches and compiles mermaid.js
(megabytes) once for the whole site, and so does this one.

Without the docs tools, mermaid.js (``npm ci --prefix site``) or Chromium, the tests skip, except under
``CI=true``, where they fail.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import importlib.util
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import nbformat
import pytest

from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MERMAID_JS = REPO / "site" / "node_modules" / "mermaid" / "dist" / "mermaid.esm.min.mjs"
DOCS_MODULES = ("sphinx", "myst_nb", "sphinx_book_theme", "sphinxcontrib.mermaid")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: Chromium resolves no host name but the loopback address's: a request that would leave the site fails.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def missing(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message + "; the site test must run in CI")
    pytest.skip(message)


def notebook_page(notebook: Path) -> str:
    return f"notebooks/{notebook.stem}.html"


def plain(text: str) -> str:
    """Text as typed: the site prints typographic quotes (Sphinx's smart quotes)."""
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')


def title_of(notebook: Path) -> str:
    cells = nbformat.read(notebook, as_version=4).cells
    return next(
        c.source.splitlines()[0][2:].strip()
        for c in cells
        if c.cell_type == "markdown" and c.source.startswith("# ")
    )


def mermaid_fences(notebook: Path) -> int:
    cells = nbformat.read(notebook, as_version=4).cells
    return sum(c.source.count("```mermaid") for c in cells if c.cell_type == "markdown")


@dataclass
class Site:
    folder: Path
    build_output: str
    url: str = ""
    requests_outside: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    absent = [name for name in DOCS_MODULES if importlib.util.find_spec(name.split(".")[0]) is None]
    if absent:
        missing(f"the docs tools are missing ({', '.join(absent)}): pip install -e '.[docs]'")
    if not MERMAID_JS.is_file():
        missing(f"{MERMAID_JS.relative_to(REPO)} is missing: npm ci --prefix site")
    out = tmp_path_factory.mktemp("site") / "html"
    build = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_site.py"), "--quiet", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    handler = functools.partial(QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Site(out, build.stdout + build.stderr, f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[object]:
    """One browser context for every page of the site, as one reader's tab: the site's scripts (mermaid.js
    is megabytes) are fetched and compiled once, not once per page."""
    require_chromium("the site test")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, OFFLINE])
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        yield context
        context.close()
        chromium.close()


@pytest.fixture
def opened(browser: object, site: Site) -> Iterator[Callable[[str], Visit]]:
    """Opens pages of the site for a test (:func:`visit`) and closes them after it."""
    pages: list[object] = []

    def open_page(path: str) -> Visit:
        shown = visit(browser, site, path)
        pages.append(shown.page)
        return shown

    yield open_page
    for page in pages:
        page.close()


@dataclass
class Visit:
    page: object
    errors: list[str]
    failed: list[str]


def visit(context: object, site: Site, path: str) -> Visit:
    """Open ``path`` of the site in a new page; JavaScript errors and failed or outside requests are
    recorded."""
    page = context.new_page()
    errors: list[str] = []
    failed: list[str] = []

    def outside(request: object) -> None:
        if not request.url.startswith((site.url, "data:")):
            site.requests_outside.append(request.url)

    page.on("request", outside)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.endswith("/favicon.ico")  # asked for by the browser itself, not the page
            and failed.append(f"{response.status} {response.url}")
        ),
    )
    page.on("requestfailed", lambda request: failed.append(f"failed {request.url}"))
    page.goto(site.url + path, wait_until="networkidle")
    return Visit(page, errors, failed)


def test_the_site_builds_with_no_warning(site: Site):
    assert "WARNING" not in site.build_output and "ERROR" not in site.build_output, site.build_output
    assert "Site built in" in site.build_output  # with its time and size


def test_the_home_page_is_the_readme_and_lists_every_notebook_in_course_order(opened):
    home = opened("")  # index.html leads to the README
    page = home.page
    assert page.url.endswith("/README.html")
    readme_title = (REPO / "README.md").read_text().splitlines()[0].lstrip("# ").strip()
    assert page.locator("article h1").first.inner_text().strip().rstrip("#").strip() == readme_title
    links = page.eval_on_selector_all(
        "nav.bd-docs-nav a.reference.internal",
        "links => links.map(a => [a.getAttribute('href'), a.innerText])",
    )
    listed = [(href, plain(text.strip())) for href, text in links if href.startswith("notebooks/")]
    assert [href for href, _ in listed] == [notebook_page(notebook) for notebook in NOTEBOOKS]
    assert [text for _, text in listed] == [title_of(notebook) for notebook in NOTEBOOKS]
    assert home.errors == [] and home.failed == []


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_notebook_page_shows_the_stored_outputs_and_how_to_run_it(site: Site, opened, notebook: Path):
    shown = opened(notebook_page(notebook))
    page = shown.page
    assert plain(page.locator("article h1").first.inner_text()).strip().rstrip("#").strip() == title_of(
        notebook
    )

    note = page.locator(".open-in-jupyterlab")
    assert note.count() == 1
    text = note.inner_text()
    assert f"notebooks/{notebook.name}" in text and "make lab" in text and "make test" in text

    # Stored outputs, as committed (not re-run: a run would print another port, id or time).
    article = plain(page.locator("article").inner_text())
    stored = nbformat.read(notebook, as_version=4)
    for cell in stored.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                first = next((line for line in output.text.splitlines() if line.strip()), "")
                assert first.strip() in article, f"stored output not shown: {first!r}"
            elif output.output_type == "error":
                assert output.ename in article
            elif WIDGET_MIME in output.get("data", {}):
                # A widget is shown as its printed form, the text/plain stored beside it.
                assert output.data["text/plain"].splitlines()[0][:60] in article

    diagrams = page.locator("article .mermaid")
    assert diagrams.count() == mermaid_fences(notebook)
    for index in range(diagrams.count()):
        diagram = diagrams.nth(index)
        diagram.scroll_into_view_if_needed()  # sphinxcontrib-mermaid draws a diagram when it is seen
        diagram.locator("svg").first.wait_for(state="visible", timeout=30_000)
        assert diagram.locator("svg g").count() > 0

    assert shown.errors == [], shown.errors
    assert shown.failed == [], shown.failed
    assert site.requests_outside == [], site.requests_outside


class Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if values.get(name) and tag in ("a", "link", "script", "img"):
                self.targets.append(values[name])


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def test_every_internal_link_resolves(site: Site):
    # Every page (the theme's _static/*.html are Jinja templates it ships, not pages).
    pages = sorted(path for path in site.folder.rglob("*.html") if "_static" not in path.parts)
    parsed = {path: parse(path) for path in pages}
    broken = []
    checked = 0
    for path, links in parsed.items():
        base = "file://" + path.as_posix()
        for target in links.targets:
            if re.match(r"^[a-z]+:", target) and not target.startswith("file:"):
                continue  # http(s), mailto, data: links are not the site's
            resolved = urlsplit(urljoin(base, target))
            file = Path(unquote(resolved.path))
            checked += 1
            if not file.is_file():
                broken.append(f"{path.relative_to(site.folder)}: {target}")
            elif resolved.fragment and file.suffix == ".html":
                ids = parsed[file].ids if file in parsed else parse(file).ids
                if unquote(resolved.fragment) not in ids:
                    broken.append(f"{path.relative_to(site.folder)}: {target} (no such anchor)")
    assert checked > 100
    assert broken == []
