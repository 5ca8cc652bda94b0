"""The participants' page as Solara runs it: once per connection (a browser tab).

``pmo-nb serve`` points Solara at this file (``SOLARA_APP``). Each run makes a fresh
:class:`~pmo_nb.ui.ParticipantPage` on the session that ``PMO_NB_SESSION`` names
(or, under ``serve --room``, the workshop the hosted room is open for now), with
the device id from the gate's cookie (a reload comes back as the same participant) and
the server's cap on new participants per client address (the gate names the address),
the browser's ``Accept-Language`` (the page's language, when pmo_nb speaks it), what
peers chose (``--benchmark``, read once per server),
and releases the participant's handle when the tab's virtual kernel closes.
"""

import os

import solara.lab
from solara.server import kernel_context

from pmo_nb.app._room_gate import DEVICE_COOKIE
from pmo_nb.app._room_limits import CLIENT_HEADER, limiter
from pmo_nb.app._room_peers import room_benchmark
from pmo_nb.app.room import page_session
from pmo_nb.ui.participant import SESSION_ENV, ParticipantPage

if kernel_context.has_current_context():  # as Solara runs it: an import does nothing
    _headers = solara.lab.headers.value or {}
    _address = (_headers.get(CLIENT_HEADER.decode()) or [""])[-1]
    _fixed = os.environ.get(SESSION_ENV)  # None under `serve --room`: no benchmark there
    _participant = ParticipantPage(
        _fixed or page_session(),
        device=(solara.lab.cookies.value or {}).get(DEVICE_COOKIE),
        may_join=lambda a=_address: limiter().take(a),
        accept_language=", ".join(_headers.get("accept-language", [])),
        benchmark=room_benchmark(_fixed) if _fixed else None)
    kernel_context.get_current_context().on_close(_participant.close)
    page = _participant.widget
