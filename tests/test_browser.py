"""The workshop panel in a real browser: JupyterLab and the Voila app, driven by headless
Chromium, on a fresh copy of notebooks/ and data/ (never the facilitator's own session).

Set ``PMO_NB_SCREENSHOTS=docs`` to write the screenshots to docs/ (the README's pictures);
otherwise they go to the test's temporary folder.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import pmo_nb

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 800}
SERVICE = "S-METH-TEMPLATES"  # not among the sample's decisions for G-01, the first gap
ROW = f".pmo-svc-{SERVICE} input[type=checkbox]"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at "
                       "/usr/bin/chromium (`make test` installs it as root: apt-get install "
                       "chromium); Playwright cannot download browsers here"),
]


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


def screenshot_path(tmp_path: Path, name: str) -> Path:
    folder = os.environ.get("PMO_NB_SCREENSHOTS")
    return (REPO / folder if folder else tmp_path) / name


def saved_pairs(session: Path, timeout: float = 20) -> set[tuple[str, str]]:
    """The (gap, service) pairs in the session file once SERVICE shows up (or the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        with pmo_nb.Workshop.open(session) as ws:
            found = set(ws.assignments[["gap_id", "service_id"]].itertuples(index=False,
                                                                           name=None))
        if ("G-01", SERVICE) in found or time.monotonic() > deadline:
            return found
        time.sleep(0.25)


def click_service_and_check(page: object, session: Path) -> None:
    assert ("G-01", SERVICE) not in saved_pairs(session, timeout=0)
    page.locator(ROW).first.click()
    page.locator(".pmo-panel .pmo-ok", has_text="saved ✓").first.wait_for(timeout=30_000)
    assert ("G-01", SERVICE) in saved_pairs(session)


def run_all(page: object, url: str, ready: str) -> None:
    """Open a notebook in Lab, Run All Cells, and wait until ``ready`` is in the page."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(url)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=90_000)
    if page.locator("#jp-left-stack").is_visible():
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


def show_panel(page: object) -> None:
    """Scroll so that the panel's top (undo, status, gap card, heatmap) fills the screen."""
    page.locator(".pmo-panel").last.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.locator(ROW).first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # let plotly finish drawing


def test_panel_in_jupyterlab(copy: Path, browser_page: object, tmp_path: Path) -> None:
    page, port, token = browser_page, free_port(), secrets.token_hex(16)
    command = [str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root", "--ip",
               "127.0.0.1", "--port", str(port), f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={copy}"]
    base = f"http://127.0.0.1:{port}"
    with server(command, copy, f"{base}/api/status?token={token}"):
        run_all(page, f"{base}/lab/tree/notebooks/workshop.ipynb?reset&token={token}", ROW)
        show_panel(page)
        click_service_and_check(page, copy / "sessions" / "workshop.sqlite")
        show_panel(page)
        page.screenshot(path=screenshot_path(tmp_path, "workshop-lab.png"))
        page.passed = True


def test_panel_in_voila(copy: Path, browser_page: object, tmp_path: Path) -> None:
    page, port, token = browser_page, free_port(), secrets.token_hex(16)
    command = [str(BIN / "voila"), "notebooks/workshop.ipynb", "--no-browser", "--port",
               str(port), "--Voila.ip=127.0.0.1", f"--token={token}"]
    base = f"http://127.0.0.1:{port}"
    with server(command, copy, f"{base}/voila/static/voila.js"):  # served without a kernel
        page.goto(f"{base}/?token={token}")
        page.locator(ROW).first.wait_for(state="attached", timeout=120_000)
        show_panel(page)
        assert not page.get_by_text("WorkshopPanel(ws)").first.is_visible()  # an app: no code
        click_service_and_check(page, copy / "sessions" / "workshop.sqlite")
        show_panel(page)
        page.screenshot(path=screenshot_path(tmp_path, "workshop-voila.png"))
        page.passed = True
