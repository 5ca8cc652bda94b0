"""The customer's file as it came: a title above the header, headers and level words in
Portuguese (or Spanish, French, German), extra columns that keep their types."""

from __future__ import annotations

import datetime as dt
import warnings

import openpyxl
import pandas as pd
import pytest

import pmo_nb
from pmo_nb.errors import PmoWarning

HEADER = ["ID", "Aspecto", "Situação atual", "Situação desejada", "Descrição", "Tamanho",
          "Prioridade", "Data de abertura", "Valor estimado (R$ mil)"]
ROWS = [
    ["G-01", "Competências dos gerentes de projeto", "Sem formação", "Trilha para todos",
     "", "Alta", "Alta", dt.datetime(2026, 3, 2), 1234.5],
    ["G-02", "Comunicação dos projetos", "Relatórios atrasados", "Relatório semanal",
     "Diretoria pede", "média", "BAIXA", dt.datetime(2026, 4, 15), 80],
    ["G-03", "Gestão de recursos", "Conflitos de alocação", "Um só banco de recursos",
     "", "Baixa", "Média", None, None],
]


def brazilian_xlsx(path):
    """The city's file: a merged title in row 1, a blank row, the header in row 3."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Levantamento de lacunas — PMO 2026"])
    sheet.merge_cells("A1:I1")
    sheet.append([])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


def test_the_brazilian_file_opens_as_it_came(tmp_path):
    path = brazilian_xlsx(tmp_path / "lacunas.xlsx")
    with pytest.warns(PmoWarning) as said:
        gaps = pmo_nb.load_gaps(path)
    assert str(said[0].message) == ("lacunas.xlsx: row 1 above the header was skipped (a "
                                    "title?); row 3 is taken as the header.")
    assert gaps["gap_id"].tolist() == ["G-01", "G-02", "G-03"]
    assert gaps["size"].tolist() == ["H", "M", "L"] and gaps["priority"].tolist() == \
        ["H", "L", "M"]
    assert gaps["current_state"][0] == "Sem formação" and gaps["description"][1] == \
        "Diretoria pede"
    # the extra columns keep the customer's header and their types
    assert list(gaps.columns)[-2:] == ["Data de abertura", "Valor estimado (R$ mil)"]
    assert gaps["Data de abertura"][0] == dt.datetime(2026, 3, 2)
    assert gaps["Valor estimado (R$ mil)"].tolist()[:2] == [1234.5, 80]


def test_extra_columns_keep_their_types_in_the_session_and_the_exports(tmp_path):
    gaps = brazilian_xlsx(tmp_path / "lacunas.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PmoWarning)
        ws = pmo_nb.Workshop.open(tmp_path / "s.sqlite", gaps=gaps, catalog="data/catalog.csv",
                                  language="pt-BR")
    saved = ws.gaps
    assert pd.api.types.is_datetime64_any_dtype(saved["Data de abertura"])
    assert saved["Valor estimado (R$ mil)"].tolist()[:2] == [1234.5, 80]
    ws.export_xlsx(tmp_path / "record.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "record.xlsx")["gaps"]
    header = [c.value for c in sheet[1]]
    date_cell = sheet.cell(2, header.index("Data de abertura") + 1).value
    amount = sheet.cell(2, header.index("Valor estimado (R$ mil)") + 1).value
    assert isinstance(date_cell, dt.datetime) and amount == 1234.5


@pytest.mark.parametrize(("header", "words", "levels"), [
    (["ID", "Aspecto", "Estado actual", "Estado deseado", "Tamaño", "Prioridad"],
     ["Alta", "Media", "Baja"], ["H", "M", "L"]),
    (["ID", "Aspect", "Situation actuelle", "Situation souhaitée", "Taille", "Priorité"],
     ["Élevé", "Moyen", "Faible"], ["H", "M", "L"]),
    (["Lücken-ID", "Aspekt", "Ist-Zustand", "Soll-Zustand", "Größe", "Priorität"],
     ["Hoch", "Mittel", "Niedrig"], ["H", "M", "L"]),
])
def test_headers_and_level_words_in_every_language(tmp_path, header, words, levels):
    lines = [";".join(header)] + [
        f"G-0{i};Aspect {i};a;b;{w};{w.upper()}" for i, w in enumerate(words, 1)]
    path = tmp_path / "gaps.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    gaps = pmo_nb.load_gaps(path)
    assert gaps["size"].tolist() == levels and gaps["priority"].tolist() == levels


def test_a_title_line_above_a_csv_header_is_skipped_and_said(tmp_path):
    path = tmp_path / "lacunas.csv"
    path.write_text("Levantamento de lacunas — PMO 2026\n\nID,Aspecto,Situação atual,"
                    "Situação desejada,Tamanho,Prioridade\nG-01,X,a,b,Alta,Baixa\n",
                    encoding="utf-8")
    with pytest.warns(PmoWarning, match=r"row 1 above the header was skipped \(a title\?\); "
                                        r"row 3 is taken as the header"):
        gaps = pmo_nb.load_gaps(path)
    assert gaps[["size", "priority"]].values.tolist() == [["H", "L"]]


def test_a_missing_column_names_the_row_taken_as_the_header(tmp_path):
    path = tmp_path / "lacunas.csv"
    path.write_text("Levantamento\nID,Aspecto,Situação atual,Tamanho\nG-01,X,a,Alta\n",
                    encoding="utf-8")
    with pytest.warns(PmoWarning), pytest.raises(pmo_nb.DataError) as err:
        pmo_nb.load_gaps(path)
    assert "row 2, column 'future_state': required column is missing (the header row has: " \
           "gap_id, aspect, current_state, size)." in str(err.value)


def _brazilian_workshop(tmp_path, catalog="data/catalog.csv", aspect=None):
    gaps = brazilian_xlsx(tmp_path / "lacunas.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PmoWarning)
        frame = pmo_nb.load_gaps(gaps)
    if aspect:
        frame.loc[2, "aspect"] = aspect
    return pmo_nb.Workshop.open(tmp_path / "s.sqlite", gaps=frame, catalog=catalog,
                                language="pt-BR")


def test_the_brazilian_aspects_match_the_catalogs_so_suggestions_work(tmp_path):
    ws = _brazilian_workshop(tmp_path)
    assert ws.unmapped_aspects() == []
    top = ws.suggest("G-01").iloc[0]
    assert top["reason"] == "made for Competências dos gerentes de projeto"
    assert "Project manager skills" in top["aspects"]
    assert ws.suggest("G-03")["reason"].str.startswith("made for").sum() >= 1


def test_an_aspect_of_the_customers_own_is_mapped_once_and_undone(tmp_path):
    ws = _brazilian_workshop(tmp_path, aspect="Alocação de pessoas")
    assert ws.unmapped_aspects() == ["Alocação de pessoas"]
    assert not ws.suggest("G-03")["reason"].str.startswith("made for").any()
    with pytest.raises(pmo_nb.UsageError, match=r"^map_aspect: 'Alocação' is not an aspect of "
                                                r"the catalog; choose one of: Methodology, "):
        ws.map_aspect("Alocação de pessoas", "Alocação")
    ws.map_aspect("Alocação de pessoas", "Gestão de recursos")  # the catalog's, in Portuguese
    assert ws.unmapped_aspects() == []
    assert ws.suggest("G-03")["reason"][0] == "made for Resource management"
    assert ws.history["action"].iloc[-1] == "map aspect"
    assert ws.undo() == "map aspect" and ws.unmapped_aspects() == ["Alocação de pessoas"]


@pytest.mark.parametrize("tag", ["pt-BR", "es", "fr", "de"])
def test_the_shipped_catalog_in_every_language_has_the_same_services(tag):
    from pmo_nb.inputs.aspects import aspect_key
    from pmo_nb.resources import default_catalog

    english, other = pmo_nb.load_catalog("data/catalog.csv"), pmo_nb.load_catalog(
        default_catalog(tag))
    same = ["service_id", "tier", "cost", "lead_time_months"]
    pd.testing.assert_frame_equal(english[same], other[same])
    keys = [[aspect_key(a) for a in cell.split(";")] for cell in other["aspects"]]
    assert keys == [[aspect_key(a) for a in cell.split(";")] for cell in english["aspects"]]
    assert (english["name"] != other["name"]).mean() > 0.9  # names in that language
    assert other["category"].nunique() == english["category"].nunique()


def test_a_portuguese_gap_gets_suggestions_from_the_portuguese_catalog(tmp_path):
    ws = _brazilian_workshop(tmp_path, catalog="data/catalog.pt-BR.csv")
    assert ws.unmapped_aspects() == []
    top = ws.suggest("G-01").iloc[0]
    assert top["reason"].startswith("made for") and "Competências" in top["aspects"]
