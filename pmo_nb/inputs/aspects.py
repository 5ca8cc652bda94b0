"""The aspects of the shipped catalog in every language of pmo_nb, so that a gap's aspect
matches a service's whatever language each was written in.

An aspect is compared by its *key*: the English name of the shipped aspect it is in any
language (``'Competências dos gerentes de projeto'`` -> ``'project manager skills'``), else
its own folded text. A workshop maps the customer's other aspects once
(``ws.map_aspect``).

Examples
--------
>>> aspect_key("Gestão de recursos") == aspect_key("Resource management") == aspect_key(
...     "Ressourcenmanagement")
True
>>> aspect_key("Transparência"), name_in("Resource management", "fr")
('transparencia', 'Gestion des ressources')
"""

from __future__ import annotations

import difflib

from .words import fold

LANGUAGE_COLUMNS = ("en", "pt-BR", "es", "fr", "de")
# the shipped catalog's aspects: en, pt-BR, es, fr, de (then other spellings met in files)
ASPECTS: tuple[tuple[str, ...], ...] = (
    ("Methodology", "Metodologia", "Metodología", "Méthodologie", "Methodik",
     "Methodologie"),
    ("Project manager skills", "Competências dos gerentes de projeto",
     "Competencias de los directores de proyecto", "Compétences des chefs de projet",
     "Kompetenzen der Projektleiter", "Competências dos gerentes de projetos",
     "Competências em gerenciamento de projetos", "Habilidades dos gerentes de projeto"),
    ("Portfolio management", "Gestão de portfólio", "Gestión de la cartera",
     "Gestion de portefeuille", "Portfoliomanagement", "Gestão do portfólio",
     "Gerenciamento de portfólio", "Gestión de portafolio", "Portfolio-Management"),
    ("Governance process", "Processo de governança", "Proceso de gobernanza",
     "Processus de gouvernance", "Governance-Prozess", "Governança"),
    ("Organisational learning", "Aprendizagem organizacional", "Aprendizaje organizacional",
     "Apprentissage organisationnel", "Organisationales Lernen", "Organizational learning"),
    ("Project reporting", "Relatórios de projeto", "Informes de proyecto",
     "Reporting de projet", "Projektberichtswesen", "Relatórios dos projetos"),
    ("Stakeholder engagement", "Engajamento das partes interessadas",
     "Compromiso de las partes interesadas", "Engagement des parties prenantes",
     "Einbindung der Stakeholder"),
    ("Project communication", "Comunicação dos projetos", "Comunicación de los proyectos",
     "Communication des projets", "Projektkommunikation", "Comunicação de projetos"),
    ("Resource management", "Gestão de recursos", "Gestión de recursos",
     "Gestion des ressources", "Ressourcenmanagement", "Gerenciamento de recursos"),
    ("Tools and infrastructure", "Ferramentas e infraestrutura",
     "Herramientas e infraestructura", "Outils et infrastructure",
     "Werkzeuge und Infrastruktur"),
    ("Vendor and contract management", "Gestão de fornecedores e contratos",
     "Gestión de proveedores y contratos", "Gestion des fournisseurs et des contrats",
     "Lieferanten- und Vertragsmanagement"),
)
_KEYS = {fold(name): names[0].casefold() for names in ASPECTS for name in names}


def aspect_key(aspect: object) -> str:
    """The aspect as it is compared: a shipped aspect's English name (lower case) in any
    language, else the aspect folded (accents, case and punctuation set aside)."""
    folded = fold(aspect)
    return _KEYS.get(folded, folded.replace("_", " "))


def mapped_key(aspect: object, mapped: dict[str, str]) -> str:
    """A gap's aspect as the catalog's, compared by key: through the workshop's map of the
    customer's aspects (``ws.aspect_map``: key -> catalog aspect) when it is there.

    >>> mapped_key("Capacitação", {"capacitacao": "Project manager skills"})
    'project manager skills'
    """
    return aspect_key(mapped.get(aspect_key(aspect), aspect))


def name_in(aspect: str, language: str) -> str:
    """A shipped aspect's name in ``language`` (a tag of ``LANGUAGE_COLUMNS``); another
    aspect as it is."""
    key = aspect_key(aspect)
    for names in ASPECTS:
        if names[0].casefold() == key:
            return names[LANGUAGE_COLUMNS.index(language)]
    return aspect


def likely(aspect: str, candidates: list[str]) -> str | None:
    """The candidate (a catalog's aspect) closest to ``aspect`` in any language, or None.

    >>> likely("Competência dos gerentes", ["Methodology", "Project manager skills"])
    'Project manager skills'
    """
    scored = []
    for candidate in candidates:
        key = aspect_key(candidate)
        spellings = [n for names in ASPECTS if names[0].casefold() == key for n in names]
        best = max(difflib.SequenceMatcher(None, fold(aspect), fold(s)).ratio()
                   for s in spellings or [candidate])
        scored.append((best, candidate))
    score, found = max(scored, default=(0.0, None))
    return found if score >= 0.6 else None
