"""``record.pdf``: the stakeholders' page printed by headless Chromium, when it is installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import TextIO

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--no-pdf-header-footer", "--virtual-time-budget=15000"]


def browser() -> str | None:
    """The first Chromium-like browser on PATH, or None."""
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def print_pdf(page: Path, pdf: Path, log: TextIO) -> Path | None:
    """Print ``page`` to ``pdf`` (figures drawn first); None, with a warning, without Chromium."""
    exe = browser()
    if exe is None:
        print("warning: no Chromium found; record.pdf not written (apt-get install chromium).",
              file=log)
        return None
    done = subprocess.run([exe, *FLAGS, f"--print-to-pdf={pdf}", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or not pdf.exists():
        print(f"warning: Chromium could not print record.pdf: {done.stderr.strip()[-300:]}",
              file=log)
        return None
    print(f"record.pdf: {pdf.stat().st_size / 1e6:.1f} MB", file=log)
    return pdf
