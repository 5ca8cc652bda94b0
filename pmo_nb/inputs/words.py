"""The customer's words in any of pmo_nb's languages: column headers, levels and choices.

A header or a level is compared *folded*: accents, case, outer spaces, punctuation and
the difference between spaces, hyphens and underscores set aside (``'Situação atual'``
and ``'situacao_atual'`` are one header). The words below are what customers write in
English, Brazilian Portuguese, Spanish, French and German; add a language's words here
when adding the language (docs/languages.md).
"""

from __future__ import annotations

import re
import unicodedata

MAX_HEADER_CHARS = 200
# folded header -> column name, for each column of the gaps and the catalog
_HEADERS = {
    "gap_id": "id gap id_gap lacuna id_lacuna id_da_lacuna codigo codigo_da_lacuna "
              "brecha id_brecha id_de_brecha codigo_de_brecha ecart id_ecart id_de_l_ecart "
              "lucke luecke lucken_id luecken_id id_lucke id_der_lucke",
    "aspect": "aspecto aspect aspekt dimensao dimension",
    "current_state": "current situacao_atual estado_atual situacion_actual estado_actual "
                     "situation_actuelle etat_actuel ist_zustand istzustand "
                     "aktueller_zustand ist_situation",
    "future_state": "future target situacao_desejada estado_desejado situacao_futura "
                    "estado_futuro situacion_deseada estado_deseado situacion_futura "
                    "situation_souhaitee etat_souhaite etat_cible situation_cible "
                    "soll_zustand sollzustand zielzustand soll_situation",
    "description": "descricao descripcion beschreibung",
    "size": "tamanho tamano taille grosse groesse umfang",
    "priority": "prioridade prioridad priorite prioritat prioritaet",
    "pmo_role": "papel_do_pmo papel_do_escritorio_de_projetos rol_de_la_pmo "
                "rol_de_la_oficina_de_proyectos role_du_pmo rolle_des_pmo rolle_pmo",
    "other_owner": "outro_responsavel responsavel otro_responsable responsable "
                   "autre_responsable responsable_externe anderer_verantwortlicher "
                   "verantwortlich owner",
    "service_id": "id_do_servico id_servico id_del_servicio id_servicio id_du_service "
                  "id_service leistungs_id id_leistung",
    "name": "nome nombre nom bezeichnung",
    "category": "categoria categorie kategorie",
    "tier": "nivel niveau stufe",
    "aspects": "aspectos aspekte",
    "cost": "custo costo cout kosten",
    "lead_time_months": "prazo_meses prazo_em_meses plazo_meses plazo_en_meses "
                        "delai_mois delai_en_mois vorlaufzeit_monate dauer_monate",
}
HEADER_WORDS: dict[str, str] = {word: name for name, words in _HEADERS.items()
                                for word in words.split()}

# folded word -> level, for size and priority
_LEVELS = {
    "H": "h high alta alto elevada elevado elevee eleve haute haut forte fort hoch "
         "gross grande grand",
    "M": "m medium med media medio mediana mediano moyenne moyen mittel mittlere mittlerer",
    "L": "l low baixa baixo baja bajo faible basse bas niedrig gering pequena pequeno "
         "petite petit klein",
}
LEVEL_WORDS: dict[str, str] = {word: level for level, words in _LEVELS.items()
                               for word in words.split()}

# folded word -> choice, for the pmo_role and tier columns (the English ones stay)
CHOICE_WORDS: dict[str, str] = {
    **dict.fromkeys("fechar fechada cerrar combler fermer schliessen".split(), "close"),
    **dict.fromkeys("parcial partiel partielle teilweise".split(), "partial"),
    **dict.fromkeys("nenhum nenhuma ninguno ninguna aucun aucune keine kein".split(), "none"),
    **dict.fromkeys("basico basica basique base basis grundlegend".split(), "basic"),
    **dict.fromkeys("avancado avancada avanzado avanzada avance avancee "
                    "fortgeschritten erweitert".split(), "advanced"),
}


def fold(text: object) -> str:
    """A word as it is compared: no accents, case, punctuation; ``_`` between words.

    Examples
    --------
    >>> fold(" Situação  atual* "), fold("Größe"), fold("Élevé"), fold("Gap-ID")
    ('situacao_atual', 'grosse', 'eleve', 'gap_id')
    """
    text = unicodedata.normalize("NFKD", str(text).replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return "_".join(re.findall(r"[^\W_]+", text))


def column_name(header: object, names: frozenset[str] | set[str]) -> str | None:
    """The column of ``names`` a header means, in any of pmo_nb's languages, else None.

    >>> column_name("Situação atual", {"current_state", "aspect"}), column_name("Notes", {"aspect"})
    ('current_state', None)
    """
    text = str(header)
    if len(text) > MAX_HEADER_CHARS:  # no header is this long (and folding it costs memory)
        return None
    word = fold(text)
    if word in names:
        return word
    found = HEADER_WORDS.get(word)
    return found if found in names else None
