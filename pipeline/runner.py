"""``Pipeline``: set the stages up once, then clean any number of documents with them."""

from __future__ import annotations

import gc
from bisect import bisect_left
from contextlib import contextmanager
from typing import Any, Iterator

import regex

from .document import Document, Edit, Flag, Segment, append_runs
from .positions import forward_spans
from .options import Options, make_options
from .registry import build, whole_document_stages
from .stages.decode import decode
from .stages.markup_check import CLEAN_AGAIN
from .stream import Piece, boundary, merge_stats, settled, text_pieces

FORMATS_BY_SUFFIX = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
# Rounds of cleaning a Markdown or HTML document whose markup the cleaning changed (``_clean_rounds``).
MARKUP_ROUNDS = 4


class Pipeline:
    """Reusable: rules, glossaries and converters are loaded once, in the constructor.

    >>> p = Pipeline(spam="mask")
    >>> result = p.clean("English，with a comma。")
    >>> result.text, result.changes, result.flags, result.segments
    """

    # A larger text document is cleaned a few paragraphs at a time (``_run_in_pieces``).
    piece_chars = 1 << 18

    def __init__(self, options: Options | None = None, **overrides: Any):
        self.options = make_options(options, **overrides)
        self.stages = build(self.options)
        self._by_pieces = not whole_document_stages(self.options)
        self._cut_at = boundary(self.options.enabled("line-end"), self.options.enabled("trailing-space"))

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
        # Every codec refuses a lone surrogate (tests/test_decode.py): no search for one (9 ms per 10 MB).
        return self.run(doc, surrogates=False)

    def run(self, doc: Document, *, surrogates: bool = True) -> Document:
        """Clean a document. ``surrogates=False``: its text holds no lone surrogate (it was decoded)."""
        doc.stats.setdefault("input_chars", len(doc.text))
        if surrogates:
            replace_lone_surrogates(doc)  # a change: such a document is then cleaned whole
        with _no_cycle_collection():
            if (self._by_pieces and doc.format == "text" and len(doc.text) > 2 * self.piece_chars
                    and not (doc.changes or doc.segments or doc.blocks or doc.protected)):
                self._run_in_pieces(doc)
            else:
                self._clean_rounds(doc)
        if not doc.segments and doc.text:
            doc.segments = [Segment(0, len(doc.text), "other")]
        doc.flags.sort(key=lambda f: (f.start, f.end))
        return doc

    def _clean_rounds(self, doc: Document) -> None:
        """Every stage, and again while markup-check finds that the cleaning changed how the markup of a
        Markdown or HTML document reads (spam removed between two backticks and a third made a fence
        that swallows what follows; a table row's emptied first cell shifted its cells): the stages
        cleaned the prose as the markup read before; the next round cleans it as the next cleaning
        reads it, so that cleaning the output records nothing. Each round takes a prose edit that
        changes the markup, which ordinary documents do not have; the rounds are bounded, so a hostile
        document costs a few linear passes at most (beyond them it keeps its ``markup-changed`` flags)."""
        for _name, run in self.stages:
            run(doc)
        rounds = 1
        while doc.stats.pop(CLEAN_AGAIN, False) and rounds < MARKUP_ROUNDS:
            self._clean_again(doc)
            rounds += 1

    def _clean_again(self, doc: Document) -> None:
        """Clean ``doc.text`` as a new document and append what that did: its changes (offsets of the text
        as it stood, so the log still replays), the earlier flags moved through them, its new flags,
        its runs, blocks and protected ranges, and its counts (``CLEAN_AGAIN`` too, for one more round)."""
        again = Document(doc.text, source=doc.source, format=doc.format, lang_before=doc.lang_before,
                         at_start=doc.at_start, at_end=doc.at_end)
        for _name, run in self.stages:
            run(again)
        for f, (s, e) in zip(doc.flags, forward_spans(again, 0, [(f.start, f.end) for f in doc.flags])):
            f.start, f.end = s, e
        seen = {(f.stage, f.rule, f.start, f.end) for f in doc.flags}
        doc.flags += [f for f in again.flags if (f.stage, f.rule, f.start, f.end) not in seen]
        first = len(doc.changes)
        doc.batches += [first + b for b in again.batches]
        doc.changes += again.changes
        doc.text, doc.segments, doc.blocks, doc.protected = again.text, again.segments, again.blocks, again.protected
        doc.segmented_at = first + again.segmented_at
        # Counts add up; what the stages leave for the writers (``_units``: offsets in the text) is the
        # last round's.
        merge_stats(doc.stats, {k: v for k, v in again.stats.items() if not k.startswith("_")})
        doc.stats.update((k, v) for k, v in again.stats.items() if k.startswith("_"))

    def _run_in_pieces(self, doc: Document) -> None:
        """Clean a large document a few paragraphs at a time, as large files are (pipeline/stream.py,
        docs/batch.md): every stage works on whole paragraphs, so the output, flags and runs are those of
        the whole document and the changes the same ones, piece after piece (their log replays as
        always). Each piece's text and lists stay small enough for the processor's caches: 10-15% faster
        on the 10 MB benchmark."""
        flags = sorted(doc.flags, key=lambda f: f.start)  # from decoding: offsets into the input
        starts = [f.start for f in flags]
        texts: list[str] = []
        changes: list = []
        batches: list[int] = []
        out_flags: list[Flag] = []
        runs: list[Segment] = []
        blocks: list = []
        protected: list[tuple[int, int]] = []
        out = 0  # length of the output so far

        def clean(piece: Piece, lang_before: str | None) -> Document:
            part = Document(piece.text, source=doc.source, format=doc.format,
                            lang_before=doc.lang_before if piece.at_start else lang_before,
                            at_start=doc.at_start and piece.at_start, at_end=doc.at_end and piece.at_end)
            end = piece.start + len(piece.text)
            for f in flags[bisect_left(starts, piece.start):bisect_left(starts, end)]:
                part.flag(f.stage, f.rule, f.start - piece.start, f.end - piece.start, f.message)
            for _name, run in self.stages:
                run(part)
            return part

        # Cut as a file streaming in blocks of ``piece_chars`` would be. ``settled``: pieces that spam
        # removal emptied or left without letters are cleaned again with their neighbour, as when a large
        # file streams.
        for _piece, part in settled(text_pieces(doc.text, self.piece_chars, cut_at=self._cut_at), clean):
            batches += [len(changes) + b for b in part.batches]
            if out:  # each list in turn: no tuple of them all made per piece
                for items in (part.changes, part.flags, part.blocks):
                    for item in items:
                        item.start += out
                        item.end += out
            changes += part.changes
            out_flags += part.flags
            blocks += part.blocks
            protected += [(s + out, e + out) for s, e in part.protected]
            append_runs(runs, part.segments, out)  # runs of one language that meet at a cut are one run
            merge_stats(doc.stats, {k: v for k, v in part.stats.items() if not k.startswith("_")})
            texts.append(part.text)
            out += len(part.text)
        doc.text = "".join(texts)
        doc.changes, doc.batches, doc.flags = changes, batches, out_flags
        doc.segments, doc.blocks, doc.protected = runs, blocks, protected


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The stages make no reference cycles but hundreds of thousands of change records, matches and
    edits per 10 MB: Python's cycle collector would walk all of them again and again for nothing
    (a tenth of the time on a large document). Reference counting frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
