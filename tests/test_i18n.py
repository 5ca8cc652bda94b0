"""The customer's language: every message translated in every language, the same
placeholders in each, the shipped .mo files compiled from the .po files, one translator
per page (never the process's), and Babel's dates, numbers and money."""

from __future__ import annotations

import ast
import datetime as dt
import io
import re
import string

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from conftest import REPO
from pmo_nb.errors import UsageError
from pmo_nb.i18n import LANGUAGES, Translator, check_language, locale_name, negotiate, translator

LOCALE = REPO / "pmo_nb" / "i18n" / "locale"
KEYWORDS = {"_": None, "N_": None, "plural": (1, 2), "Col": (2,)}  # as `make messages` does
OTHERS = [t for t in LANGUAGES if t != "en"]


def _catalog(tag: str):
    with open(LOCALE / locale_name(tag) / "LC_MESSAGES" / "pmo_nb.po", "rb") as po:
        return read_po(po, locale=locale_name(tag))


def _source_messages() -> set[str]:
    found = extract_from_dir(REPO / "pmo_nb", method_map=[("**.py", "python")],
                             keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True)
    return {m[2] if isinstance(m[2], str) else m[2][0] for m in found}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_template_holds_every_message_of_the_code() -> None:
    with open(LOCALE / "pmo_nb.pot", "rb") as pot:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot) if m.id}
    assert _source_messages() == template, "run `make messages`"


def _message_calls_in_fstrings() -> list[str]:
    """Every ``_("...")`` (or ``N_``, ``.plural``) with a literal message written inside an
    f-string: Python 3.11's tokenizer hides f-strings from pybabel, so those messages never
    reach the catalogs and stay English."""
    found = []
    for path in sorted((REPO / "pmo_nb").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for call in ast.walk(node):
                name = getattr(getattr(call, "func", None), "id", None) or \
                    getattr(getattr(call, "func", None), "attr", None)
                if isinstance(call, ast.Call) and name in ("_", "N_", "plural") and \
                        call.args and isinstance(call.args[0], ast.Constant):
                    found.append(f"{path.relative_to(REPO)}:{call.lineno}: {ast.unparse(call)}")
    return found


def test_no_message_hides_inside_an_f_string() -> None:
    assert _message_calls_in_fstrings() == []


@pytest.mark.parametrize("tag", OTHERS)
def test_every_message_is_translated(tag: str) -> None:
    catalog = _catalog(tag)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert _source_messages() - ids == set(), "run `make messages`, then translate"
    untranslated = [m.id for m in catalog if m.id and (
        "fuzzy" in m.flags or not all(m.string if isinstance(m.string, tuple) else
                                      [m.string]))]
    assert untranslated == []


@pytest.mark.parametrize("tag", OTHERS)
def test_translations_keep_the_placeholders(tag: str) -> None:
    wrong = []
    for m in _catalog(tag):
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        wanted = set().union(*map(_fields, ids))
        wrong += [(m.id, s) for s in strings if _fields(s) != wanted]
    assert wrong == []


@pytest.mark.parametrize("tag", OTHERS)
def test_the_shipped_mo_file_is_compiled_from_the_po_file(tag: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(tag))
    compiled.seek(0)
    with open(LOCALE / locale_name(tag) / "LC_MESSAGES" / "pmo_nb.mo", "rb") as shipped:
        have = _pairs(read_mo(shipped))
    assert have == _pairs(read_mo(compiled)), "run `make messages`"


def _pairs(catalog) -> dict:
    return {_key(m.id): _key(m.string) for m in catalog if m.id}


def _key(value: object) -> object:
    return value if isinstance(value, str) else tuple(value)


def test_each_page_has_its_own_language_and_the_process_none() -> None:
    pt, de = translator("pt-BR"), Translator("de")
    assert (pt("Next"), de("Next"), translator("en")("Next")) == ("Próxima", "Weiter", "Next")
    assert pt.plural("{gap}: {count} service", "{gap}: {count} services", 1, gap="G-01") \
        == "G-01: 1 serviço"
    code = "\n".join(p.read_text() for p in (REPO / "pmo_nb").rglob("*.py"))
    assert not re.search(r"(?<!`)\bgettext\.install\(", code)  # words in a docstring: fine


def test_languages_by_any_spelling_and_the_browsers_wish() -> None:
    assert [check_language(t) for t in ("PT_br", "pt", "es-MX", "fr-CA", "de-DE", "EN-gb")] \
        == ["pt-BR", "pt-BR", "es", "fr", "de", "en"]
    with pytest.raises(UsageError, match=r"^'xx' is not a language of pmo_nb; choose one of: "
                                         r"en, pt-BR, es, fr, de \(see docs/languages.md"):
        check_language("xx")
    assert negotiate("pt-BR,pt;q=0.9,en;q=0.8", "de") == "pt-BR"
    assert negotiate("ja,zh;q=0.9", "de") == "de"
    assert negotiate("en;q=0.2,fr;q=0.8", "pt-BR") == "fr"
    assert negotiate("fr;q=0,*;q=0.5", "es") == "es"
    assert negotiate("", "es") == negotiate("bogus;q=x", "es") == "es"


def test_dates_numbers_and_money_in_the_locale() -> None:
    day = dt.date(2026, 12, 7)
    assert [translator(t).date(day) for t in LANGUAGES] == [
        "7 December 2026", "7 de dezembro de 2026", "7 de diciembre de 2026",
        "7 décembre 2026", "7. Dezember 2026"]
    pt, de, en = translator("pt-BR"), translator("de"), translator("en")
    assert pt.money(300, "BRL") == "R$\xa0300 mil"
    assert pt.money(1234.5, "BRL") == "R$\xa01.234,5 mil"
    assert de.money(1234.5, "EUR") == "1.234,5 Tsd.\xa0€"
    assert en.money(300, "USD") == "$300 thousand"
    assert pt.money(1234.5, "mil R$") == "1.234,5 mil R$"  # a free label, as before
    assert en.money(None, "BRL") == "" and pt.number(float("nan")) == ""
    assert (de.percent(0.425), en.percent(0.425)) == ("42\xa0%", "42%")
