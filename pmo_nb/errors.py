"""One exception family for pmo_nb: every error it raises on purpose is a ``PmoError``.

- ``DataError`` (also a ``ValueError``): bad input; the message names the file, the
  spreadsheet row, the column, the value and what is allowed.
- ``InputFileError`` (also a ``FileNotFoundError``): an input file that is missing or is a
  folder.
- ``UnknownIdError`` and its ``UnknownGapError`` / ``UnknownServiceError`` (also
  ``KeyError``): an id that does not exist; the message names the closest existing ids.
- ``SessionError`` (also a ``ValueError``): a session that cannot be opened or changed as
  asked (not a session, a newer schema, other gaps than the saved ones, not writable).
- ``PlanError`` (also a ``ValueError``): a budget question that has no answer as asked
  (must-haves over budget, a service both required and excluded, a bad budget);
  ``PlanCancelled``: a budget curve stopped by its caller (a newer change replaced it).
- ``UsageError`` (also a ``ValueError``): an argument outside what a function accepts.
- ``RecordError``: a record notebook failed or is missing; nothing was written.
- ``VoteError`` (also a ``ValueError``): a ballot or vote step the current vote does not
  allow (no open vote, already revealed, hidden results asked for, an id not in the vote).
  An unknown gap or service id in a ballot raises ``UnknownVoteGapError`` /
  ``UnknownVoteServiceError``: both a ``VoteError`` and an ``UnknownIdError``.

Callers catch ``PmoError`` alone; the second base keeps ``except ValueError`` /
``except KeyError`` code working.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_LISTED = 20


class PmoError(Exception):
    """Base class of every error pmo_nb raises on purpose.

    One that a panel shows the customer may carry its message as a catalog message
    (:meth:`worded`), so the panel says it in its own language (:meth:`said`).

    >>> from pmo_nb.i18n import translator
    >>> e = PmoError.worded("the must-haves cost {cost} > budget {budget}; raise the budget "
    ...                     "or drop a must-have.", cost=60, budget=0)
    >>> str(e)
    'the must-haves cost 60 > budget 0; raise the budget or drop a must-have.'
    >>> e.said(translator("de")).split(";")[0]
    'die Pflichtleistungen kosten 60 > Budget 0'
    """

    message: tuple[str, dict] | None = None  # (catalog message, its values) when worded

    @classmethod
    def worded(cls, message: str, /, **values: object) -> PmoError:
        """The error with ``message`` (an English catalog message) filled from ``values``."""
        error = cls(message.format(**{k: f"{v:g}" if isinstance(v, float) else v
                                      for k, v in values.items()}))
        error.message = (message, values)
        return error

    def said(self, _: object) -> str:
        """The message in ``_``'s language (a :class:`~pmo_nb.i18n.Translator`) when it is
        a catalog message, else as raised."""
        if self.message is None:
            return str(self)
        message, values = self.message
        number = getattr(_, "number", str)
        return _(message, **{k: number(v) if isinstance(v, int | float) else v
                             for k, v in values.items()})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or one column) of an input table."""

    row: int | None  # spreadsheet row: header = 1, first data row = 2
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class DataError(PmoError, ValueError):
    """Bad input data. ``.problems`` lists every problem found, ``.source`` names the input."""

    def __init__(self, source: str, problems: Sequence[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(None, None, problems)]
        self.source = source
        self.problems = list(problems)
        super().__init__(_format(source, self.problems))


def _format(source: str, problems: list[Problem]) -> str:
    if len(problems) == 1:
        return f"{source}: {problems[0]}"
    lines = [f"{source}: {len(problems)} problems."]
    lines += [f"- {p}" for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"... and {len(problems) - MAX_LISTED} more.")
    return "\n".join(lines)


class SessionError(PmoError, ValueError):
    """A session file that cannot be opened or changed as asked."""


class InputFileError(PmoError, FileNotFoundError):
    """An input file that does not exist, or a folder where a file was expected."""


class PlanError(PmoError, ValueError):
    """A budget question with no answer as asked; the message says what to change."""


class PlanCancelled(PlanError):
    """A budget curve stopped because a newer question replaced it (the budget panel)."""


class UsageError(PmoError, ValueError):
    """An argument outside what the function accepts; the message names what is allowed."""


class RecordError(PmoError):
    """A record notebook is missing or failed while executing; nothing was written."""


class VoteError(PmoError, ValueError):
    """A ballot or vote step that the current vote does not allow; the message says why."""


class UnknownIdError(PmoError, KeyError):
    """An id that does not exist; the message names the closest existing ids."""

    kind = "id"

    def __init__(self, value: str, existing: Iterable[str]):
        self.value = value
        self.closest = closest(value, existing)
        hint = f" Closest: {', '.join(self.closest)}." if self.closest else ""
        super().__init__(f"Unknown {self.kind} '{value}'.{hint}")

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0])


class UnknownGapError(UnknownIdError):
    kind = "gap id"


class UnknownServiceError(UnknownIdError):
    kind = "service id"


class UnknownVoteGapError(VoteError, UnknownGapError):
    """A ballot for a gap id that does not exist (a ``VoteError`` and a ``KeyError``)."""


class UnknownVoteServiceError(VoteError, UnknownServiceError):
    """A ballot naming a service id that does not exist (a ``VoteError`` and a ``KeyError``)."""


def closest(value: str, existing: Iterable[str], n: int = 3) -> list[str]:
    """The existing ids most like ``value``, best first.

    Ids that differ from ``value`` only by case, spaces, separators (``-_.``) or zero
    padding of numbers come first; then the most similar spellings (:mod:`difflib`,
    case-insensitive).

    Examples
    --------
    >>> closest("HOS-01", ["HOS-017", "HOS-018", "HOS-019", "HOS-001"])[0]
    'HOS-001'
    >>> closest("g 5", ["G-15", "G-50", "G-05"])[0]
    'G-05'
    """
    pool = {str(e).casefold(): str(e) for e in existing}
    key = _id_key(value)
    same = [e for e in pool.values() if _id_key(e) == key]
    hits = difflib.get_close_matches(str(value).casefold(), list(pool), n=n + len(same),
                                     cutoff=0.4)
    return list(dict.fromkeys(same + [pool[h] for h in hits]))[:n]


def _id_key(value: object) -> str:
    """An id with case, spaces, separators and leading zeros ignored:
    ``' hos-01 '``, ``'HOS-001'`` and ``'hos_1'`` share ``'hos1'``."""
    text = re.sub(r"[\s\-_.]+", "", str(value)).casefold()
    return re.sub(r"\d+", lambda m: str(int(m.group())), text)


class PmoWarning(UserWarning):
    """Something pmo_nb did that the caller should know of, though nothing failed.

    For example an exported cell cut at Excel's 32,767-character limit: the message
    names the sheet, the cell and the length it had.
    """
