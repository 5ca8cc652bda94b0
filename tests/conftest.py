"""What the tests share: paths, fresh workshop sessions, and the browser and server helpers.

``SAMPLE`` is the repository's sample data (``data/``); ``FIXTURES`` the tests' own small
files (``tests/data/``). Browser tests use Debian's Chromium (Playwright cannot download
browsers here); set ``PMO_NB_SCREENSHOTS=docs`` to write their screenshots to docs/.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import _postgres
import pandas as pd
import pytest

import pmo_nb

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data"
FIXTURES = REPO / "tests" / "data"
SAMPLE_GAPS = SAMPLE / "sample_gaps.csv"
CATALOG = SAMPLE / "catalog.csv"
SAMPLE_ASSIGNMENTS = SAMPLE / "sample_assignments.csv"
HOSTILE = FIXTURES / "hostile_gaps.csv"

CHROMIUM = Path("/usr/bin/chromium")
BIN = Path(sys.executable).parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 800}
NEEDS_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (`make test` "
    "installs it as root: apt-get install chromium); Playwright cannot download browsers here")
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
MAX_HTML_BYTES = 6_000_000
PLOTLY_JS = re.compile(r"plotly\.js v\d+\.\d+\.\d+")
REMOTE_TAG = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)


@pytest.fixture
def ws(new_session) -> pmo_nb.Workshop:
    """A new session on the sample gaps and catalog, nothing assigned."""
    with pmo_nb.Workshop.open(new_session("s"), gaps=SAMPLE_GAPS, catalog=CATALOG) as session:
        yield session


@pytest.fixture
def sample_ws(new_session) -> pmo_nb.Workshop:
    """A new session seeded with the sample workshop's decisions."""
    with pmo_nb.Workshop.open(new_session("sample"), gaps=SAMPLE_GAPS, catalog=CATALOG,
                              assignments=SAMPLE_ASSIGNMENTS) as session:
        yield session


# -- the two stores --------------------------------------------------------------------
# A test module (or test) marked ``@pytest.mark.stores("sqlite", "postgresql")`` runs once
# per store: its ``ws``, ``sample_ws``, ``session_url`` and ``new_session`` are then an
# SQLite file or a workshop in a throwaway PostgreSQL server (started once per run).
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("stores")
    if marker and "store_kind" in metafunc.fixturenames:
        metafunc.parametrize("store_kind", marker.args, indirect=True)


@pytest.fixture
def store_kind(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """A throwaway PostgreSQL server for the whole run (or PMO_NB_TEST_PG_URL's)."""
    pytest.importorskip("psycopg", reason="PostgreSQL tests need psycopg (pip install -e "
                        "'.[test]')")
    try:
        server = _postgres.start()
    except FileNotFoundError as exc:
        pytest.skip(f"{exc}: install Debian's postgresql (`make test` does as root) or set "
                    f"{_postgres.ENV_URL}")
    yield server
    server.stop()


TEAM_PASSWORDS = {"pmo": "writer-secret-1", "pmo_read": "reader-secret-2"}


@pytest.fixture(scope="session")
def team_pg() -> Iterator[object]:
    """A throwaway server set up by deploy/pg-init.sql (roles pmo and pmo_read, database
    pmo), as docs/deploy.md says; ``team_pg.url_as(role)`` connects as either role."""
    pytest.importorskip("psycopg", reason="PostgreSQL tests need psycopg (pip install -e "
                        "'.[test]')")
    if _postgres.bin_dir() is None:
        pytest.skip("PostgreSQL's initdb was not found: install Debian's postgresql (`make "
                    "test` does as root)")
    server = _postgres.team_server(REPO / "deploy" / "pg-init.sql", TEAM_PASSWORDS["pmo"],
                                   TEAM_PASSWORDS["pmo_read"])
    server.url_as = lambda role: (f"postgresql://{role}:{TEAM_PASSWORDS[role]}@127.0.0.1:"
                                  f"{server.port}/pmo")
    yield server
    server.stop()


@pytest.fixture
def new_session(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest):
    """Make a fresh session target: ``tmp_path/NAME.sqlite`` or a new PostgreSQL workshop."""
    if store_kind == "sqlite":
        return lambda name="s": tmp_path / f"{name}.sqlite"
    url = request.getfixturevalue("pg_server").url
    return lambda name="s": f"{url}?workshop={name}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def session_url(new_session) -> Path | str:
    """A session that does not exist yet, on the store under test."""
    return new_session("s")


# -- browsers and servers ------------------------------------------------------------
@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """notebooks/ and data/ in a temp folder: the notebook's session starts fresh there."""
    shutil.copytree(REPO / "notebooks", tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(REPO / "data", tmp_path / "data")
    return tmp_path


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(60_000)
            yield page
            if not getattr(page, "passed", False):
                page.screenshot(path=tmp_path / "failure.png")  # what the browser showed
        finally:
            browser.close()


def lab_command(port: int, token: str, root: Path) -> list[str]:
    """JupyterLab on 127.0.0.1:``port`` with ``token``, serving ``root`` (as root too)."""
    return [str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root", "--ip", "127.0.0.1",
            "--port", str(port), f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(command: list[str], cwd: Path, ready_url: str, timeout: float = 60) -> Iterator[None]:
    """Start a server in its own process group; wait until ``ready_url`` answers; stop it."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "JUPYTER_CONFIG_DIR": str(cwd / ".jupyter"), "JUPYTER_RUNTIME_DIR": str(cwd / ".rt")}
    log = open(cwd / "server.log", "wb")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(ready_url, timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {command[0]}\n"
                                       + (cwd / "server.log").read_text()[-3000:]) from None
                time.sleep(0.3)
        yield
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        log.close()


def page_errors(page: object) -> list[str]:
    """The page's errors and console errors, collected from now on (filled as they come).

    Left out: only the resources of other hosts that fail to load (Voilà asks a CDN for
    its icon font; this machine is offline)."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    def console(m: object) -> None:
        if m.type != "error":
            return
        failed = m.text.startswith("Failed to load resource")
        if failed and "127.0.0.1" not in m.location["url"]:
            return
        errors.append(f"{m.text} ({m.location['url']})" if failed else m.text)  # which one

    page.on("console", console)
    return errors


def voila_command(notebook: str | Path, port: int, token: str, progressive: bool = True
                  ) -> list[str]:
    """Voilà as ``make app`` runs it: bound to 127.0.0.1 with a token, rendering progressively
    (without it, half the loads of the workshop notebook showed "model not found" widgets)."""
    return [str(BIN / "voila"), str(notebook), "--no-browser", "--port", str(port),
            "--Voila.ip=127.0.0.1", f"--token={token}",
            f"--VoilaConfiguration.progressive_rendering={progressive}"]


BROKEN_WIDGET = "Error displaying widget"  # what Voilà writes where a widget failed


def open_voila(page: object, url: str, ready: str, errors: list[str] | None = None) -> None:
    """Open a Voilà app and wait until ``ready`` is in the page and every widget output is
    drawn: none of them "Error displaying widget" (which half the loads of the workshop
    notebook showed before ``make app`` rendered progressively; see docs/design.md)."""
    page.goto(url)
    page.locator(ready).first.wait_for(state="attached", timeout=90_000)
    wait_outputs_rendered(page)
    broken = page.get_by_text(BROKEN_WIDGET).count()
    assert not broken, f"the Voilà page at {url} shows {broken} broken widget(s)"


# Voilà's page is done when its spinner is gone (the whole page is in), every cell's
# placeholder has given way to the cell's outputs (progressive rendering puts a skeleton in
# each cell until its result comes), and every output shown has been drawn: a widget's
# output stays empty until its view (or "Error displaying widget") is in it.
OUTPUTS_RENDERED_JS = """() => document.readyState === 'complete'
    && !document.getElementById('loading')
    && !document.querySelector('.voila-skeleton-container')
    && [...document.querySelectorAll('.jp-OutputArea-output')].every(
        e => !e.getClientRects().length || e.childNodes.length)"""


def wait_outputs_rendered(page: object, timeout: float = 90_000) -> None:
    """Wait until a Voilà page has every cell's outputs in and drawn (see above)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(OUTPUTS_RENDERED_JS, timeout=timeout)
    except PlaywrightTimeout:
        pending = page.evaluate("""() => ({
            loading: !!document.getElementById('loading'),
            skeletons: document.querySelectorAll('.voila-skeleton-container').length,
            empty: [...document.querySelectorAll('.jp-OutputArea-output')].filter(
                e => e.getClientRects().length && !e.childNodes.length).length})""")
        raise AssertionError(f"the Voilà page was not drawn in {timeout / 1000:.0f} s: "
                             f"{pending}") from None


# A plotly figure is drawn: plotly's drawing inside, no drawing step pending, each of its
# annotations drawn, and more than 10 px high. Figures in a hidden box (no layout box), or
# off the screen when ``onScreen``, are not waited for; a figure in jupyterlab-plotly's box
# (.jp-RenderedPlotly) counts before plotly has started on it.
WAIT_DRAWN_JS = """([root, minimum, onScreen]) => {
  const drawn = gd => !!(gd._fullLayout && gd.querySelector('.main-svg')
    && !(gd._promises || []).length && !gd._transitioning
    && gd.getBoundingClientRect().height > 10
    && gd.querySelectorAll('.annotation').length
       >= (gd._fullLayout.annotations || []).filter(a => a.visible !== false).length);
  const sel = '.js-plotly-plot, .jp-RenderedPlotly';
  const figures = [...(root ? [root] : []), ...(root || document).querySelectorAll(sel)]
    .filter(e => e.matches(sel));
  const seen = gd => {
    const r = gd.getBoundingClientRect();
    return r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
  };
  return document.readyState === 'complete' && figures.length >= minimum
    && figures.every(gd => !gd.getClientRects().length || (onScreen && !seen(gd))
                           || drawn(gd));
}"""


def wait_drawn(scope: object, minimum: int = 1, timeout: float = 30_000,
               on_screen: bool = False) -> None:
    """Wait until plotly has drawn every figure shown in ``scope`` (a page, or the first
    element of a locator, itself a figure or not) and there are at least ``minimum``;
    ``on_screen``: only those in the viewport need be drawn (Voilà draws a widget's figure
    once it comes into view)."""
    if hasattr(scope, "element_handle"):  # a locator
        page, root = scope.page, scope.first.element_handle(timeout=timeout)
    else:
        page, root = scope, None
    page.wait_for_function(WAIT_DRAWN_JS, arg=[root, minimum, on_screen], timeout=timeout)


def wait_still(locator: object, timeout: float = 30_000) -> None:
    """Wait until the locator's first element is in the viewport and has not moved from
    one animation frame to the next (a scroll into view has ended)."""
    from playwright.sync_api import expect

    expect(locator.first).to_be_in_viewport(timeout=timeout)
    locator.page.wait_for_function("""e => {
        const r = e.getBoundingClientRect(), at = [r.x, r.y, r.width, r.height].join();
        const still = e.__pmoAt === at;
        e.__pmoAt = at;
        return still;
    }""", arg=locator.first.element_handle(timeout=timeout), polling="raf", timeout=timeout)


def wait_shown(locator: object, minimum: int = 0, timeout: float = 30_000) -> None:
    """Before a screenshot of what is scrolled into view: the box still in the viewport,
    its figures (at least ``minimum``) drawn, and every figure on the screen drawn."""
    wait_still(locator, timeout)
    wait_drawn(locator, minimum, timeout)
    wait_drawn(locator.page, 0, timeout, on_screen=True)


def figures_drawn(page: object, expected: int) -> tuple[int, int]:
    """Scroll through the page until ``expected`` plotly figures are in it (Voilà draws a
    widget's figure once it comes into view; up to 60 s), scroll each into view (plotly's
    renderer works on what is visible); the number of figures and of those drawn: plotly's
    drawing (``.main-svg``) inside and more than 10 px high."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + 60
    while page.locator(".js-plotly-plot").count() < expected and time.monotonic() < deadline:
        page.evaluate("""async () => {
            for (const e of document.querySelectorAll('.jp-Cell, .jp-OutputArea-output')) {
                e.scrollIntoView();
                await new Promise(done => setTimeout(done, 100));
            }}""")
    figures = page.locator(".js-plotly-plot")
    for i in range(figures.count()):
        figures.nth(i).scroll_into_view_if_needed()
        try:  # a busy machine: plotly may still be drawing (the count below tells)
            wait_drawn(figures.nth(i))
        except PlaywrightTimeout:
            pass
    drawn = """() => [...document.querySelectorAll('.js-plotly-plot')]
        .filter(e => e.querySelector('.main-svg')
                     && e.getBoundingClientRect().height > 10).length"""
    try:  # every figure drawn (plotly's drawing inside, not 0 px high: a blank box)
        page.wait_for_function(f"n => ({drawn})() >= n", arg=figures.count(), timeout=30_000)
    except PlaywrightTimeout:
        pass
    return figures.count(), page.evaluate(drawn)


def screenshot_path(tmp_path: Path, name: str) -> Path:
    folder = os.environ.get("PMO_NB_SCREENSHOTS")
    return (REPO / folder if folder else tmp_path) / name


def run_all(page: object, url: str, ready: str, *, sidebar: bool = False) -> None:
    """Open a notebook in Lab, Run All Cells, and wait until ``ready`` is in the page.

    ``sidebar``: keep JupyterLab's file browser open (its default) instead of closing it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # On a busy machine Lab may ask for the kernel (its kernel list not in yet when the
    # notebook opens; seen at load 58): take the one it offers, the notebook's own.
    page.add_locator_handler(
        page.locator(".jp-Dialog", has_text="Select Kernel"),
        lambda dialog: dialog.locator(".jp-Dialog-button.jp-mod-accept").click())  # "Select"
    page.goto(url)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=90_000)
    if not sidebar and page.locator("#jp-left-stack").is_visible():
        page.keyboard.press("Control+b")  # more room for the panel, as on a projector
    for attempt in range(3):  # a Run All sent while the kernel still connects runs nothing
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        try:
            page.locator(".jp-InputPrompt", has_text="[1]").first.wait_for(
                state="attached", timeout=20_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    # Lab draws only the cells near the screen: wait for the output, then scroll to it.
    page.locator(ready).first.wait_for(state="attached", timeout=120_000)
    no_news = page.locator(".jp-toast-button", has_text="No")
    if no_news.count():
        no_news.first.click()  # the "Jupyter news?" toast would cover the panel



def render(page_path: Path, shot: Path, heading: str | None = None) -> tuple[int, list[str]]:
    """Open an HTML file in Chromium with the network off: figures drawn, errors seen.

    Saves a 1280x800 screenshot of the first figure below the ``h2`` that contains
    ``heading`` (with its caption), or of the top of the page.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            return _render(browser, page_path, shot, heading)
        finally:
            browser.close()


def _render(browser, page_path: Path, shot: Path, heading: str | None) -> tuple[int, list[str]]:
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(page_path.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    wait_drawn(page)  # every figure of the page, not only the first
    plots = page.locator(".js-plotly-plot").count()
    y = _first_figure_after(page, heading) - 80 if heading else 0
    page.screenshot(path=str(shot), full_page=True,
                    clip={"x": 0, "y": max(y, 0), "width": 1280, "height": 800})
    context.close()
    return plots, problems


def _first_figure_after(page, heading: str) -> float:
    """The page y of the first plotly figure below the heading (0 when none)."""
    top = page.locator("h2", has_text=heading).first
    start = top.bounding_box()["y"] if top.count() else 0
    ys = [box["y"] for fig in page.locator(".js-plotly-plot").all()
          if (box := fig.bounding_box()) and box["y"] > start]
    return min(ys, default=110)




def open_offline(page_path: Path, first: Path | None = None,
                 full: Path | None = None) -> dict[str, object]:
    """Open an HTML file in Chromium with the network off; count what a reader would miss.

    Returns the figures drawn, the requests to anything but the file itself, and the
    console errors; saves a 1280x800 first screen and a whole-page screenshot when asked.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(offline=True, viewport=VIEWPORT)
            page = context.new_page()
            requests: list[str] = []
            errors: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_path.as_uri())
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
            wait_drawn(page)  # every figure of the page, not only the first
            drawn = page.locator(".js-plotly-plot .main-svg").count()
            if first:
                page.screenshot(path=str(first))
            if full:
                page.screenshot(path=str(full), full_page=True)
            return {"drawn": page.locator(".js-plotly-plot").count(), "svgs": drawn,
                    "requests": [u for u in requests if u != page_path.as_uri()],
                    "errors": errors}
        finally:
            browser.close()


# -- shared sessions and the participants' app --------------------------------------------
def replay(history: pd.DataFrame) -> set[tuple[str, str]]:
    """The assignments the history says exist: its steps not undone, in order."""
    state: dict[tuple[str, str], bool] = {}
    kept = history[(history["action"] != "undo") & ~history["undone"]
                   & (history["entity"] == "assignment")]
    for row in kept.sort_values("seq").itertuples():
        state[(row.gap_id, row.service_id)] = row.after is not None and row.after == row.after
    return {pair for pair, present in state.items() if present}


def check_history(ws: pmo_nb.Workshop) -> pd.DataFrame:
    history = ws.history.sort_values("seq")
    assert history["step"].is_monotonic_increasing  # no step's rows between another's
    assert (history.groupby("step")["action"].nunique() == 1).all()
    assert replay(history) == set(zip(ws.assignments["gap_id"], ws.assignments["service_id"],
                                      strict=True))
    return history


def join_url(log: Path, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"https?://\S+/\?token=\S+", log.read_text())
        if found:
            return found.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no join URL printed:\n{log.read_text()[-2000:]}")


def status(url: str, cookie: str = "") -> tuple[int, str]:
    """HTTP status and body, without following redirects."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object) -> None:
            return None

    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as resp:
            return resp.status, resp.read().decode(errors="replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(errors="replace")


def check_the_token(url: str) -> None:
    base, token = url.split("/?token=")
    code, _ = status(url)
    assert code == 303  # to the page without the token in its address; a cookie keeps it
    code, body = status(base + "/", cookie=f"pmo_nb_token={token}")
    assert code == 200 and "solara" in body.lower()
    for path in ("/", "/static/main-vuetify.js", "/static/assets/style.css",
                 "/_solara/cdn/requirejs@2.3.6/require.js", "/jupyter/api/kernels/x",
                 "/_solara/api/close/x"):
        code, body = status(base + path)
        assert code == 403 and "Ask the facilitator for the link" in body, path
        code, _ = status(f"{base}{path}?token={secrets.token_hex(16)}")  # a wrong token
        assert code == 403, path
    assert websocket_status(base, "") == 403  # the widgets' websocket, without the token
    assert websocket_status(base, token) == 101


def websocket_status(base: str, token: str, origin: str | None = None) -> int:
    """The HTTP status of a websocket handshake on the kernel channel (101: accepted),
    from the page's own origin unless ``origin`` says otherwise ("": none sent)."""
    import http.client

    host, port = base.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    cookie = {"Cookie": f"pmo_nb_token={token}"} if token else {}
    origin = base if origin is None else origin
    conn.request("GET", "/jupyter/api/kernels/k1/channels?session_id=s1", headers={
        "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", **cookie,
        **({"Origin": origin} if origin else {})})
    try:
        return conn.getresponse().status
    finally:
        conn.close()
