"""Writers at the end of the pipeline: a cleaned document in the requested output format."""

from __future__ import annotations

from typing import Callable

from .document import Document
from .files import UsageError

SUFFIXES = {"text": ".txt", "markdown": ".md", "html": ".html", "jsonl": ".jsonl", "tmx": ".tmx", "xliff": ".xlf"}

Writer = Callable[[Document], str]


def _same_format(doc: Document) -> str:
    return doc.text


def _plain_text(doc: Document) -> str:
    if doc.format != "text":
        raise UsageError(f"--format text from a {doc.format} input is not supported")
    return doc.text


WRITERS: dict[str, Writer] = {"text": _plain_text}


def render(doc: Document, fmt: str | None) -> str:
    """The output document. ``None`` keeps the input's own format."""
    if fmt is None or fmt == doc.format:
        return _same_format(doc)
    writer = WRITERS.get(fmt)
    if writer is None:
        raise UsageError(f"--format {fmt}: not available in this version")
    return writer(doc)


def suffix_for(fmt: str | None, doc_format: str) -> str | None:
    """The file suffix of an output (None: keep the input's name)."""
    if fmt is None or fmt == doc_format:
        return None
    return SUFFIXES[fmt]
