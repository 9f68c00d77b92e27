"""Width of letters, digits and symbols: full-width forms become half-width everywhere.

Rules (each a change record, each can be switched off with ``--disable RULE``):
- ``fullwidth-alnum``: full-width Latin letters and digits (``２０２４`` -> ``2024``, ``ＣＢＤ`` -> ``CBD``),
  and a full-width full stop ``．`` between two of them (``３．５`` -> ``3.5``).
- ``fullwidth-symbol``: the full-width symbols listed in ``rules/normalize.toml`` (``％`` -> ``%``).

Punctuation that has a Chinese and an English form (``，`` / ``,``, ``（`` / ``(``, quotes) is not this
stage's business: the punctuation stage decides it by language. U+3000 is a space: the spacing stage
decides it.
"""

from __future__ import annotations

import unicodedata
from typing import Callable

import regex

from ..document import Document, Edit
from ..options import Options
from ..typography import load_conventions, protect_urls

NAME = "width"
RULES = ("fullwidth-alnum", "fullwidth-symbol")
CONTEXT = "paragraph"  # works line by line: large files can be cleaned piece by piece

_ALNUM = regex.compile(r"[０-９Ａ-Ｚａ-ｚ]+(?:．[０-９Ａ-Ｚａ-ｚ]+)*+")
_STOP_BETWEEN = regex.compile(r"(?<=[0-9A-Za-z０-９Ａ-Ｚａ-ｚ])．(?=[0-9A-Za-z０-９Ａ-Ｚａ-ｚ])")


def setup(options: Options) -> Callable[[Document], None]:
    conventions = load_conventions(options.rules)
    symbols = regex.compile("[" + regex.escape(conventions.fullwidth_symbols) + "]") \
        if conventions.fullwidth_symbols else None
    on = options.enabled

    def run(doc: Document) -> None:
        if not _has_fullwidth(doc.text):
            return
        protect_urls(doc)
        if on("fullwidth-alnum"):
            doc.apply(NAME, alnum_edits(doc.text))
        if symbols is not None and on("fullwidth-symbol"):
            doc.apply(NAME, (Edit(m.start(), m.end(), _half(m.group()), "fullwidth-symbol")
                             for m in symbols.finditer(doc.text)))

    return run


def _has_fullwidth(text: str) -> bool:
    # The whole block U+FF01-U+FF5E: a cheap test that lets most documents skip the stage.
    return regex.search(r"[\uff01-\uff5e]", text) is not None


def _half(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def alnum_edits(text: str) -> list[Edit]:
    edits = [Edit(m.start(), m.end(), _half(m.group()), "fullwidth-alnum") for m in _ALNUM.finditer(text)]
    # A full stop next to an ASCII letter or digit (``３．5``, ``3．5``): not inside a match above.
    inside = {m.start() + i for m in _ALNUM.finditer(text) for i, c in enumerate(m.group()) if c == "．"}
    for m in _STOP_BETWEEN.finditer(text):
        if m.start() not in inside:
            edits.append(Edit(m.start(), m.end(), ".", "fullwidth-alnum"))
    return edits
