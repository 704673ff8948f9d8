"""Open every notebook in JupyterLab in a real browser, run it, and check what a person sees.

``python -m helpers.lab`` (what ``make lab`` runs) starts the local AWS and JupyterLab on a copy of the
notebooks; Playwright drives Debian's Chromium (``tests.support.chromium``, installed by ``.ci/run`` with apt;
never a browser download). JupyterLab stays open in one tab, as a reader keeps it; for each notebook in
turn: open it, run all cells, then check that only cells tagged
``raises-exception`` show an error (and that those do), that every code cell ran, that each Mermaid fence
is drawn as a picture, that widgets are drawn as widgets (not their text fallback), and that the page
raised no JavaScript error. In notebook 04 the test also uses the login panel as the notebook asks a
reader to: "Continue as guest", then "Sign in with Login with Amazon". A notebook that fails leaves a
screenshot, whose path is printed; ``COURSE_BROWSER_SCREENSHOTS=<folder>`` saves one of every notebook
after running, the whole notebook in one tall picture (drawing those costs seconds of CPU per notebook,
so a plain run leaves them out).

Without Chromium the test skips, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.support.processes import REPO_ROOT, LineReader, alive, descendants, start_module

pytestmark = pytest.mark.browser

TOKEN = "browser-test-" + secrets.token_hex(8)
NOTEBOOKS = sorted(path.name for path in (REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PANEL_NOTEBOOK = "04_guest-then-authenticated-login.ipynb"
STDERR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
RUN_TIMEOUT_MS = 180_000
# How often a wait re-checks the page, in ms: Playwright's default checks on every animation frame, which
# keeps the page's renderer busy for the seconds a notebook runs.
POLL_MS = 100
LAB_SETTINGS = {
    # No news toast over the page, no update check (there is no network).
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # Every cell in the DOM, so far-down cells can be checked and clicked without scrolling first.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def say(config: pytest.Config, text: str) -> None:
    """A line in pytest's own output, shown even though pytest captures the test's (CI runs without -s)."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if capture is None or reporter is None:
        print(f"[browser test] {text}")
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(f"\n[browser test] {text}")


@dataclass
class Lab:
    url: str
    aws_url: str
    copy: Path
    screenshots: Path
    every_notebook_shot: bool  # COURSE_BROWSER_SCREENSHOTS asks for one of every notebook


@pytest.fixture(scope="module")
def chromium() -> Path:
    return require_chromium()


@pytest.fixture(scope="module")
def lab(
    chromium: Path, tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[Lab]:
    """The local AWS and JupyterLab, as ``make lab`` starts them, on a throwaway copy of the notebooks.

    Running notebooks in a browser saves them, so never on ``notebooks/`` itself. The copy sits directly
    in the repository (``.browser-test-<random>/``, removed afterwards) because notebook 00 checks that the
    kernel's working directory's parent is the checkout its ``helpers`` package comes from.
    """
    home = tmp_path_factory.mktemp("jupyter")
    settings = home / "settings"
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    screenshots = Path(
        os.environ.get("COURSE_BROWSER_SCREENSHOTS") or tmp_path_factory.mktemp("browser-screenshots")
    ).resolve()
    screenshots.mkdir(parents=True, exist_ok=True)

    untouched = snapshot(REPO_ROOT / "notebooks")
    copy = REPO_ROOT / f".browser-test-{secrets.token_hex(4)}"
    copy.mkdir()
    for name in NOTEBOOKS:
        shutil.copy2(REPO_ROOT / "notebooks" / name, copy / name)

    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        IPYTHONDIR=str(home / "ipython"),
    )
    for name in ("AWS_ENDPOINT_URL", "COURSE_TARGET", "COURSE_AWS_ACCOUNT_ID"):
        env.pop(name, None)  # the launcher exports its own local AWS; the notebooks run locally
    port = free_port()
    process = start_module(
        "helpers.lab",
        "--port",
        str(port),
        "--aws-port",
        "0",
        "--notebooks",
        str(copy),
        "--",
        "--no-browser",
        f"--IdentityProvider.token={TOKEN}",
        "--ServerApp.password=",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp
        env=env,
    )
    output = LineReader(process.stdout)
    tree: set[int] = set()
    try:
        aws_url = output.wait_for(lambda line: line.startswith("Local AWS: "), timeout=60).split(": ", 1)[1]
        url = f"http://127.0.0.1:{port}"
        status = wait_for_jupyter(url)
        assert "started" in status
        asked = bool(os.environ.get("COURSE_BROWSER_SCREENSHOTS"))
        if asked:
            say(pytestconfig, f"screenshots of the notebooks after running: {screenshots}")
        yield Lab(url=url, aws_url=aws_url, copy=copy, screenshots=screenshots, every_notebook_shot=asked)
        tree = descendants(process.pid)
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C: the launcher stops JupyterLab, kernels and the AWS
        try:
            process.wait(timeout=60)
        finally:
            shutil.rmtree(copy, ignore_errors=True)
    time.sleep(0.5)
    assert alive(tree) == set(), "processes left behind by the lab"
    assert snapshot(REPO_ROOT / "notebooks") == untouched, "the browser test changed notebooks/"


def snapshot(folder: Path) -> dict[str, bytes]:
    """The course's notebooks and any checkpoints JupyterLab keeps of them."""
    files = [folder / name for name in NOTEBOOKS] + sorted(folder.glob(".ipynb_checkpoints/*"))
    return {str(path.relative_to(folder)): path.read_bytes() for path in files}


def wait_for_jupyter(url: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {TOKEN}"})
    while True:
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return json.load(answer)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.fixture(scope="module")
def browser_context(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # a fresh, empty user-data dir
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


# -- what the notebook file says a person should see ------------------------------------------------


@dataclass
class Expected:
    mermaid: dict[int, int] = field(default_factory=dict)  # cell index -> number of ```mermaid fences
    raises: set[int] = field(default_factory=set)  # cells tagged raises-exception
    code: set[int] = field(default_factory=set)


def expected_of(path: Path) -> Expected:
    notebook = nbformat.read(path, as_version=4)
    expected = Expected()
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            fences = len(re.findall(r"^```mermaid\s*$", cell.source, flags=re.MULTILINE))
            if fences:
                expected.mermaid[index] = fences
        elif cell.cell_type == "code":
            expected.code.add(index)
            if "raises-exception" in cell.metadata.get("tags", []):
                expected.raises.add(index)
    return expected


def panel_cell_of(path: Path) -> int:
    """The code cell that shows the login panel."""
    notebook = nbformat.read(path, as_version=4)
    cells = [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and "LoginPanel(" in cell.source and ".widget()" in cell.source
    ]
    assert len(cells) == 1, f"expected one cell making and showing a LoginPanel in {path.name}: {cells}"
    return cells[0]


# -- driving JupyterLab ------------------------------------------------------------------------------

NOTEBOOK_READY = """name => {
    const app = window.jupyterapp;
    const panel = app && app.shell.currentWidget;
    return Boolean(panel && panel.context && panel.context.path === name && panel.context.isReady
        && panel.sessionContext.session && panel.sessionContext.kernelDisplayStatus === 'idle');
}"""

# Starts a command on the current notebook; its promise settles in window.__courseRun (run-all-cells and
# friends resolve when the cells they ran have finished, or stopped at an error).
RUN_COMMAND = """([command, activeCell]) => {
    const notebook = window.jupyterapp.shell.currentWidget.content;
    if (activeCell !== null) {
        notebook.activeCellIndex = activeCell;
    }
    window.__courseRun = undefined;
    window.jupyterapp.commands.execute(command).then(
        result => { window.__courseRun = {result: result}; },
        error => { window.__courseRun = {error: String(error)}; },
    );
}"""

# What each cell shows, read from the page (and, for error outputs and widget views, from the cell's model).
CELLS = """([stderrSelector, widgetMime]) => {
    const panel = window.jupyterapp.shell.currentWidget;
    const texts = (node, selector) => Array.from(node.querySelectorAll(selector), n => n.innerText);
    return panel.content.widgets.map(cell => {
        const code = cell.model.type === 'code';
        const outputs = code ? cell.model.outputs.toJSON() : [];
        return {
            executionCount: code ? cell.model.executionCount : null,
            errors: outputs.filter(o => o.output_type === 'error').map(o => `${o.ename}: ${o.evalue}`),
            stderrShown: texts(cell.node, stderrSelector).map(text => text.slice(0, 800)),
            widgetOutputs: outputs.filter(o => o.data && o.data[widgetMime]).length,
            widgetsShown: cell.node.querySelectorAll('.jupyter-widgets').length,
            mermaidShown: cell.node.querySelectorAll(
                '.jp-RenderedMermaid:not(.jp-mod-warning) img, .jp-RenderedMermaid:not(.jp-mod-warning) svg'
            ).length,
            outputText: texts(cell.node, '.jp-OutputArea').join('\\n'),
        };
    });
}"""


def run_command(page, command: str, active_cell: int | None = None) -> None:
    page.evaluate(RUN_COMMAND, [command, active_cell])
    page.wait_for_function(
        "() => window.__courseRun !== undefined", timeout=RUN_TIMEOUT_MS, polling=POLL_MS
    )
    outcome = page.evaluate("() => window.__courseRun")
    assert "error" not in outcome, f"{command} failed: {outcome['error']}"
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.kernelDisplayStatus === 'idle'",
        timeout=RUN_TIMEOUT_MS,
        polling=POLL_MS,
    )


SETTLED = """expected => {
    const panel = window.jupyterapp.shell.currentWidget;
    const cells = panel.content.widgets;
    return panel.sessionContext.kernelDisplayStatus === 'idle'
        && expected.code.every(i => cells[i].model.executionCount !== null)
        && Object.entries(expected.mermaid).every(([i, n]) =>
            cells[i].node.querySelectorAll('.jp-RenderedMermaid img, .jp-RenderedMermaid svg').length >= n);
}"""


def settle(page, expected: Expected) -> None:
    """Wait until every code cell has its execution count and each Mermaid diagram is drawn.

    An execution count can land just after the kernel reports idle, and Mermaid draws asynchronously.
    After 30 s, whatever is still missing is reported cell by cell.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            SETTLED,
            arg={"code": sorted(expected.code), "mermaid": {str(i): n for i, n in expected.mermaid.items()}},
            timeout=30_000,
            polling=POLL_MS,
        )
    except PlaywrightTimeout:
        pass


@dataclass
class LabPage:
    """JupyterLab open in one browser tab, as a reader keeps it open, and the JavaScript errors it raised."""

    page: object
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def lab_page(lab: Lab, browser_context) -> Iterator[LabPage]:
    """One tab in which every notebook is opened in turn (JupyterLab's front end loads once)."""
    page = browser_context.new_page()
    opened = LabPage(page)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.goto(f"{lab.url}/lab?reset&token={TOKEN}")
    page.wait_for_function("() => Boolean(window.jupyterapp)", timeout=90_000, polling=POLL_MS)
    page.evaluate("async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }")
    assert not opened.errors, f"JavaScript errors while JupyterLab loaded: {opened.errors}"
    try:
        yield opened
    finally:
        page.close()


def open_notebook(lab_page: LabPage, name: str):
    """Open ``name`` (File > Open, as a reader does) and wait for its kernel to be idle."""
    lab_page.errors.clear()  # from here on, the errors are this notebook's
    lab_page.page.evaluate(
        "async name => { await window.jupyterapp.commands.execute('docmanager:open', {path: name}); }", name
    )
    lab_page.page.wait_for_function(NOTEBOOK_READY, arg=name, timeout=90_000, polling=POLL_MS)
    return lab_page.page, lab_page.errors


def close_notebook(page) -> None:
    """Shut the notebook's kernel down and close its tab, without saving (the copy is thrown away)."""
    page.evaluate(
        """async () => {
            const panel = window.jupyterapp.shell.currentWidget;
            await panel.sessionContext.shutdown();
            panel.context.model.dirty = false;
            panel.dispose();
        }"""
    )


def screenshot(page, path: Path) -> None:
    """The whole notebook: the window made as tall as the notebook (within Chromium's limit) for it."""
    height = page.evaluate(
        """() => {
            const root = window.jupyterapp.shell.currentWidget.content.node;
            const scroller = [root, ...root.querySelectorAll('*')].reduce((a, b) =>
                b.scrollHeight - b.clientHeight > a.scrollHeight - a.clientHeight ? b : a);
            scroller.scrollTop = 0;
            return scroller.scrollHeight - scroller.clientHeight + window.innerHeight;
        }"""
    )
    page.set_viewport_size({"width": 1280, "height": max(900, min(int(height) + 40, 16_000))})
    page.wait_for_timeout(500)  # let JupyterLab lay out the taller window
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1280, "height": 900})


# -- the login panel -----------------------------------------------------------------------------


def use_login_panel(page) -> dict[str, str]:
    """Continue as guest, then sign in with the stand-in Login with Amazon, as notebook 04 asks a reader."""
    from playwright.sync_api import expect

    panel = page.locator(".course-login-panel")
    expect(panel).to_be_visible(timeout=30_000)

    def table() -> dict[str, str]:
        cells = panel.locator("td[class^='course-']")
        return {
            cell.get_attribute("class").removeprefix("course-"): cell.inner_text() for cell in cells.all()
        }

    def message() -> str:
        return panel.locator(".widget-html").first.inner_text()

    panel.get_by_role("button", name="Continue as guest").click()
    try:
        expect(panel.locator(".course-state")).to_have_text("guest", timeout=60_000)
    except AssertionError as error:
        raise AssertionError(f"the panel did not continue as a guest; it shows {message()!r}") from error
    guest = table()
    assert guest["role"] == "Cognito_MyApplicationPoolUnauth_Role", guest
    assert guest["post-a-comment"].startswith("denied"), guest
    assert re.fullmatch(r"us-east-1:[0-9a-f-]{36}", guest["identity-ID"]), guest

    panel.get_by_role("button", name="Sign in with Login with Amazon").click()
    try:
        expect(panel.locator(".course-state")).to_contain_text("signed in", timeout=60_000)
    except AssertionError as error:
        raise AssertionError(f"the panel did not sign in; it shows {table()} and {message()!r}") from error
    signed_in = table()
    assert message() == "", f"the panel shows an error: {message()}"
    assert signed_in["identity-ID"] == guest["identity-ID"], (
        f"signing in changed the identity ID: guest {guest}, signed in {signed_in}"
    )
    assert signed_in["role"] == "Cognito_MyApplicationPoolAuth_Role", (
        f"signed in, but the panel shows {signed_in} (as a guest: {guest})"
    )
    assert signed_in["post-a-comment"] == "allowed", (
        f"signed in, but posting a comment is not allowed: {signed_in} (as a guest: {guest})"
    )
    return signed_in


# -- the test ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_in_jupyterlab_in_a_browser(
    name: str, lab: Lab, lab_page: LabPage, pytestconfig: pytest.Config
) -> None:
    expected = expected_of(lab.copy / name)
    page, page_errors = open_notebook(lab_page, name)
    shot = lab.screenshots / f"{Path(name).stem}.png"
    shot.unlink(missing_ok=True)  # a folder given in COURSE_BROWSER_SCREENSHOTS may hold an older run's
    try:
        if name == PANEL_NOTEBOOK:
            # As a reader does: run up to the panel, use it, then run the rest (which uses it too).
            panel_cell = panel_cell_of(lab.copy / name)
            run_command(page, "notebook:run-all-above", active_cell=panel_cell + 1)
            use_login_panel(page)
            run_command(page, "notebook:run-all-below", active_cell=panel_cell + 1)
        else:
            run_command(page, "notebook:run-all-cells")
        settle(page, expected)
        cells = page.evaluate(CELLS, [STDERR_OUTPUT, WIDGET_MIME])
        if lab.every_notebook_shot:
            screenshot(page, shot)
        if name == PANEL_NOTEBOOK:
            from playwright.sync_api import expect

            expect(page.locator(".course-login-panel .course-state")).to_contain_text("signed in")

        problems = []
        for index, cell in enumerate(cells):
            label = f"cell {index}"
            if index in expected.code and cell["executionCount"] is None:
                problems.append(f"{label} did not run")
            if index in expected.raises:
                if not cell["stderrShown"]:
                    problems.append(f"{label} is tagged raises-exception but shows no error")
            elif cell["stderrShown"] or cell["errors"]:
                problems.append(f"{label} shows an error: {cell['errors'] or cell['stderrShown']}")
            if cell["mermaidShown"] < expected.mermaid.get(index, 0):
                problems.append(
                    f"{label}: {expected.mermaid[index]} Mermaid diagram(s), {cell['mermaidShown']} drawn"
                )
            if cell["widgetOutputs"] and not cell["widgetsShown"]:
                problems.append(f"{label} shows its widget as text: {cell['outputText'][:300]!r}")
            for fallback in ("VBox(children=", "Button(description=", "Error displaying widget"):
                if fallback in cell["outputText"]:
                    problems.append(f"{label} shows {fallback!r} instead of a widget")
        if name == PANEL_NOTEBOOK and not any(cell["widgetsShown"] for cell in cells):
            problems.append("the login panel is not drawn as a widget")
        problems += [f"JavaScript error in the page: {error}" for error in page_errors]
        assert not problems, f"{name} in JupyterLab (screenshot {shot}):\n" + "\n".join(problems)
    except BaseException:
        if not shot.exists():
            try:
                screenshot(page, shot)
            except Exception:  # noqa: BLE001 - the original failure matters more
                pass
        say(pytestconfig, f"{name} failed; screenshot: {shot}")
        raise
    finally:
        close_notebook(page)
