"""Where the notebooks and the data that come with pmo_nb are, installed or in a checkout.

A wheel carries them inside the package (``pmo_nb/notebooks``, ``pmo_nb/data``: the
``package-dir`` mapping in ``pyproject.toml``); a source checkout or an editable install
keeps them where the repository has them (``notebooks/``, ``data/`` beside ``pmo_nb/``).
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
CATALOG = "catalog.csv"
SAMPLE_GAPS = "sample_gaps.csv"
SAMPLE_ASSIGNMENTS = "sample_assignments.csv"
SAMPLE_REASSESSMENT = "sample_reassessment.csv"
SAMPLE_DELIVERIES = "sample_deliveries.csv"
SAMPLE_DATES = "sample_dates.csv"
SAMPLE_TITLE = "Sample organisation"


def _folder(name: str) -> Path:
    """``pmo_nb/<name>`` when installed from a wheel, else the checkout's ``<name>/``."""
    inside = Path(str(resources.files("pmo_nb") / name))
    return inside if inside.is_dir() else CHECKOUT / name


def notebook_dir() -> Path:
    """The folder of the notebooks that come with pmo_nb (the sample record).

    Examples
    --------
    >>> (notebook_dir() / "workshop.ipynb").is_file()
    True
    """
    return _folder("notebooks")


def data_dir() -> Path:
    """The folder of the default catalog and the sample organisation's files.

    Examples
    --------
    >>> sorted(p.name for p in data_dir().glob("*.csv"))  # doctest: +NORMALIZE_WHITESPACE
    ['catalog.csv', 'catalog.de.csv', 'catalog.es.csv', 'catalog.fr.csv', 'catalog.pt-BR.csv',
     'sample_assignments.csv', 'sample_dates.csv', 'sample_deliveries.csv', 'sample_gaps.csv',
     'sample_reassessment.csv']
    """
    return _folder("data")


def default_catalog(language: str | None = None) -> Path:
    """The PMO service catalog that comes with pmo_nb, in ``language`` when it is shipped
    in it (``catalog.pt-BR.csv``: the same services, ids and costs), else in English.

    >>> default_catalog().name, default_catalog("en").name, default_catalog("pt-BR").name
    ('catalog.csv', 'catalog.csv', 'catalog.pt-BR.csv')
    """
    translated = data_dir() / f"catalog.{language}.csv"
    return translated if language and language != "en" and translated.is_file() \
        else data_dir() / CATALOG


def sample_files() -> dict[str, Path]:
    """The sample organisation: its gaps, the default catalog and the workshop's decisions."""
    folder = data_dir()
    return {"gaps": folder / SAMPLE_GAPS, "catalog": folder / CATALOG,
            "assignments": folder / SAMPLE_ASSIGNMENTS}


def sample_follow_up_files() -> dict[str, Path]:
    """The sample organisation six months on: the room's new sizes and the deliveries."""
    folder = data_dir()
    return {"reassessment": folder / SAMPLE_REASSESSMENT, "deliveries": folder / SAMPLE_DELIVERIES}


def sample_dates() -> dict[str, str]:
    """The days the sample organisation's assessments are dated: the same on any day, so
    the sample record never carries the day it was made.

    Examples
    --------
    >>> sample_dates()
    {'workshop': '2026-06-10', 'follow-up': '2026-12-02'}
    """
    with open(data_dir() / SAMPLE_DATES, newline="", encoding="utf-8") as handle:
        return {row["assessment"]: row["date"] for row in csv.DictReader(handle)}
