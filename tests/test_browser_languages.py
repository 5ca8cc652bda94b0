"""Two phones on one `pmo-nb serve`, one in Brazilian Portuguese and one in German, each
see their own language (their browser's), on a workshop held in Spanish. Set
``PMO_NB_SCREENSHOTS=docs`` to write the screenshots to docs/."""

from __future__ import annotations

from pathlib import Path

import pytest

import pmo_nb
from conftest import (
    ARGS,
    BIN,
    CHROMIUM,
    NEEDS_CHROMIUM,
    free_port,
    join_url,
    open_voila,
    render,
    screenshot_path,
    server,
    voila_command,
)
from pmo_nb import cli

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
GAPS = ["G-05", "G-01"]
# what each phone reads: its join heading, its question, where it is, the saved mark
WORDS = {"pt-BR": ("Participe da votação", "Quais serviços fechariam estas lacunas?",
                   "Lacuna 1 de 2", "salvo ✓"),
         "de": ("Zur Abstimmung", "Welche Leistungen würden diese Lücken schließen?",
                "Lücke 1 von 2", "gespeichert ✓")}


def phone(browser: object, url: str, locale: str, name: str) -> object:
    page = browser.new_context(locale=locale, **PHONE).new_page()
    page.set_default_timeout(90_000)
    page.goto(url)
    page.locator(".pmo-participant input[type=text]").fill(name)
    return page


def test_two_phones_on_one_server_each_in_its_own_language(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ws = pmo_nb.Workshop.open(tmp_path / "s.sqlite", gaps="data/sample_gaps.csv",
                              catalog="data/catalog.csv", language="es")
    port = free_port()
    serve = [str(BIN / "pmo-nb"), "serve", str(ws.path), "--port", str(port)]
    with server(serve, tmp_path, f"http://127.0.0.1:{port}/readyz"), sync_playwright() as p:
        url = join_url(tmp_path / "server.log")
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            phones = {"pt-BR": phone(browser, url, "pt-BR", "Ana"),
                      "de": phone(browser, url, "de-DE", "Jonas")}
            for tag, page in phones.items():
                heading, _, _, _ = WORDS[tag]
                page.locator(".pmo-participant", has_text=heading).wait_for()
                assert page.evaluate("document.documentElement.lang") == tag
            phones["pt-BR"].get_by_role("button", name="Entrar").click()
            phones["de"].get_by_role("button", name="Beitreten").click()
            for page in phones.values():
                page.locator(".pmo-sticky").wait_for()
            ws.open_vote("services", GAPS)
            for tag, page in phones.items():
                _, question, where, saved = WORDS[tag]
                page.locator(".pmo-participant", has_text=question).wait_for()
                page.locator(".pmo-participant", has_text=where).wait_for()
                page.locator(".pmo-vote-svc-S-COMM-PLANS input").first.click()
                page.locator(".pmo-sticky", has_text=saved).wait_for()
                page.screenshot(path=screenshot_path(tmp_path, f"phone-{tag}.png"))
            text = phones["pt-BR"].locator(".pmo-participant").first.inner_text()
            assert "Hoje" in text and "Meta" in text and "Próxima" in text
            assert "Which" not in text and "Next" not in text
        finally:
            browser.close()
    assert ws.vote_progress()["answered"].tolist() == [1, 1]


LAPTOP = {"viewport": {"width": 1280, "height": 800}}
BRAZIL = "\n".join([
    "ID;Aspecto;Situação atual;Situação desejada;Tamanho;Prioridade",
    "L-01;Competências dos gerentes de projeto;"
    "Gerentes sem formação em gestão de projetos;"
    "Trilha de formação para todos os gerentes;Alta;Alta",
    "L-02;Comunicação dos projetos;Secretarias sabem das entregas pela imprensa;"
    "Calendário de entregas e reunião mensal;Média;Alta",
    "L-03;Gestão de recursos;Técnicos alocados em três projetos ao mesmo tempo;"
    "Um só banco de recursos da prefeitura;Alta;Média",
    "L-04;Gestão de portfólio;Projetos aprovados sem critério comum;"
    "Critérios de priorização publicados;Média;Média",
])


def test_the_workshop_panel_and_the_record_in_portuguese(copy: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    gaps = tmp_path / "lacunas.csv"
    gaps.write_text("Levantamento de lacunas — Prefeitura 2026\n" + BRAZIL + "\n", encoding="utf-8")
    session = copy / "sessions" / "workshop.sqlite"
    with pytest.warns(pmo_nb.PmoWarning, match="row 2 is taken as the header"):
        ws = pmo_nb.Workshop.open(session, gaps=gaps, catalog="data/catalog.csv",
                                  language="pt-BR", title="Prefeitura (demonstração)")
    assert ws.unmapped_aspects() == []
    ws.assign("L-01", "S-TRAIN-PM")
    ws.assign("L-02", "S-COMM-PLANS", "partial")
    ws.close()
    port, token = free_port(), "t0ken"
    app = voila_command("notebooks/workshop.ipynb", port, token)
    with server(app, copy, f"http://127.0.0.1:{port}/voila/static/voila.js"), \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(**LAPTOP).new_page()
            page.set_default_timeout(120_000)
            open_voila(page, f"http://127.0.0.1:{port}/?token={token}", ".pmo-heatmap")
            panel = page.locator(".pmo-panel", has_text="Lista de candidatos").first
            panel.wait_for()
            text = panel.inner_text()
            assert "Próxima" in text and "Desfazer" in text and "Feitos para" in text
            assert "Candidate list" not in text and "Undo" not in text
            panel.screenshot(path=screenshot_path(tmp_path, "workshop-pt-BR.png"))
        finally:
            browser.close()
    out = tmp_path / "record"
    assert cli.main(["record", "--session", str(session), "--out", str(out), "--budget",
                     "300", "--currency", "BRL"]) == 0
    drawn, problems = render(out / "record.html", screenshot_path(tmp_path, "record-pt-BR.png"))
    assert drawn and problems == []
