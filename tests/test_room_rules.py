"""Issue #32, the rules that need no server: names that look like another's (row 6),
forwarded headers only from the trusted proxy (row 7), every handler of the participant's
page checks its own control (row 8), the QR code beside the session as named (row 9), and
every option of `pmo-nb serve` documented. The server's side: test_room_security.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import pmo_nb
from conftest import REPO
from pmo_nb import cli
from pmo_nb.app import _room_limits, serve
from pmo_nb.session.names import clean_name
from pmo_nb.ui import ParticipantPage

GAPS = ["G-05", "G-06"]


# -- 6: names that look like another's ----------------------------------------------------
@pytest.mark.parametrize("typed", ["An\u200bna", "An\u200dna", "\u202eAnna", "\u0410nna",
                                   "Ann\u0430", "ＡＮＮＡ", "anna"])
def test_6_a_lookalike_of_a_name_in_the_room_is_kept_apart(ws, typed) -> None:
    pmo_nb.Participant.join(ws.path, "Anna").close()
    other = pmo_nb.Participant.join(ws.path, typed)
    other.close()
    assert other.name.endswith(" (2)") and other.name != "Anna"
    assert not any(ch in other.name for ch in "\u200b\u200d\u202e")
    assert len(ws.participants) == 2


@pytest.mark.parametrize("typed", ["\u200b\u200d", "\u202e\u2066", " \u3164 ", "\ufe0f"])
def test_6_a_name_of_invisible_characters_only_is_anonymous(ws, typed) -> None:
    p = pmo_nb.Participant.join(ws.path, typed)
    p.close()
    assert p.name.startswith("anonymous-")


def test_6_names_are_saved_in_nfc() -> None:
    assert clean_name("Jose\u0301") == "Jos\u00e9"


def test_7_forwarded_headers_count_only_from_the_trusted_proxy() -> None:
    forged = {"client": ("10.0.0.9", 4000), "scheme": "http",
              "headers": [(b"x-forwarded-proto", b"https"), (b"x-forwarded-for", b"1.1.1.1")]}
    assert _room_limits.client_of(forged, frozenset({"10.0.0.1"})) == ("10.0.0.9", False)
    assert _room_limits.client_of(forged, frozenset({"10.0.0.9"})) == ("1.1.1.1", True)


def test_8_every_handler_checks_its_own_control(ws) -> None:
    ws.open_vote("priority", GAPS)
    page = ParticipantPage(ws.path)
    page.join_button.disabled = True  # e.g. no session yet
    page.join_button.click()
    assert ws.participants == []
    page.join_button.disabled = False
    page.name.value = "Ann"
    page.join_button.click()
    page.join_button.click()  # after joining, the form is gone: a second click is void
    assert ws.participants == ["Ann"]
    page.prev_button.click()  # disabled on the first gap
    page.next_button.click()
    page.next_button.click()
    assert "Gap 2 of 2" in page.position.value and "Unexpected" not in page.status.value
    ws.reveal()
    page.refresh()
    page.level.value = "H"  # sent to the hidden control after Reveal
    assert "Unexpected" not in page.status.value and ws.vote_results()["answered"].sum() == 0


# -- 9: the QR code where the facilitator can find it ---------------------------------------
def test_9_the_qr_code_goes_beside_the_session_as_named_not_a_symlinks_target(tmp_path) -> None:
    elsewhere, here = tmp_path / "elsewhere", tmp_path / "here"
    elsewhere.mkdir(), here.mkdir()
    (elsewhere / "real.sqlite").write_bytes(b"")
    (here / "acme.sqlite").symlink_to(elsewhere / "real.sqlite")
    png = serve.qr_path(str(here / "acme.sqlite"))
    assert png == here / "acme-join.png"
    (here / "acme-join.png").symlink_to(elsewhere / "planted.png")  # a link planted there
    serve.qr_code("http://127.0.0.1:9/?token=t", png)
    assert not png.is_symlink() and png.read_bytes()[:4] == b"\x89PNG"
    assert list(elsewhere.iterdir()) == [elsewhere / "real.sqlite"]


def test_every_option_of_serve_is_in_the_rooms_docs() -> None:
    parser = cli._parser()
    serve_parser = parser._subparsers._group_actions[0].choices["serve"]
    options = [o for a in serve_parser._actions for o in a.option_strings if o.startswith("--")
               and o != "--help"]
    room_md = (REPO / "docs" / "room.md").read_text()
    assert options and [o for o in options if f"`{o}" not in room_md] == []



def test_every_front_end_file_the_page_may_use_is_installed() -> None:
    from solara.server import settings

    from pmo_nb.app import _room_guard as guard

    root = Path(settings.assets.proxy_cache_dir)
    assert [f for f in guard.CDN_FILES if not (root / f).is_file()] == []
    for folder in guard.CDN_FONT_DIRS:
        assert any(p.suffix in guard.FONTS for p in (root / folder).iterdir()), folder
