"""Writers at the end of the pipeline: a cleaned document in the requested output format.

``text`` is the cleaned text; ``markdown`` and ``html`` are documents built from its blocks (with
``--bilingual``: both languages side by side); ``jsonl``, ``tmx`` and ``xliff`` are its translation units.
The builders live in ``pipeline/bilingual.py``, imported by the runs that write one of their formats
(with lxml, about 10 ms of a start).
"""

from __future__ import annotations

from typing import Callable

from .document import Document
from .files import UsageError
from .options import Options

SUFFIXES = {"text": ".txt", "markdown": ".md", "html": ".html", "jsonl": ".jsonl", "tmx": ".tmx", "xliff": ".xlf"}

Writer = Callable[[Document, Options], str]


def _same_format(doc: Document) -> str:
    return doc.text


def _plain_text(doc: Document, options: Options) -> str:
    """Plain text stays as it is; Markdown and HTML give their cleaned prose, block by block."""
    if options.bilingual:
        return _built("bilingual_text")(doc, options)
    if doc.format == "markdown":
        from .formats.markdown_doc import default_parser, markdown_to_text

        return markdown_to_text(default_parser(), doc.text)
    if doc.format == "html":
        from .formats.html_doc import html_to_text

        return html_to_text(doc.text)
    return doc.text


def _built(name: str) -> Writer:
    """The builder ``name`` of pipeline/bilingual.py, imported when first called."""

    def write(doc: Document, options: Options) -> str:
        from . import bilingual

        return getattr(bilingual, name)(doc, options)

    return write


WRITERS: dict[str, Writer] = {"text": _plain_text, **{name: _built(name) for name in
                                                      ("markdown", "html", "jsonl", "tmx", "xliff")}}


def render(doc: Document, fmt: str | None, options: Options | None = None) -> str:
    """The output document. ``None`` keeps the input's own format."""
    options = options or Options()
    if (fmt is None or fmt == doc.format) and not options.bilingual:
        return _same_format(doc)
    fmt = fmt or doc.format
    writer = WRITERS.get(fmt)
    if writer is None:
        raise UsageError(f"--format {fmt}: not available in this version")
    return writer(doc, options)


def suffix_for(fmt: str | None, doc_format: str) -> str | None:
    """The file suffix of an output (None: keep the input's name)."""
    if fmt is None or fmt == doc_format:
        return None
    return SUFFIXES[fmt]
