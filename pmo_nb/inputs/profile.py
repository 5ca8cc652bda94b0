"""A workshop's profile (who it is for) as the benchmark compares it: the organisation as
a digest of its folded name, the sector and size band folded (case, accents and
punctuation set aside), so that two spellings of one organisation are one, and its name
never needs to be read to count it.

Examples
--------
>>> organisation_key("Northwind Mutual") == organisation_key(" northwind  MUTUAL ")
True
>>> profile_keys({"organisation": "", "sector": "Insurance ", "size_band": "1000+"})
{'sector': 'insurance', 'size_band': '1000'}
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from .words import fold

FIELDS = ("organisation", "sector", "size_band")


def organisation_key(organisation: object) -> str:
    """The organisation as the benchmark counts it: 32 hex digits of its folded name's
    SHA-256."""
    return hashlib.sha256(fold(organisation).encode()).hexdigest()[:32]


def profile_keys(profile: Mapping[str, object]) -> dict[str, str]:
    """The keys a profile is compared by; blank fields stay out."""
    keys = {f: fold(profile.get(f) or "") for f in FIELDS[1:]}
    if str(profile.get("organisation") or "").strip():
        keys["organisation"] = organisation_key(profile["organisation"])
    return {f: v for f, v in keys.items() if v}
