"""``Pipeline``: set the stages up once, then clean any number of documents with them."""

from __future__ import annotations

from typing import Any

import regex

from .document import Document, Edit, Segment
from .options import Options, make_options
from .registry import build
from .stages.decode import decode

FORMATS_BY_SUFFIX = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


class Pipeline:
    """Reusable: rules, glossaries and converters are loaded once, in the constructor.

    >>> p = Pipeline(spam="mask")
    >>> result = p.clean("English，with a comma。")
    >>> result.text, result.changes, result.flags, result.segments
    """

    def __init__(self, options: Options | None = None, **overrides: Any):
        self.options = make_options(options, **overrides)
        self.stages = build(self.options)

    def clean(self, text: str, *, source: str = "-", format: str | None = None) -> Document:
        """Clean decoded text. The result carries ``text``, ``changes``, ``flags`` and ``segments``."""
        doc = Document(text, source=source, format=format or self.options.input_format or "text")
        return self.run(doc)

    def clean_bytes(self, data: bytes, *, source: str = "-", format: str | None = None) -> Document:
        """Decode (raises ``DecodeError``) and clean; decode problems become flags."""
        decoded = decode(data)
        doc = Document(decoded.text, source=source, format=format or self.options.input_format or "text")
        doc.stats["encoding"] = decoded.encoding
        for offset, message in decoded.problems:
            doc.flag("decode", "invalid-utf8", offset, offset + 1, message)
        return self.run(doc)

    def run(self, doc: Document) -> Document:
        doc.stats.setdefault("input_chars", len(doc.text))
        replace_lone_surrogates(doc)
        for _name, run in self.stages:
            run(doc)
        if not doc.segments and doc.text:
            doc.segments = [Segment(0, len(doc.text), "other")]
        doc.flags.sort(key=lambda f: (f.start, f.end))
        return doc


_SURROGATE = regex.compile("[\ud800-\udfff]")


def replace_lone_surrogates(doc: Document) -> None:
    """A ``str`` given to the API can hold lone surrogates (half of a UTF-16 pair, a file name's
    undecodable byte): no encoding can write them and the word automata refuse them. Each becomes
    U+FFFD, as a recorded change (``decode/lone-surrogate``), so that the replay law holds. Decoded
    files never hold one."""
    if _SURROGATE.search(doc.text):
        doc.apply("decode", [Edit(m.start(), m.end(), "\ufffd", "lone-surrogate")
                             for m in _SURROGATE.finditer(doc.text)])


def clean(text: str, **options: Any) -> Document:
    """Clean one text with a one-off pipeline. Use ``Pipeline`` to clean many."""
    return Pipeline(**options).clean(text)


def format_for(path: str, options: Options) -> str:
    """The input format of a file: ``--input-format`` or its suffix, plain text otherwise."""
    if options.input_format:
        return options.input_format
    dot = path.rfind(".")
    return FORMATS_BY_SUFFIX.get(path[dot:].lower(), "text") if dot >= 0 else "text"
