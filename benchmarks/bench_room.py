"""The whole room votes: N phones join ``pmo-nb serve`` and vote, against a floor page
served by the same server in the same run.

    python benchmarks/bench_room.py                 # 30 phones
    python benchmarks/bench_room.py --phones 100    # the long run
    python benchmarks/bench_room.py --phones 3      # a quick check (the test suite's)

A phone is a headless Chromium context at 390 x 844 (Debian's chromium, one browser for
all of them) that opens the join URL 0.3 s after the one before. On the room's page it
waits for the Join button (page ready), joins with a name, ticks one service and waits
for "saved ✓" (joined). The floor is a bare ipywidgets page (one text box, one button,
``benchmarks/room_floor_page.py``) served by the very same server process, token gate
included: what Solara, the browser and this machine cost with no pmo_nb in the page.

Reported for both: phones joined of N, page ready p50/p95 (open link -> Join button),
the server's peak memory and its processes, memory per extra phone (peak minus the idle
server, over N), the server's CPU seconds per join, requests to any host but 127.0.0.1,
and the bytes one phone downloads to join (encoded, as sent). Each server first serves one
warm-up phone (not counted): its imports and first page are not a phone's cost.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

import pmo_nb
from pmo_nb.app import serve as _serve

ROOT = Path(__file__).resolve().parent.parent
FLOOR_PAGE = Path(__file__).with_name("room_floor_page.py")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SERVER = """
import sys
from pathlib import Path
from pmo_nb.app import serve as _serve
_serve.serve(sys.argv[1], port=int(sys.argv[2]), page=Path(sys.argv[3]), joins_per_minute=0)
"""  # every phone of the benchmark comes from 127.0.0.1: no cap on joins per address


class Server:
    """The app in its own process, its memory sampled every 0.2 s."""

    def __init__(self, session: Path, page: Path, folder: Path):
        port = _serve.free_port("127.0.0.1", 0)
        self.log = folder / f"{page.stem}.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-c", SERVER, str(session),
                                          str(port), str(page)], stdout=out,
                                         stderr=subprocess.STDOUT)
        self.url = self._wait(port)
        self.ps = psutil.Process(self.proc.pid)
        self.idle, self.peak, self.processes = self.rss(), 0, 1
        self._sampling = True
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _wait(self, port: int) -> str:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            found = re.search(r"http://\S+/\?token=\S+", self.log.read_text())
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5).close()
                if found:
                    return found.group(0)
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the server did not start:\n{self.log.read_text()[-2000:]}")

    def tree(self) -> list[psutil.Process]:
        return [self.ps, *self.ps.children(recursive=True)]

    def rss(self) -> int:
        return sum(p.memory_info().rss for p in self.tree())

    def cpu(self) -> float:
        return sum(sum(p.cpu_times()[:2]) for p in self.tree())

    def _sample(self) -> None:
        while self._sampling:
            self.peak = max(self.peak, self.rss())
            self.processes = max(self.processes, len(self.tree()))
            time.sleep(0.2)

    def stop(self) -> None:
        self._sampling = False
        self._sampler.join()
        self.proc.terminate()
        self.proc.wait(timeout=60)


async def phone(browser, url: str, i: int, room: bool, timeout: float, out: dict) -> None:
    context = await browser.new_context(**PHONE)
    page = await context.new_page()
    page.set_default_timeout(timeout * 1000)
    requests: list = []
    page.on("request", lambda request: requests.append(request))
    start = time.monotonic()
    try:
        await page.goto(url)
        join = page.get_by_role("button", name="Join")
        await join.wait_for()
        out["ready"].append(time.monotonic() - start)
        await page.get_by_placeholder("Your name").fill(f"Phone {i}")
        await join.click()
        if room:
            await page.locator(".pmo-vote-svc-S-TRAIN-PM input").first.check()
        await page.get_by_text("saved ✓").first.wait_for()
        out["joined"] += 1
    except Exception as exc:  # counted: a phone that never joined
        out["failed"].append(f"phone {i}: {type(exc).__name__}: {str(exc)[:120]}")
    out["elsewhere"] += sum(not r.url.startswith(("http://127.0.0.1:", "blob:", "data:"))
                            for r in requests)
    if i == 0:
        out["bytes"] = await _bytes(requests)
    out["contexts"].append(context)  # kept open until every phone is done


async def _bytes(requests: list) -> int:
    total = 0
    for request in requests:
        try:
            sizes = await request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        except Exception:  # a request without a response (blob:, aborted)
            continue
    return total


async def room(url: str, phones: int, is_room: bool, timeout: float) -> dict:
    from playwright.async_api import async_playwright

    out = {"ready": [], "joined": 0, "failed": [], "elsewhere": 0, "bytes": 0, "contexts": []}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        tasks = []
        for i in range(phones):
            tasks.append(asyncio.create_task(phone(browser, url, i, is_room, timeout, out)))
            await asyncio.sleep(0.3)
        await asyncio.gather(*tasks)
        await browser.close()
    return out


def measure(session: Path, page: Path, phones: int, room_page: bool, folder: Path,
            timeout: float) -> dict:
    server = Server(session, page, folder)
    try:
        asyncio.run(room(server.url, 1, room_page, timeout))  # warm-up: imports, first page
        time.sleep(1)
        server.idle, server.peak, cpu = server.rss(), 0, server.cpu()
        found = asyncio.run(room(server.url, phones, room_page, timeout))
        found["cpu"] = (server.cpu() - cpu) / phones
        time.sleep(0.5)
        found.update(peak=server.peak, idle=server.idle, processes=server.processes)
    finally:
        server.stop()
    return found


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 \
        else values[0]


def row(name: str, found: dict, phones: int) -> str:
    per_phone = (found["peak"] - found["idle"]) / phones / 1e6
    return (f"{name:<18} {found['joined']:>3}/{phones:<3} {pct(found['ready'], 50):>8.1f} s "
            f"{pct(found['ready'], 95):>8.1f} s {found['peak'] / 1e6:>9.0f} MB "
            f"{per_phone:>7.1f} MB {found['processes']:>5} {found['cpu']:>8.2f} s "
            f"{found['elsewhere']:>6} {found['bytes'] / 1e6:>7.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=300, help="seconds a phone waits")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        session = folder / "room.sqlite"
        with pmo_nb.Workshop.open(session, gaps=ROOT / "data" / "sample_gaps.csv",
                                  catalog=ROOT / "data" / "catalog.csv") as ws:
            ws.open_vote("services")
        floor = measure(session, FLOOR_PAGE, args.phones, False, folder, args.timeout)
        room_ = measure(session, _serve.PAGE_SCRIPT, args.phones, True, folder,
                        args.timeout)
        with pmo_nb.Workshop.open(session) as ws:
            answered = int((ws.vote_progress()["answered"] > 0).sum()) - 1  # the warm-up
    print(f"{args.phones} phones (Chromium contexts, 390 x 844, 0.3 s apart) on one server; "
          f"{psutil.cpu_count()} cores")
    print(f"{'':<18} {'joined':>7} {'ready p50':>10} {'ready p95':>10} {'peak memory':>12} "
          f"{'per phone':>10} {'procs':>5} {'CPU/join':>10} {'other hosts':>6} "
          f"{'bytes/phone':>10}")
    print(row("floor (bare page)", floor, args.phones))
    print(row("room (pmo_nb)", room_, args.phones))
    ratio = pct(room_["ready"], 95) / pct(floor["ready"], 95)
    per_phone = (room_["peak"] - room_["idle"]) / args.phones / 1e6
    print(f"page ready p95, room / floor: {ratio:.2f}x (goal <= 1.5x)")
    print(f"server memory per extra phone: {per_phone:.1f} MB (goal <= 5 MB)")
    print(f"ballots saved in the session: {answered} of {args.phones} phones")
    for failure in floor["failed"] + room_["failed"]:
        print("  failed:", failure)


if __name__ == "__main__":
    main()
