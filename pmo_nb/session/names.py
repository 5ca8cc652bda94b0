"""Participants' names and device ids, as a session keeps them.

A name is kept in Unicode NFC, on one line, at most 40 characters, without the characters
that hide or turn text (zero-width spaces and joiners, direction marks and overrides,
other format, private-use and unassigned characters, variation selectors, blank
"fillers"); a name made only of those is anonymous. Names are unique in a session by
their *skeleton* (Unicode TR39's idea: case folded, compatibility forms unfolded, and
each letter that looks like a Latin one replaced by it, from the Unicode confusables
table shipped by ``confusable-homoglyphs``): a second "Ann", or an "Аnn" typed with a
Cyrillic А, joins as "Ann (2)". A device's random id is kept as a hash.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import unicodedata

MAX_NAME = 40
# invisible although their category says otherwise: Hangul fillers, braille blank,
# combining grapheme joiner, Mongolian vowel separator
_BLANK = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u034f", "\u180e"}
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Co", "Cn", "Cs"}  # controls, format (ZWSP, RLO...), ...


def _hidden(char: str) -> bool:
    """True for a character that shows nothing or turns the text around it."""
    return (unicodedata.category(char) in _HIDDEN_CATEGORIES or char in _BLANK
            or 0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF)


def clean_name(name: str | None) -> str:
    """A participant's name as saved: NFC, visible characters only, one line, spaces
    collapsed, at most 40 characters.

    Examples
    --------
    >>> clean_name("  Ann\\u200b\\u202e  Lee\\n"), clean_name("\\u200d\\u2066")
    ('Ann Lee', '')
    >>> clean_name("e\\u0301") == "\\u00e9"
    True
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = "".join(" " if ch in "\t\n\r\x0b\x0c\x85\u2028\u2029" else ch for ch in text)
    text = "".join(ch for ch in text if not _hidden(ch))
    text = re.sub(r"\s+", " ", text).strip()
    return unicodedata.normalize("NFC", text[:MAX_NAME].strip())


@functools.lru_cache(maxsize=1)
def _latin_of() -> dict[str, str]:
    """Each character that Unicode's confusables table pairs with a single ASCII
    character -> that character (Cyrillic а -> a, Greek Ο -> O, fullwidth ａ -> a)."""
    from confusable_homoglyphs.confusables import confusables_data

    table: dict[str, str] = {}
    for char, looks in confusables_data.items():
        ascii_ = [h["c"] for h in looks if len(h["c"]) == 1 and h["c"].isascii()]
        if len(char) == 1 and not char.isascii() and ascii_:
            table[char] = ascii_[0]
    return table


def skeleton(name: str) -> str:
    """What a name looks like, for telling lookalikes apart (case and script aside).

    Examples
    --------
    >>> skeleton("Anna") == skeleton("\\u0410nna") == skeleton("ＡＮＮＡ") == skeleton("anna")
    True
    >>> skeleton("Anna") == skeleton("Anne")
    False
    """
    table = _latin_of()
    text = unicodedata.normalize("NFKD", clean_name(name))
    text = "".join(table.get(ch, ch) for ch in text if not unicodedata.combining(ch))
    return text.casefold()


def free_name(wanted: str, taken: set[str]) -> str:
    """``wanted`` if no name in ``taken`` looks like it, else "wanted (2)", "(3)"...; blank:
    anonymous. ``taken`` holds the room's names (any case, any script).

    Examples
    --------
    >>> free_name("Ann", {"ann"}), free_name("Ann", {"Ann", "ann (2)"}), free_name("Bo", set())
    ('Ann (2)', 'Ann (3)', 'Bo')
    >>> free_name("\\u0410nn", {"Ann"})  # a Cyrillic А: kept apart from the real Ann
    'Аnn (2)'
    """
    seen = {skeleton(t) for t in taken}
    if not wanted:
        while skeleton(name := f"anonymous-{secrets.token_hex(2)}") in seen:
            pass
        return name
    number = 1
    name = wanted
    while skeleton(name) in seen:
        number += 1
        suffix = f" ({number})"
        name = wanted[:MAX_NAME - len(suffix)].rstrip() + suffix
    return name


def device_digest(device: str | None) -> str | None:
    """What the session keeps of a device's id: a hash (the id itself stays on the device)."""
    if not device:
        return None
    return hashlib.sha256(str(device).encode()).hexdigest()
