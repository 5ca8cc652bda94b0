"""Click -> heatmap redrawn, in Chromium: the facilitator's latency on a 50-gap workshop.

    python benchmarks/bench_browser.py             # 50 gaps, 20 clicks, JupyterLab
    python benchmarks/bench_browser.py --gaps 18 --clicks 5

Opens a one-cell notebook (the workshop panel on a fresh session) in JupyterLab, driven
by headless Chromium (Debian's, as the browser tests). Each click ticks or unticks one
service of the first gap, which moves it between open and covered, so the heatmap must
change. Measured in the page, from the click to the next painted frame after the new
heatmap table is in the page (and, separately, to the DOM change itself), median of the
clicks. The kernel's share is measured
separately in the same process (the panel's callback in plain Python). Reported, not
asserted: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import pandas as pd  # noqa: E402

import pmo_nb  # noqa: E402
from conftest import ARGS, BIN, CHROMIUM, free_port, run_all, server  # noqa: E402

SERVICE = "S-TRAIN-PM"
CLICK_JS = """
async ([row]) => {
  const out = document.querySelector('.pmo-panel .pmo-heatmap');
  const before = out.innerHTML;
  const box = document.querySelector(row);
  let t0 = null;
  return await new Promise((resolve, reject) => {
    // the kernel's new table is in the page: then the frame that shows it is painted
    const seen = new MutationObserver(() => {
      if (out.innerHTML === before || out.querySelectorAll('td').length < 9) return;
      const changed = performance.now() - t0;
      seen.disconnect();
      requestAnimationFrame(() => setTimeout(() => resolve([performance.now() - t0, changed])));
    });
    seen.observe(out, {childList: true, subtree: true, characterData: true});
    setTimeout(() => { seen.disconnect(); reject('no redraw in 20 s'); }, 20000);
    t0 = performance.now();
    box.click();
  });
}
"""


def gaps_file(folder: Path, n: int) -> Path:
    """``n`` gaps made from the sample's, ids G-01.. (states and sizes as the sample's)."""
    sample = pd.read_csv(REPO / "data" / "sample_gaps.csv", dtype=str, keep_default_na=False)
    rows = pd.concat([sample] * (n // len(sample) + 1), ignore_index=True).head(n)
    rows["gap_id"] = [f"G-{i + 1:02d}" for i in range(n)]
    rows.loc[rows["pmo_role"] == "none", ["pmo_role", "other_owner"]] = ["close", ""]
    path = folder / "gaps.csv"
    rows.to_csv(path, index=False)
    return path


def notebook(folder: Path, gaps: Path) -> Path:
    source = ("import pmo_nb\n"
              f"ws = pmo_nb.Workshop.open('s.sqlite', gaps={str(gaps)!r}, "
              f"catalog={str(REPO / 'data' / 'catalog.csv')!r})\n"
              "pmo_nb.ui.WorkshopPanel(ws)")
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "bench",
                     "metadata": {}, "outputs": [], "source": source}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                      "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    path = folder / "bench.ipynb"
    path.write_text(json.dumps(nb))
    return path


def browser_clicks(folder: Path, clicks: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    port, token = free_port(), secrets.token_hex(16)
    command = [str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root", "--ip",
               "127.0.0.1", "--port", str(port), f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={folder}"]
    base = f"http://127.0.0.1:{port}"
    row = f".pmo-svc-{SERVICE} input[type=checkbox]"
    with server(command, folder, f"{base}/api/status?token={token}"), \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.set_default_timeout(60_000)
        run_all(page, f"{base}/lab/tree/bench.ipynb?reset&token={token}", row)
        page.locator(".pmo-panel").first.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.locator(".pmo-heatmap td").first.wait_for(timeout=60_000)
        page.wait_for_timeout(2000)
        times = []
        for _ in range(clicks + 2):  # two warm-up clicks
            times.append(page.evaluate(CLICK_JS, [row]))
            page.wait_for_timeout(1000)  # a facilitator's pace
        browser.close()
    return times[2:]


def kernel_clicks(gaps: Path, clicks: int) -> list[float]:
    """The panel's callback for the same click, in plain Python (no browser)."""
    with tempfile.TemporaryDirectory() as tmp:
        ws = pmo_nb.Workshop.open(Path(tmp) / "k.sqlite", gaps=gaps,
                                  catalog=REPO / "data" / "catalog.csv")
        panel = pmo_nb.ui.WorkshopPanel(ws)
        box = panel.services.rows[SERVICE].assigned
        times = []
        for _ in range(clicks + 2):
            start = time.perf_counter()
            box.value = not box.value
            times.append((time.perf_counter() - start) * 1e3)
        ws.close()
    return times[2:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gaps", type=int, default=50)
    parser.add_argument("--clicks", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pmo-bench-"))
    try:
        gaps = gaps_file(folder, args.gaps)
        notebook(folder, gaps)
        kernel = kernel_clicks(gaps, args.clicks)
        both = browser_clicks(folder, args.clicks)
        page, arrived = [t for t, _ in both], [a for _, a in both]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"click -> heatmap redrawn, {args.gaps} gaps, {args.clicks} clicks (JupyterLab, "
          "headless Chromium)")
    for name, t in (("in the browser (click to new heatmap painted)", page),
                    ("  until the new table is in the page's DOM", arrived),
                    ("  the kernel's callback alone (plain Python)", kernel)):
        print(f"{name:48} median {statistics.median(t):7.1f} ms   "
              f"min {min(t):7.1f}   max {max(t):7.1f}")


if __name__ == "__main__":
    main()
