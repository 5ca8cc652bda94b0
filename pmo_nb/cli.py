"""Command line: ``pmo-nb new``, ``record``, ``serve``, ``room``, ``list``, ``benchmark`` and
``refresh-notebooks``."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from .errors import PmoError, UsageError

REPO = Path(__file__).resolve().parent.parent  # notebooks/ and data/ live here (editable install)
EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


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
            for cell in nb.cells:
                cell.metadata.pop("execution", None)  # timings of an earlier run
            NotebookClient(
                nb,
                timeout=600,
                kernel_name="python3",
                record_timing=False,  # no timestamps in the committed record
                store_widget_state=False,
                resources={"metadata": {"path": str(path.parent)}},
            ).execute()
            target = REPO / "notebooks" / path.name
            nbformat.write(nb, target)
            done.append(target)
    return done


def record(args: argparse.Namespace) -> int:
    """Run ``pmo-nb record``: the exit code, with one clear message on failure."""
    from .errors import RecordError
    from .record import build_record
    from .record.run import skip_slow_optional_imports

    skip_slow_optional_imports()  # this process only makes the record
    start = time.perf_counter()
    try:
        paths = build_record(args.out, args.session, args.gaps, args.catalog, args.assignments,
                             title=args.title, budget=args.budget, wave_budget=args.wave_budget,
                             must=args.must, exclude=args.exclude, currency=args.currency,
                             language=args.lang,
                             pdf=args.pdf, paper=args.paper, pptx=args.pptx,
                             pptx_template=args.pptx_template, benchmark=args.benchmark,
                             k=args.k)
    except (PmoError, OSError) as exc:
        failed = isinstance(exc, RecordError)
        print(f"pmo-nb record: {exc}", file=sys.stderr)
        if failed:
            print("pmo-nb record: record not written (partial output removed).", file=sys.stderr)
        return EXIT_FAILED if failed else EXIT_BAD_INPUT
    size = sum(p.stat().st_size for p in paths) / 1e6
    print(f"record: {len(paths)} files, {size:.1f} MB, {time.perf_counter() - start:.1f} s",
          file=sys.stderr)
    for path in paths:
        print(path)
    return 0


def new(args: argparse.Namespace) -> int:
    """Run ``pmo-nb new``: the folder made and what to do next, or one message and exit 2."""
    from .app.folder import new_folder, new_follow_up_folder, session_file_name
    from .app.hosted import new_hosted_folder

    try:
        if args.gaps is None and not args.sample and args.follow_up is None \
                and args.session is None:
            raise UsageError("Give the customer's gaps (--gaps FILE), --sample, --follow-up "
                             "BASELINE, or --session URL (a hosted workshop that exists).")
        if args.session is not None and (args.follow_up is not None or args.sample):
            raise UsageError("--session goes with --gaps (a new hosted workshop) or alone (one "
                             "that exists), not with --sample or --follow-up.")
        if args.session is not None and args.gaps is None:
            folder = new_hosted_folder(args.folder, args.session)
        elif args.follow_up is not None:
            if args.catalog is not None:
                raise UsageError("--catalog does not go with --follow-up: a follow-up takes "
                               "the catalog of its baseline.")
            folder = new_follow_up_folder(args.folder, args.follow_up, title=args.title)
        else:
            folder = new_folder(args.folder, args.gaps, args.catalog, title=args.title,
                                sample=args.sample, language=args.lang, session=args.session)
    except (PmoError, OSError) as exc:
        print(f"pmo-nb new: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    first = "progress.ipynb" if args.follow_up is not None else "workshop.ipynb"
    session = f'"{args.session}"' if args.session else f"sessions/{session_file_name(folder)}"
    print(f"made {folder}/ (notebooks, README.md); next:\n"
          f"  cd {folder}\n  jupyter lab {first}\n"
          f"  pmo-nb record --session {session} --out record")
    return 0


def _add_new(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser(
        "new", help="make a customer's workshop folder (or the demo's, with --sample)",
        description="Make FOLDER with copies of the customer's gaps and catalog, the "
                    "notebooks (outputs cleared, parameters pointing at those copies and at "
                    "FOLDER/sessions/NAME.sqlite) and a README. The inputs are checked "
                    "first: a bad file is reported and nothing is made.")
    cmd.add_argument("folder", help="a new (or empty) folder for the workshop")
    source = cmd.add_mutually_exclusive_group()
    source.add_argument("--gaps", help="the customer's gaps, CSV or XLSX")
    source.add_argument("--sample", action="store_true",
                        help="the demo organisation, with the sample workshop's decisions")
    source.add_argument("--follow-up", metavar="BASELINE",
                        help="the next assessment of BASELINE (a session file or PostgreSQL "
                             "URL, only read): its gaps, catalog and committed services")
    cmd.add_argument("--catalog", help="the PMO service catalog, CSV or XLSX (default: the "
                     "catalog that comes with pmo_nb)")
    cmd.add_argument("--session", metavar="URL", help="a hosted workshop, postgresql://USER@"
                     "HOST:PORT/DB?workshop=NAME (no password: PG* variables or ~/.pgpass "
                     "give it): the notebooks open it; with --gaps it starts there, alone it "
                     "must exist"),
    cmd.add_argument("--title", help="the customer's name, shown in the notebooks and record")
    cmd.add_argument("--lang", metavar="TAG", help="the workshop's language: en (default), "
                     "pt-BR, es, fr or de (the panels, the record, the phones' default)")


def serve(args: argparse.Namespace) -> int:
    """Run ``pmo-nb serve``: the participants' app (see :mod:`pmo_nb.app.serve`)."""
    from .app.serve import serve as run

    try:
        return run(args.session, args.host, args.port, prefix=args.base_url,
                   public_url=args.public_url, trusted_proxy=args.trusted_proxy,
                   joins_per_minute=args.joins_per_minute, room=args.room,
                   benchmark=args.benchmark, k=args.k)
    except (PmoError, OSError) as exc:
        print(f"pmo-nb serve: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pmo-nb", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _add_new(sub)
    refresh = sub.add_parser("refresh-notebooks", help="re-execute the committed notebooks")
    refresh.add_argument("names", nargs="*", help="notebook names without .ipynb (default: all)")
    rec = sub.add_parser(
        "record", help="write the record: one page for stakeholders, a workbook, the notebooks",
        description="Write the record of a session into OUT: record.html (one self-contained "
                    "page for stakeholders: summary, coverage, the budget plan, roadmap, gap "
                    "register, catalog), record.xlsx (every table) and notebooks/*.ipynb (the "
                    "executed notebooks); with --pdf, record.pdf (the page on A4 or letter), "
                    "with --pptx, record.pptx (an editable deck). A new session needs --gaps "
                    "and --catalog; an existing one is used as saved.")
    rec.add_argument("--gaps", help="gaps CSV/XLSX (needed for a new session)")
    rec.add_argument("--catalog", help="catalog CSV/XLSX (needed for a new session)")
    rec.add_argument("--assignments", help="assignments CSV/XLSX that seed a new session")
    rec.add_argument("--session", required=True,
                     help="session file (SQLite) or PostgreSQL URL, new or existing")
    rec.add_argument("--out", required=True, help="folder for the record")
    rec.add_argument("--title", help="the page's title (default: the session's title, else its "
                     "name)")
    rec.add_argument("--budget", type=_amount, help="budget of the plan (default: every "
                     "service proposed)")
    rec.add_argument("--wave-budget", type=_amount, help="budget per roadmap wave (default: a "
                     "third of the plan's cost)")
    rec.add_argument("--must", action="append", default=[], metavar="ID",
                     help="a service the plan must take (repeat for more)")
    rec.add_argument("--exclude", action="append", default=[], metavar="ID",
                     help="a service the plan must leave out (repeat for more)")
    rec.add_argument("--currency", default="k$", help="the catalog's costs (in thousands): an "
                     "ISO 4217 code written the language's way (BRL: 'R$ 300 mil' in pt-BR), "
                     "or a unit shown after every amount (default: k$)")
    rec.add_argument("--lang", metavar="TAG", help="the record's language: en, pt-BR, es, fr "
                     "or de (default: the workshop's)")
    rec.add_argument("--pdf", action="store_true", help="also write record.pdf, the page laid "
                     "out for paper (needs Chromium)")
    rec.add_argument("--paper", choices=("a4", "letter"), default="a4", type=str.lower,
                     help="paper of record.pdf (default: a4)")
    rec.add_argument("--pptx", action="store_true", help="also write record.pptx, an editable "
                     "deck (native tables and charts) for the sponsors")
    rec.add_argument("--pptx-template", metavar="FILE", help="a .pptx whose slide master the "
                     "deck uses (the consultancy's own; implies --pptx)")
    rec.add_argument("--benchmark", metavar="SOURCE", help="add what organisations like this "
                     "one chose (a postgresql:// URL or a folder of sessions)")
    rec.add_argument("--k", type=_count, default=5, help="with --benchmark: the smallest group "
                     "shown (>= 3; default 5)")
    listing = sub.add_parser("list", help="the workshops in a PostgreSQL database",
                             description="Name, creation time, number of gaps and last change "
                                         "of every workshop in the database.")
    listing.add_argument("url", help="postgresql://USER@HOST:PORT/DB (?workshop= not needed)")
    bench = sub.add_parser(
        "benchmark", help="what consenting organisations chose, per aspect and gap size",
        description="Per catalog aspect and gap size: how many distinct organisations that "
                    "consented had such a gap, and how many of them chose each service. A "
                    "group of fewer than K organisations is never shown; no organisation is "
                    "named.")
    bench.add_argument("source", help="a postgresql:// URL (every workshop in it) or a folder "
                       "of .sqlite sessions")
    bench.add_argument("--k", type=_count, default=5, help="the smallest group shown (>= 3; "
                       "default 5)")
    bench.add_argument("--sector", default="", help="only organisations of this sector")
    bench.add_argument("--size-band", default="", help="only organisations of this size band")
    srv = sub.add_parser(
        "serve", help="the participants' voting app: a join URL with a token and a QR code",
        description="One server process for the whole room: each participant opens the join "
                    "URL (or scans the QR code) and votes on SESSION from their own device. "
                    "SIGINT, SIGTERM or SIGHUP stop it.")
    srv.add_argument("session", help="the workshop's session: a file or a postgresql:// URL")
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on (default "
                     "127.0.0.1: this machine only; 0.0.0.0: the room's network)")
    srv.add_argument("--port", type=int, help="port (default 8866, or a free one)")
    srv.add_argument("--base-url", help="the path the app lives under behind a proxy, e.g. "
                     "/services/pmo-vote/ (default: $JUPYTERHUB_SERVICE_PREFIX or /)")
    srv.add_argument("--public-url", help="the address participants open, when it is not "
                     "this machine's (e.g. https://hub.example.org/services/pmo-vote/); "
                     "the join link and the QR code show it")
    srv.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDR",
                     help="the address of the proxy in front (a hub's, an https front); only "
                     "from it are X-Forwarded-For (the client's address) and "
                     "X-Forwarded-Proto (https: Secure cookies) believed; repeat for more")
    srv.add_argument("--room", metavar="NAME", help="a hosted room (a hub service): SESSION "
                     "is the team's database (postgresql:///), and the workshop and join link "
                     "are the ones a facilitator opens with `pmo-nb room`; no token is printed")
    srv.add_argument("--benchmark", metavar="SOURCE", help="show the phones what "
                     "organisations like this one chose (a postgresql:// URL or a folder of "
                     "sessions; see `pmo-nb benchmark`)")
    srv.add_argument("--k", type=_count, default=5, help="with --benchmark: the smallest "
                     "group shown (>= 3; default 5)")
    srv.add_argument("--joins-per-minute", type=_count, default=10, metavar="N",
                     help="new participants one client address may create per minute "
                     "(default 10; 0: no limit)")
    _add_room(sub)
    return parser


def _add_room(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser(
        "room", help="open the hub's participants' room for a workshop: its join link",
        description="Let the hosted room (the hub's pmo-nb serve --room service) vote on "
                    "SESSION, with a new join link: printed here and saved as a QR code "
                    "(ROOM-join.png, readable by you only). The old link stops working.")
    cmd.add_argument("session", help="postgresql://...?workshop=NAME, an existing workshop")
    cmd.add_argument("--room", default="pmo-participants", help="the room's name: the hub "
                     "service's (default pmo-participants)")
    cmd.add_argument("--public-url", help="the room's address, https://HUB/services/ROOM/ "
                     "(default: $PMO_NB_ROOM_URL, which the hub sets)")


def room(args: argparse.Namespace) -> int:
    """Run ``pmo-nb room``: the join link and where its QR code went, or one message."""
    from .app.room import open_room
    from .app.serve import qr_code

    try:
        link = open_room(args.session, args.public_url, args.room)
        png = Path.cwd() / f"{args.room}-join.png"
        qr_code(link.url, png)  # through a private temporary file: readable by you only
    except (PmoError, OSError) as exc:
        print(f"pmo-nb room: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"Room '{link.room}' now votes on '{link.workshop}'. Participants join at:\n"
          f"  {link.url}\nQR code saved to {png} (only you can read it; it carries the "
          "token).")
    return 0


def list_command(url: str) -> int:
    """Run ``pmo-nb list URL``: one line per workshop; the exit code."""
    from .app.room import with_workshop
    from .store import list_workshops

    try:
        table = list_workshops(url)
    except PmoError as exc:
        print(f"pmo-nb list: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    parts = urllib.parse.urlsplit(url)  # the hint names no password: PG* or ~/.pgpass give it
    bare = url if parts.password is None else parts._replace(
        netloc=f"{parts.username}@{parts.netloc.rpartition('@')[2]}").geturl()
    if not len(table):
        print("no workshops yet: start one with pmo-nb new FOLDER --gaps FILE --session "
              f"'{with_workshop(bare, 'NAME')}'")
        return 0
    print(table.to_string(index=False))
    print(f"\nopen one: pmo-nb new FOLDER --session '{with_workshop(bare, table['name'][0])}'"
          "  (then jupyter lab FOLDER/workshop.ipynb)")
    return 0


def benchmark_command(args: argparse.Namespace) -> int:
    """Run ``pmo-nb benchmark SOURCE``: the table, or one clear message; the exit code."""
    from .session.benchmark import benchmark

    like = {"sector": args.sector, "size_band": args.size_band}
    try:
        table = benchmark(args.source, k=args.k, like=like if any(like.values()) else None)
    except PmoError as exc:
        print(f"pmo-nb benchmark: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(table.to_string(index=False) if len(table) else
          f"no group of {args.k} or more consenting organisations yet")
    return 0


def _count(text: str) -> int:
    """An argparse type: a whole number >= 0, or a one-line error naming the value."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"a whole number >= 0 is needed, got '{text}'")
    return int(text)


def _amount(text: str) -> float:
    """An argparse type: a number >= 0, or a one-line error naming the value."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"'{text}' is not a number >= 0")
    return value


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``pmo-nb`` console script; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "new":
        return new(args)
    if args.command == "record":
        return record(args)
    if args.command == "list":
        return list_command(args.url)
    if args.command == "serve":
        return serve(args)
    if args.command == "room":
        return room(args)
    if args.command == "benchmark":
        return benchmark_command(args)
    if args.command == "refresh-notebooks":
        for path in refresh_notebooks(args.names):
            print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
