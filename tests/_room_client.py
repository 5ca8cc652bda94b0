"""A participant's phone without a browser: what a hostile participant would script.

It speaks the page's own protocol: HTTP with the token (httpx, its cookies kept like a
browser's), then the widgets' websocket (Jupyter messages): it opens Solara's control comm,
asks it to run the page, collects the widgets' models as they arrive, and sets a value or
clicks a button by its model id, with or without the widget being shown or enabled.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable

import httpx
from websockets.sync.client import connect

TIMEOUT = 60


class Phone:
    """One browser tab on the room's page (a cookie jar, a kernel, the widgets' state)."""

    def __init__(self, base: str, token: str, *, headers: dict | None = None,
                 origin: str | None = None):
        self.base, self.token = base.rstrip("/"), token
        self.extra = headers or {}  # e.g. X-Forwarded-For, as a trusted proxy sends it
        self.http = httpx.Client(base_url=self.base, timeout=TIMEOUT, headers=self.extra)
        self.origin = origin or self.base
        self.models: dict[str, dict] = {}  # comm id -> the widget's state
        self.kernel_id, self.page_id = str(uuid.uuid4()), str(uuid.uuid4())
        self.ws = None
        self.replied: set[str] = set()  # the messages the kernel has answered

    def load(self) -> httpx.Response:
        """Open the join link: the redirect without the token sets the cookies."""
        first = self.http.get(f"/?token={self.token}")
        assert first.status_code == 303, first.text[:300]
        page = self.http.get(str(httpx.URL(self.base + "/").join(first.headers["location"])))
        assert page.status_code == 200, page.text[:300]
        return page

    def open(self) -> Phone:
        """Load the page, connect its websocket and run the page."""
        self.load()
        cookie = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        url = (self.base.replace("http", "ws", 1) + f"/jupyter/api/kernels/{self.kernel_id}"
               f"/channels?session_id={self.page_id}")
        self.ws = connect(url, additional_headers={**self.extra, "Cookie": cookie,
                                              "Origin": self.origin},
                          open_timeout=TIMEOUT, max_size=None,
                          ping_interval=None).__enter__()  # closed below; no keepalive
        # pings: on a loaded machine a late pong closed the phone (1011) mid-test
        control = str(uuid.uuid4())
        self._send("comm_open", {"comm_id": control, "target_name": "solara.control",
                                 "data": {}})
        self._send("comm_msg", {"comm_id": control, "data": {
            "method": "run", "args": {"path": "", "appName": "__default__"}}})
        self.wait_for(lambda: self.find("ButtonModel", description="Join"))
        return self

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
        self.http.close()

    # -- the widgets ---------------------------------------------------------------------
    def find(self, model: str, **state: object) -> str | None:
        """The comm id of a widget model whose state has ``state`` (the last one made)."""
        found = [cid for cid, s in self.models.items() if s.get("_model_name") == model
                 and all(s.get(k) == v for k, v in state.items())]
        return found[-1] if found else None

    def texts(self) -> str:
        """Every HTML widget's text, as the page shows it now."""
        return "\n".join(str(s.get("value", "")) for s in self.models.values()
                         if s.get("_model_name") == "HTMLModel")

    def set(self, comm_id: str, **state: object) -> None:
        self._send("comm_msg", {"comm_id": comm_id, "data": {
            "method": "update", "state": state, "buffer_paths": []}})

    def click(self, comm_id: str) -> None:
        """A click message, as the front-end sends it (whatever the button's state)."""
        self._send("comm_msg", {"comm_id": comm_id, "data": {
            "method": "custom", "content": {"event": "click"}}})

    def join(self, name: str) -> None:
        self.set(self.find("TextModel"), value=name)
        self.click(self.find("ButtonModel", description="Join"))

    def wait_for(self, done: Callable[[], object], timeout: float = TIMEOUT) -> object:
        """Read the server's messages until ``done()`` is true (bounded)."""
        deadline = time.monotonic() + timeout
        while not (found := done()):
            left = deadline - time.monotonic()
            assert left > 0, f"timed out; the page shows:\n{self.texts()[-1500:]}"
            try:
                message = self.ws.recv(timeout=min(left, 2))
            except TimeoutError:
                continue
            self._take(message)
        return found

    def settle(self) -> None:
        """Wait until the server has handled everything sent so far: a kernel_info
        round trip (the kernel answers messages in order)."""
        msg_id = self._send("kernel_info_request", {}, channel="shell")
        self.wait_for(lambda: msg_id in self.replied)

    # -- the wire --------------------------------------------------------------------------
    def _send(self, msg_type: str, content: dict, channel: str = "shell") -> str:
        msg_id = str(uuid.uuid4())
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "session": self.page_id,
                       "username": "phone", "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel,
            "buffers": []}))
        return msg_id

    def _take(self, message: str | bytes) -> None:
        if isinstance(message, bytes):
            return  # binary buffers: no widget this page uses has any
        msg = json.loads(message)
        kind, content = msg["header"]["msg_type"], msg.get("content", {})
        if kind.endswith("_reply"):
            self.replied.add(msg["parent_header"].get("msg_id"))
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.models[content["comm_id"]] = dict(content["data"].get("state", {}))
        elif kind == "comm_msg" and content["comm_id"] in self.models:
            data = content.get("data", {})
            if data.get("method") in ("update", "echo_update"):
                self.models[content["comm_id"]].update(data.get("state", {}))
