"""Command line: ``pmo-nb record ...`` and ``pmo-nb refresh-notebooks``."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def refresh_notebooks(names: list[str] | None = None) -> list[Path]:
    """Re-execute the committed notebooks on a fresh copy (a new sample session) and keep
    their outputs: the sample record. Never touches a live session file."""
    import nbformat
    from nbclient import NotebookClient

    done = []
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(
            REPO / "notebooks",
            Path(tmp) / "notebooks",
            ignore=shutil.ignore_patterns(".ipynb_checkpoints"),
        )
        shutil.copytree(REPO / "data", Path(tmp) / "data")
        for path in sorted((Path(tmp) / "notebooks").glob("*.ipynb")):
            if names and path.stem not in names:
                continue
            print(f"executing {path.name} ...", file=sys.stderr)
            nb = nbformat.read(path, as_version=4)
            NotebookClient(
                nb,
                timeout=600,
                kernel_name="python3",
                store_widget_state=False,
                resources={"metadata": {"path": str(path.parent)}},
            ).execute()
            target = REPO / "notebooks" / path.name
            nbformat.write(nb, target)
            done.append(target)
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pmo-nb", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    refresh = sub.add_parser("refresh-notebooks", help="re-execute the committed notebooks")
    refresh.add_argument("names", nargs="*", help="notebook names without .ipynb (default: all)")
    args = parser.parse_args(argv)
    if args.command == "refresh-notebooks":
        for path in refresh_notebooks(args.names):
            print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
