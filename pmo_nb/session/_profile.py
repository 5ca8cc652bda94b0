"""Who a workshop is for, and whether it may be counted in the benchmark of what other
organisations chose (:func:`pmo_nb.benchmark`).

Both are settings of the session (``profile`` and ``benchmark_consent``); each change is
one history step, undone like any other. Consent is off until it is given, and needs a
profile first. Beside the words as typed, the profile keeps the *keys* the benchmark
compares (:mod:`pmo_nb.inputs.profile`): the organisation as a digest (a follow-up of the
same organisation is counted once, and its name never enters the benchmark's query), the
sector and size band folded. A follow-up takes its baseline's profile, not its consent:
each assessment is shared only once it is opted in.
"""

from __future__ import annotations

import json

from ..errors import UsageError
from ..inputs.profile import FIELDS, profile_keys
from ..store import Op, Store

PROFILE, CONSENT = "profile", "benchmark_consent"
YES, NO = "yes", "no"


def carried_settings(store: Store) -> dict[str, str]:
    """The settings a follow-up takes from its baseline's ``store``: the profile."""
    found = store.meta(PROFILE)
    return {PROFILE: found} if found else {}


class Profile:
    """The :class:`~pmo_nb.session.workshop.Workshop`'s profile and consent (a mixin)."""

    @property
    def profile(self) -> dict[str, str] | None:
        """organisation, sector and size_band as set (:meth:`set_profile`), or None."""
        found = self._store.meta(PROFILE)
        return {f: json.loads(found)[f] for f in FIELDS} if found else None

    def set_profile(self, organisation: str, sector: str = "", size_band: str = "") -> None:
        """Say who this workshop is for: one undoable step.

        Examples
        --------
        >>> import pmo_nb, tempfile
        >>> ws = pmo_nb.open_workshop(tempfile.mkdtemp() + "/q1.sqlite", sample=True)
        >>> ws.set_profile("Northwind Mutual", "Insurance", "1000-5000")
        >>> ws.profile["sector"], ws.benchmark_consent
        ('Insurance', False)
        >>> ws.set_benchmark_consent(True); ws.benchmark_consent
        True
        >>> ws.undo(), ws.benchmark_consent
        ('set benchmark consent', False)
        """
        given = {f: " ".join(str(v or "").split())
                 for f, v in zip(FIELDS, (organisation, sector, size_band), strict=True)}
        if not given["organisation"]:
            raise UsageError(f"set_profile: '{self._store.label}' needs the organisation's "
                             "name (it is what makes a follow-up the same organisation), e.g. "
                             "ws.set_profile('Northwind Mutual', 'Insurance', '1000-5000').")
        value = json.dumps({**given, "keys": profile_keys(given)}, ensure_ascii=False)
        self._change("set profile", [Op("setting", (PROFILE,), {"value": value})])

    @property
    def benchmark_consent(self) -> bool:
        """Whether this workshop may be counted in the benchmark (default: not)."""
        return self._store.meta(CONSENT) == YES

    def set_benchmark_consent(self, consent: bool) -> None:
        """Opt in (``True``) or out of the benchmark: one undoable step. Needs a profile."""
        if not isinstance(consent, bool):
            raise UsageError(f"set_benchmark_consent: consent is True or False; got "
                             f"{consent!r}.")
        if consent and self.profile is None:
            raise UsageError(f"set_benchmark_consent: '{self._store.label}' has no profile "
                             "yet; first say who it is for: ws.set_profile(organisation, "
                             "sector, size_band).")
        self._change("set benchmark consent",
                     [Op("setting", (CONSENT,), {"value": YES if consent else NO})])
