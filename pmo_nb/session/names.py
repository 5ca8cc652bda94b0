"""Participants' names and device ids, as a session keeps them.

A name is shown as typed, on one line, at most 40 characters; names are unique in a
session (a second "Ann" is "Ann (2)"); a device's random id is kept as a hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets

MAX_NAME = 40


def clean_name(name: str | None) -> str:
    """A participant's name as shown: one line, spaces collapsed, at most 40 characters."""
    text = re.sub(r"\s+", " ", re.sub(r"[\x00-\x1f\x7f]", " ", str(name or ""))).strip()
    return text[:MAX_NAME].strip()


def free_name(wanted: str, taken: set[str]) -> str:
    """``wanted`` if free (case-insensitive), else "wanted (2)", "(3)"...; blank: anonymous.

    Examples
    --------
    >>> free_name("Ann", {"ann"}), free_name("Ann", {"ann", "ann (2)"}), free_name("Bo", set())
    ('Ann (2)', 'Ann (3)', 'Bo')
    """
    if not wanted:
        while (name := f"anonymous-{secrets.token_hex(2)}").casefold() in taken:
            pass
        return name
    number = 1
    name = wanted
    while name.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        name = wanted[:MAX_NAME - len(suffix)].rstrip() + suffix
    return name


def device_digest(device: str | None) -> str | None:
    """What the session keeps of a device's id: a hash (the id itself stays on the device)."""
    if not device:
        return None
    return hashlib.sha256(str(device).encode()).hexdigest()
