"""Decode: bytes in, ``str`` out, or a clear error. The reader at the front of the pipeline.

Order of decisions:
1. A byte order mark decides (UTF-8, UTF-16 LE/BE, UTF-32); the mark itself is not part of the text.
2. NUL bytes or many control bytes: UTF-16 without a mark when the text read that way is plausible
   (mostly-ASCII text with NUL in every other position, or mostly common Chinese characters), binary
   input (an error) otherwise.
3. Strict UTF-8.
4. Mixed encodings (some lines UTF-8 with Chinese, others GB18030 or Big5 that read as Chinese): an
   error naming the first line of each, never a guess that would turn one part into mojibake or U+FFFD.
5. GB18030 (a superset of GBK and GB2312), Big5 and UTF-16 without a mark, strict: the reading made
   mostly of common Chinese characters (``rules/decode/common-han.txt``, both scripts) wins; mojibake is
   made of rare ones.
6. Text that is UTF-8 but for a few broken sequences (a file cut inside a character, a stray byte)
   decodes as UTF-8 with U+FFFD in their place, and each place is a flag (``decode/invalid-utf8``) so
   that nothing is dropped silently.
7. A GB18030 or Big5 reading that is at least plausible.
Anything else is an error naming the problem.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from ..rules import rules_dir

NAME = "decode"

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Share of broken bytes up to which a file is still "UTF-8 with a few decode problems".
MAX_BROKEN_UTF8 = 0.01


class DecodeError(Exception):
    """The input is not text in a supported encoding. The message says why, in one line."""


@dataclass
class Decoded:
    text: str
    encoding: str
    # (offset in text, message) for each place that could not be decoded
    problems: list[tuple[int, str]] = field(default_factory=list)


@lru_cache(maxsize=1)
def common_han() -> frozenset[str]:
    path = rules_dir() / "decode" / "common-han.txt"
    chars = "".join(line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return frozenset(chars)


def decode(data: bytes) -> Decoded:
    """Decode ``data``; raises ``DecodeError`` for binary or undecodable input."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom):].decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"starts with a {encoding} byte order mark but is not {encoding} "
                                  f"(bad bytes at offset {exc.start + len(bom)})") from None
    nul = data.find(b"\x00")
    if nul >= 0:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise DecodeError(f"binary data (NUL byte at offset {nul})")
    controls = count_controls(data)
    if controls > max(2, len(data) // 100):
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise DecodeError(f"binary data ({controls} control bytes)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mixed = mixed_encodings(data)
    if mixed is not None:
        raise DecodeError(mixed)
    common = common_han()
    best = None
    for encoding in ("gb18030", "big5", "utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding.startswith("utf-16") and not _no_controls(text):
            continue
        share = _common_share(text, common)
        if best is None or share > best[0]:
            best = (share, text, encoding)
    if best is not None and best[0] >= PLAUSIBLE_SHARE:
        return Decoded(best[1], best[2])
    if best is not None and best[2].startswith("utf-16"):
        best = None  # a UTF-16 reading is believed only when it is plainly Chinese
    broken = _mostly_utf8(data)
    if broken is not None:
        return broken
    if best is not None and best[0] >= 0.3:
        return Decoded(best[1], best[2])
    raise DecodeError("not text in UTF-8, UTF-16, GB18030 or Big5 (undecodable bytes)")


_CONTROL_BYTES = [bytes([b]) for b in range(32) if b not in (9, 10, 12, 13, 27)]
_NOT_CONTROL = bytes(b for b in range(256) if bytes([b]) not in _CONTROL_BYTES)


def count_controls(data: bytes) -> int:
    """Control bytes that text does not hold (one pass: ``translate`` keeps only them)."""
    return len(data.translate(None, _NOT_CONTROL))
# A GB18030 or Big5 reading whose wide characters are mostly common Chinese characters is believed.
PLAUSIBLE_SHARE = 0.6


def _common_share(text: str, common: frozenset[str], empty: float = 1.0) -> float:
    """Share of the non-ASCII characters that are common Chinese characters or CJK punctuation."""
    hits = wide = 0
    for c in text:
        if c > "\x7f":
            wide += 1
            if c in common or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" or "\u2010" <= c <= "\u201f":
                hits += 1
    return hits / wide if wide else empty


def _mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 but for a few broken sequences: U+FFFD in their place, each place a problem."""
    limit = max(2, len(data) * MAX_BROKEN_UTF8)
    text, _, problems = utf8_with_replacements(data, limit=limit)
    return None if len(problems) > limit else Decoded(text, "utf-8", problems)


def utf8_with_replacements(data: bytes, *, final: bool = True, byte_offset: int = 0, char_offset: int = 0,
                           limit: float | None = None) -> tuple[str, int, list[tuple[int, str]]]:
    """Decode UTF-8 with U+FFFD for each broken sequence: (text, bytes used, problems).

    A problem is (offset in the text, counted from ``char_offset``; message naming the bytes, counted
    from ``byte_offset``). Not ``final``: an incomplete character at the end is left unused, for the
    next block (large files are decoded block by block). Stops early past ``limit`` problems."""
    view = memoryview(data)
    parts: list[str] = []
    problems: list[tuple[int, str]] = []
    pos, length = 0, char_offset
    while pos < len(data):
        try:
            chunk, used = codecs.utf_8_decode(view[pos:], "strict", final)
        except UnicodeDecodeError as exc:
            good = str(view[pos:pos + exc.start], "utf-8")
            parts.append(good)
            length += len(good)
            first, last = byte_offset + pos + exc.start, byte_offset + pos + exc.end - 1
            problems.append((length, f"bytes {first}-{last} are not valid UTF-8 and were replaced by U+FFFD"))
            parts.append("\ufffd")
            length += 1
            pos += exc.end
            if limit is not None and len(problems) > limit:
                break
            continue
        parts.append(chunk)
        pos += used
        break  # done, or an incomplete character waits for the next block
    return "".join(parts), pos, problems


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 without a mark: the reading that is plausible text. Mostly-ASCII text has NUL in at
    least a third of the high bytes; Chinese text has none, but reads as common Chinese characters
    (the other byte order reads as rare ones). No NUL or other control character may remain."""
    if len(data) < 4 or len(data) % 2:
        return None
    for zeros, encoding in ((data[1::2], "utf-16-le"), (data[0::2], "utf-16-be")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _no_controls(text):
            continue
        if zeros.count(0) * 3 >= len(zeros) or _common_share(text, common_han(), empty=0.0) >= PLAUSIBLE_SHARE:
            return Decoded(text, encoding)
    return None


_CONTROL_CHARS = regex.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def _no_controls(text: str) -> bool:
    return _CONTROL_CHARS.search(text) is None


# -- mixed encodings ------------------------------------------------------------------------------

LEGACY = ("gb18030", "big5")


def mixed_encodings(data: bytes) -> str | None:
    """A message when some lines are UTF-8 Chinese and others GB18030 or Big5 Chinese, else None."""
    lines = MixedLines()
    for line in data.split(b"\n"):
        problem = lines.add(line)
        if problem is not None:
            return problem
    return None


class MixedLines:
    """Reads a file line by line (``add``) and says when it mixes encodings.

    Only lines that are evidence count: a UTF-8 line whose non-ASCII characters are mostly common
    Chinese, a line that is not UTF-8 but reads as common Chinese in a legacy encoding (at least two
    non-ASCII characters, so that a cut character or a stray byte is never taken for a line). Used on a
    whole file by ``decode`` and block by block by the streaming decoder, with the same message."""

    def __init__(self) -> None:
        self.number = 0
        self.utf8_line: int | None = None
        self.legacy: tuple[int, str] | None = None

    def add(self, line: bytes) -> str | None:
        self.number += 1
        if line.isascii() or (self.utf8_line is not None and self.legacy is not None):
            return None
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            encoding = legacy_reading(line)
            if encoding is not None and self.legacy is None:
                self.legacy = (self.number, encoding)
        else:
            if self.utf8_line is None and _common_share(text, common_han(), empty=0.0) >= PLAUSIBLE_SHARE:
                self.utf8_line = self.number
        if self.utf8_line is not None and self.legacy is not None:
            return (f"mixed encodings: line {self.utf8_line} is UTF-8 but line {self.legacy[0]} is "
                    f"{self.legacy[1].upper()}; convert the file to one encoding")
        return None


def legacy_reading(line: bytes) -> str | None:
    """The legacy encoding in which a line that is not UTF-8 reads as Chinese, or None."""
    for encoding in LEGACY:
        try:
            text = line.decode(encoding)
        except UnicodeDecodeError:
            continue
        wide = sum(c > "\x7f" for c in text)
        if wide >= 2 and _common_share(text, common_han(), empty=0.0) >= PLAUSIBLE_SHARE:
            return encoding
    return None
