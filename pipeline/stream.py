"""Large files, piece by piece: bounded memory whatever the size of the file.

A file larger than ``stream_above`` is read and decoded incrementally, cut into pieces of about
``chunk_size`` characters at blank lines (a piece is always whole paragraphs), and each piece is cleaned
as a ``Document`` of its own (``at_start``, ``at_end`` and ``lang_before`` say where it lies). This is done
only when every enabled stage declares that it works on paragraphs (``registry.context``); otherwise the
file is cleaned whole. The cuts are checked again on the cleaned pieces (``settled``): when a stage took
away what a cut relied on (the last pieces emptied by spam removal, the first pieces left without letters
once their spam is masked), those pieces are cleaned again joined with their neighbour, so that stages
never look beyond a piece.

The pieces are stitched into one report that keeps the replay law on the whole file: the changes of
piece k are shifted by the length of the cleaned output before it, so that, replayed in order, they turn
the decoded input into the output (pieces before k are cleaned, pieces after k are still raw). Flags and
segments are shifted the same way (segments of the same language that meet at a cut are joined). The
report line is written to a temporary file as it grows, never held in memory.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterable, Iterator

import regex

from .document import Document
from .files import remove_quietly, shown
from .report import UNTRANSLATED, LineIndex, document_stats, findings, json_value
from .stages.decode import (BOMS, MAX_BROKEN_UTF8, DecodeError, MixedLines, count_controls, decode,
                            utf8_with_replacements)
from .summary import spam_removed

SNIFF_BYTES = 1 << 20  # the encoding of a large file is decided on its first megabyte
READ_BYTES = 1 << 20

# Where a piece may end: after a run of blank lines, before a line that keeps something visible. A line
# counts as blank when the enabled rules make it so in the whole document (``boundary``).
VISIBLE = regex.compile(r"[^\s\p{Cc}\p{Cf}]")  # survives the invisible stage
_LETTER = regex.compile(r"\p{L}")
_BREAK = regex.compile(r"[\r\n]")


# -- decoding ------------------------------------------------------------------------------------


@dataclass
class StreamDecoder:
    """Decode a binary file block by block. ``problems`` grows as broken UTF-8 is met (offsets in the
    decoded text, as ``decode`` reports them for a whole file)."""

    f: BinaryIO
    encoding: str = ""
    problems: list[tuple[int, str]] = field(default_factory=list)
    chars: int = 0  # decoded characters so far
    size: int = 0  # bytes read so far
    controls: int = 0  # control bytes seen (binary data has many)
    _line: bytes = b""  # the start of a line whose end is in the next block
    _mixed: MixedLines | None = None

    def blocks(self) -> Iterator[str]:
        head = self.f.read(SNIFF_BYTES)
        self.size = len(head)
        self.encoding, skip = sniff(head, complete=len(head) < SNIFF_BYTES)
        if self.encoding == "utf-8" and not skip:
            yield from self._utf8(head)
            return
        decoder = codecs.getincrementaldecoder(self.encoding)("strict")
        data, offset = head[skip:], skip
        while True:
            final = not data
            if self.encoding in ("gb18030", "big5"):
                self._check_binary(data, offset)
            try:
                text = decoder.decode(data, final)
            except UnicodeDecodeError:
                raise DecodeError(f"not {self.encoding} after byte {offset} (the encoding was decided "
                                  "on the first megabyte)") from None
            self.chars += len(text)
            if text:
                yield text
            if final:
                return
            offset += len(data)
            data = self._read()

    def _read(self) -> bytes:
        data = self.f.read(READ_BYTES)
        self.size += len(data)
        return data

    def _check_binary(self, data: bytes, offset: int) -> None:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise DecodeError(f"binary data (NUL byte at offset {offset + nul})")
        self.controls += count_controls(data)

    def _lines_of(self, data: bytes, final: bool) -> None:
        """Whole lines of a UTF-8 file to the mixed-encodings test (``decode.MixedLines``): a line that
        reads as GB18030 or Big5 Chinese in a file with UTF-8 Chinese is an error, as for a whole file.
        A line longer than a block is judged on its last megabyte."""
        if self._mixed is None:
            self._mixed = MixedLines()
        lines = (self._line + data).split(b"\n")
        last = lines.pop()
        if final:
            lines.append(last)  # the end of the file ends the last line
            self._line = b""
        else:
            self._line = last[-READ_BYTES:]
        for line in lines:
            problem = self._mixed.add(line)
            if problem is not None:
                raise DecodeError(problem)

    def _utf8(self, data: bytes) -> Iterator[str]:
        """UTF-8, with broken sequences replaced by U+FFFD and recorded, as ``decode`` does."""
        pending = b""
        base = 0  # byte offset of ``pending`` in the file
        while True:
            final = not data
            self._check_binary(data, base + len(pending))
            buf = pending + data
            text, used, problems = utf8_with_replacements(buf, final=final, byte_offset=base, char_offset=self.chars)
            self._lines_of(buf[:used], final)
            self.problems.extend(problems)
            self.chars += len(text)
            pending = buf[used:]
            base += used
            if text:
                yield text
            if final:
                break
            data = self._read()
        limit = max(2, self.size * MAX_BROKEN_UTF8)
        if len(self.problems) > limit:
            raise DecodeError("not text in UTF-8, UTF-16, GB18030 or Big5 (undecodable bytes)")
        if self.controls > max(2, self.size // 100):
            raise DecodeError(f"binary data ({self.controls} control bytes)")


def sniff(head: bytes, complete: bool = False) -> tuple[str, int]:
    """(encoding, bytes of byte order mark to skip) from the start of a file. ``complete``: the head is
    the whole file, judged whole, as ``decode`` judges it (a file cut at its last line break could read
    as another encoding than the whole file does)."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    sample = head
    if complete:
        pass
    elif b"\x00" not in head:
        cut = head.rfind(b"\n")  # never judge a character cut in half at the end of the sample
        sample = head[: cut + 1] if cut > 0 else head
    else:
        sample = head[: len(head) - len(head) % 2]
    return decode(sample).encoding, 0


# -- cutting into pieces --------------------------------------------------------------------------


@dataclass
class Piece:
    text: str
    start: int  # offset of the piece in the decoded input
    at_start: bool
    at_end: bool


def boundary(line_end: bool = True, trailing_space: bool = True) -> regex.Pattern:
    """A run of line breaks with only blank lines between them: CR and CRLF count as line breaks when
    the ``line-end`` rule is on, lines of spaces as blank when ``trailing-space`` is on."""
    brk = r"(?>\r\n|\r|\n)" if line_end else r"\n"  # atomic: CRLF is one break, never CR then LF
    space = (r"[^\S\r\n]*+" if line_end else r"[^\S\n]*+") if trailing_space else ""
    return regex.compile(brk + "(?:" + space + brk + ")++")


def pieces(blocks: Iterable[str], size: int, *, cut_at: regex.Pattern | None = None) -> Iterator[Piece]:
    """Cut a stream of text into pieces of about ``size`` characters, each ending after a blank line.

    - A piece never ends inside a run of line breaks (the next piece starts a non-blank line).
    - The first piece holds at least one letter: lines without letters take the language after them.
    - A last piece with nothing visible joins the piece before it (its blank lines are the end's).
    """
    return _pieces(_Received(blocks), size, cut_at or boundary())


def text_pieces(text: str, size: int, *, cut_at: regex.Pattern | None = None) -> Iterator[Piece]:
    """``pieces`` of a text in memory given ``size`` characters at a time: the same pieces, each copied
    once from the text (the stream's buffer copies each character three more times: 10 ms per 10 MB)."""
    return _pieces(_InMemory(text, size), size, cut_at or boundary())


class _Received:
    """The text received from ``blocks`` and not given out yet: ``text[start:end]``."""

    def __init__(self, blocks: Iterable[str]):
        self._blocks = iter(blocks)
        self.text = ""
        self.start = self.end = 0

    def more(self) -> bool:
        block = next(self._blocks, None)
        if block is None:
            return False
        self.text = self.text[self.start:] + block
        self.start, self.end = 0, len(self.text)
        return True


class _InMemory:
    """A text received ``size`` characters at a time, as its blocks would be, without copying them."""

    def __init__(self, text: str, size: int):
        self.text, self.size = text, size
        self.start = self.end = 0

    def more(self) -> bool:
        if self.end >= len(self.text):
            return False
        self.end = min(len(self.text), self.end + self.size)
        return True


def _pieces(buf: _Received | _InMemory, size: int, cut_at: regex.Pattern) -> Iterator[Piece]:
    offset = 0  # of the text at hand in the decoded input
    held: Piece | None = None
    first = True
    scanned = 0  # no cut was found before here (less a margin for a run the last block cut short)
    while buf.more():
        while buf.end - buf.start > size:
            cut = _cut(buf.text, buf.start, buf.end, max(size, scanned - 4096), cut_at, need_letter=first)
            if cut is None:
                scanned = buf.end - buf.start
                break
            scanned = 0
            if held is not None:
                yield held
            held = Piece(buf.text[buf.start:cut], offset, first, False)
            first = False
            offset += cut - buf.start
            buf.start = cut
    rest = buf.text[buf.start:buf.end]
    if held is None:
        yield Piece(rest, offset, True, True)
    elif not VISIBLE.search(rest):
        yield Piece(held.text + rest, held.start, held.at_start, True)
    else:
        yield held
        yield Piece(rest, offset, False, True)


def _cut(text: str, start: int, end: int, pos: int, cut_at: regex.Pattern, need_letter: bool) -> int | None:
    """The end of the first blank-line run after ``start + pos`` that the next line survives, or None;
    ``text[start:end]`` is the text at hand (the patterns look at nothing outside it)."""
    pos += start
    while True:
        m = cut_at.search(text, pos, end)
        if m is None:
            return None
        line_end = _BREAK.search(text, m.end(), end)  # CR too: passing a cut by is always safe
        if line_end is None:
            return None  # the next line may go on in the next block: wait
        if VISIBLE.search(text, m.end(), line_end.start()) and (
                not need_letter or _LETTER.search(text, start, m.end())):
            return m.end()
        pos = m.end()


# -- settling the cuts after cleaning -----------------------------------------------------------------


def settled(raw: Iterable[Piece],
            clean: Callable[[Piece, str | None], Document]) -> Iterator[tuple[Piece, Document]]:
    """Clean the pieces in order, each as ``clean(piece, lang_before)``; give out each piece (as finally
    cut) with its cleaned document.

    The cuts were chosen on the input; cleaning can take away what they relied on. Removing spam can
    empty pieces: when the file ends with pieces whose output has nothing visible, the end-of-file rules
    must reach back over the blank lines before them, so they are cleaned again joined with the last
    piece that kept something visible. Masking spam can take the first piece's only letters: the pieces
    up to the first one whose output has a letter are cleaned again as one (lines without letters take
    the language after them). Each piece is cleaned at most twice, and only pieces that failed a rule
    (plus the one before them) are held back.
    """
    held: list[tuple[Piece, Document]] = []  # cleaned, not given out yet
    lettered = False  # some output so far has a letter
    for piece in raw:
        doc = clean(piece, lang_after(held[-1][1]) if held else None)
        held.append((piece, doc))
        if not lettered:
            if not (_LETTER.search(doc.text) or piece.at_end):
                continue
            lettered = True
            if len(held) > 1:  # the first pieces had no letter: clean them as one with this one
                held = [_again(held, clean)]
        if piece.at_end:
            if len(held) > 1 and not VISIBLE.search(doc.text):
                held = [_again(held, clean)]  # the end-of-file rules reach back to the last visible text
            yield from held
        elif VISIBLE.search(doc.text):
            yield from held[:-1]  # cleaned right: visible text follows them
            del held[:-1]


def _again(held: list[tuple[Piece, Document]], clean) -> tuple[Piece, Document]:
    """The held pieces joined into one, cleaned again from the first one's place."""
    first, last = held[0][0], held[-1][0]
    piece = Piece("".join(p.text for p, _ in held), first.start, first.at_start, last.at_end)
    return piece, clean(piece, held[0][1].lang_before)


def lang_after(doc: Document) -> str | None:
    """The language at the end of a cleaned piece: the next piece's ``lang_before``."""
    return doc.segments[-1].lang if doc.segments else doc.lang_before


# -- the report, spilled to disk -------------------------------------------------------------------


class Spill:
    """A temporary file that a part of the report (or the findings) grows in, out of memory."""

    def __init__(self, folder: str | None):
        fd, self.path = tempfile.mkstemp(prefix=".duet-", suffix=".part", dir=folder)
        self.f = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self.count = 0

    def items(self, objects: Iterable[dict]) -> None:
        for obj in objects:
            if self.count:
                self.f.write(", ")
            self.f.write(json_value(obj))
            self.count += 1

    def lines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.f.write(line + "\n")
            self.count += 1

    def copy_to(self, out) -> None:
        self.f.flush()
        with open(self.path, encoding="utf-8", newline="") as src:
            while chunk := src.read(1 << 20):
                out.write(chunk)

    def close(self) -> None:
        self.f.close()

    def discard(self) -> None:
        self.f.close()
        remove_quietly(self.path)


def merge_stats(total: dict, part: dict) -> dict:
    """Numbers add up, tables merge, anything else keeps its first value."""
    for key, value in part.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, dict)):
            total.setdefault(key, value)
        elif isinstance(value, dict):
            merge_stats(total.setdefault(key, {}), value)
        else:
            total[key] = total.get(key, 0) + value
    return total


# -- cleaning a stream ----------------------------------------------------------------------------


@dataclass
class StreamResult:
    stats: dict
    changes: int
    report_path: str | None  # a temporary file holding the report line (the caller removes it)
    findings_path: str | None  # a temporary file of ``path:line:col: rule: message`` lines
    findings: int
    size: int
    spam_removed: int
    untranslated: int = 0  # ``duet check --expect`` findings
    visible: bool = True  # the output holds something other than spaces and invisible characters
    decode_problems: list = field(default_factory=list)  # (offset, message) of broken UTF-8 replaced


def clean_stream(pipeline, f: BinaryIO, source: str, sink: BinaryIO | None, *, chunk_size: int,
                 report: bool, check: bool, spill_dir: str | None = None) -> StreamResult:
    """Clean a binary stream piece by piece, writing the output to ``sink`` as it comes."""
    decoder = StreamDecoder(f)
    options = pipeline.options
    spills = {name: Spill(spill_dir) for name in ("changes", "flags", "segments")} if report else {}
    found = Spill(spill_dir) if check else None
    stats: dict = {}
    out_len = 0
    lines_before = 0
    pending_segment = None
    changes = spam = untranslated = 0
    visible = False

    def clean(piece: Piece, lang_before: str | None) -> Document:
        doc = Document(piece.text, source=source, format="text", at_start=piece.at_start,
                       at_end=piece.at_end, lang_before=lang_before)
        problems = decoder.problems  # sorted by offset; the piece's text is decoded, so are its problems
        end = piece.start + len(piece.text)
        for offset, message in problems[bisect_left(problems, (piece.start,)):bisect_left(problems, (end,))]:
            doc.flag("decode", "invalid-utf8", offset - piece.start, offset - piece.start + 1, message)
        return pipeline.run(doc, surrogates=False)  # decoded: no lone surrogate (tests/test_decode.py)

    try:
        cut_at = boundary(options.enabled("line-end"), options.enabled("trailing-space"))
        for piece, doc in settled(pieces(decoder.blocks(), chunk_size, cut_at=cut_at), clean):
            changes += len(doc.changes)
            spam += spam_removed(doc.changes)
            if sink is not None:
                sink.write(doc.text.encode("utf-8"))
            if found is not None:
                index = LineIndex(piece.text)
                for item in findings(doc, pipeline.options.expect):
                    untranslated += item.rule.startswith(UNTRANSLATED)
                    line, col = index.line_col(item.offset)
                    found.lines([f"{shown(source)}:{lines_before + line}:{col}: {item.rule}: {item.message}"])
                lines_before += piece.text.count("\n")
            if report:
                spills["changes"].items(_shifted(c.to_dict(), out_len) for c in doc.changes)
                spills["flags"].items(_shifted(x.to_dict(), out_len) for x in doc.flags)
                for seg in doc.segments:
                    s = seg.to_dict()
                    s["start"] += out_len
                    s["end"] += out_len
                    if pending_segment is not None and pending_segment.lang == s["lang"] \
                            and pending_segment.end == s["start"]:
                        pending_segment.end = s["end"]
                        continue
                    if pending_segment is not None:
                        spills["segments"].items([pending_segment.to_dict()])
                    pending_segment = type(seg)(s["start"], s["end"], s["lang"])
            merge_stats(stats, document_stats(doc))
            out_len += len(doc.text)
            visible = visible or VISIBLE.search(doc.text) is not None
        if report and pending_segment is not None:
            spills["segments"].items([pending_segment.to_dict()])
        stats["encoding"] = decoder.encoding
        stats["streamed"] = True
        stats.setdefault("changes_by_stage", {})
        stats["output_chars"] = out_len
        report_path = _assemble(spills, source, stats, spill_dir) if report else None
        if found is not None:
            found.close()
    except BaseException:
        for spill in [*spills.values(), *([found] if found else [])]:
            spill.discard()
        raise
    for spill in spills.values():
        spill.discard()
    return StreamResult(stats, changes, report_path, found.path if found else None,
                        found.count if found else 0, decoder.size, spam, untranslated, visible, decoder.problems)


def _shifted(d: dict, by: int) -> dict:
    d["start"] += by
    d["end"] += by
    return d


def _assemble(spills: dict[str, Spill], source: str, stats: dict, spill_dir: str | None) -> str:
    """The report line, byte for byte what ``report_line`` writes for a document cleaned whole."""
    out = Spill(spill_dir)
    dump = json_value
    out.f.write('{"input": ' + dump(source))
    for name in ("changes", "flags", "segments"):
        out.f.write(f', "{name}": [')
        spills[name].copy_to(out.f)
        out.f.write("]")
    out.f.write(', "stats": ' + dump(stats) + "}\n")
    out.close()
    return out.path
