"""The backend interface and what every backend shares.

``translate(units, source, target, glossary) -> list[Translation]``: one translation per unit, in the
same order, each with its origin (``memory``, ``mt`` or ``llm``). A backend never pairs by guesswork: when
it cannot tell which output belongs to which unit it raises ``TranslationError``.

Backends by name (``--translator``): ``none`` (nothing is translated), ``ct2`` (CTranslate2 models, see
``ct2.py``) and ``openai`` (OpenAI-compatible chat endpoints, see ``openai_compat.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

import regex

from ..glossary import Glossary, Term
from .units import Unit

NAMES = ("none", "ct2", "openai")
ORIGINS = ("memory", "mt", "llm")
DIRECTIONS = (("zh", "en"), ("en", "zh"))


class TranslationError(Exception):
    """A backend failed for this document (the batch goes on with the next one).

    ``partial``: what was translated before the failure, one entry per unit asked for (None where there
    is no translation), so that the work done is kept (in the memory, and in the document) and only the
    rest is marked untranslated."""

    def __init__(self, message: str, partial: Sequence[Translation | None] = ()):
        super().__init__(message)
        self.partial: list[Translation | None] = list(partial)


@dataclass(frozen=True)
class Translation:
    text: str
    origin: str  # memory | mt | llm


class Backend(Protocol):
    name: str  # ct2 | openai
    model_id: str  # what the translation memory keys on besides the backend

    def translate(self, units: Sequence[Unit], source: str, target: str,
                  glossary: Glossary) -> list[Translation]: ...


_SURROGATE = regex.compile("[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """A backend's answer as text that can be stored and written: a lone surrogate (a JSON ``\\ud800``
    escape from a model) becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def required_terms(text: str, source: str, glossary: Glossary) -> list[Term]:
    """The glossary terms that occur in a source text (in either language)."""
    if not glossary:
        return []
    if source == "zh":
        return glossary.required_in(text)
    return [t for t in glossary.terms if any(_contains(text, form, t) for form in (t.en, *t.variants))]


def missing_terms(translation: str, terms: Sequence[Term], target: str) -> tuple[str, ...]:
    """The required terms whose canonical form the translation does not contain."""
    wanted = (t.en if target == "en" else t.zh for t in terms)
    return tuple(dict.fromkeys(w for w, t in zip(wanted, terms) if not _contains(translation, w, t)))


def check_terms(texts: Sequence[str], translations: Sequence[str], source: str, target: str,
                glossary: Glossary) -> list[tuple[str, ...]]:
    """For each pair, the glossary terms the translation misses."""
    return [missing_terms(out, required_terms(src, source, glossary), target)
            for src, out in zip(texts, translations)]


def _contains(text: str, form: str, term: Term) -> bool:
    if regex.search(r"\p{Han}", form):
        return form in text
    flags = 0 if term.case == "exact" else regex.IGNORECASE
    # Whole words: "Work Committee" is not in "Workers Committee".
    return regex.search(r"(?<![\p{L}\p{N}])" + regex.escape(form) + r"(?![\p{L}\p{N}])", text, flags) is not None
