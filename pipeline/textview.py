"""A normalized view of a text for matching, with a map back to the original offsets.

Spam and term rules should match ``２０２４`` like ``2024``, ``ＡＰＰ`` like ``app`` and ``欧\\u200b洲杯`` like
``欧洲杯``, but every edit must land on the original text. ``normalized_view(text)`` builds that view:

- invisible characters are dropped: format characters (category Cf: zero-width, bidi marks, soft
  hyphen, BOM, tags), variation selectors, Hangul fillers and C0/C1 controls other than line ends and tabs;
- every other character goes through NFKC (full-width letters, digits and punctuation become ASCII,
  ``①`` becomes ``1``, ``ﬁ`` becomes ``fi``) and is lower-cased.

Normalization is per character (a combining sequence is not composed), which is what matching needs:
each character of the view comes from exactly one character of the original. The map is piecewise
linear, with a breakpoint only where a character vanished or expanded, so it costs nothing on clean text:
only the rare characters that change length are visited one by one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate
from pathlib import Path


# Supplementary blocks that hold compatibility characters or invisible ones (everything else beyond the
# BMP is NFKC-stable: emoji, rare ideographs).
_SUPPLEMENTARY = ((0x1BCA0, 0x1BCA4), (0x1D400, 0x1D800), (0x1F100, 0x1F250), (0x2F800, 0x2FA20),
                  (0xE0000, 0xE0080), (0xE0100, 0xE01F0))
_KEEP_CONTROLS = "\t\n\r\x0b\x0c"


def _is_invisible(ch: str) -> bool:
    cp = ord(ch)
    return (unicodedata.category(ch) == "Cf" or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF
            or ch in "\u115f\u1160\u3164\uffa0"
            or (unicodedata.category(ch) == "Cc" and ch not in _KEEP_CONTROLS))


def normalize_char(ch: str) -> str:
    """What one character becomes in the view ('' when it is invisible)."""
    return "" if _is_invisible(ch) else unicodedata.normalize("NFKC", ch).lower()


# The invisible characters that ``str.isprintable`` calls printable (it calls no Cf or Cc one so).
_PRINTABLE_INVISIBLE = frozenset(chr(cp) for cp in (*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0))
                                 ) | frozenset("\u115f\u1160\u3164\uffa0")


def vanishes(ch: str) -> bool:
    """``normalize_char(ch) == ""`` without normalizing (NFKC and lower-casing never empty a character).
    A printable character is let through on one C test: the detector asks of both neighbours of every
    span it finds."""
    if ch.isprintable() and ch not in _PRINTABLE_INVISIBLE:
        return False
    return _is_invisible(ch)


# Characters common in Chinese/English text whose view is a 1:1 lower-casing: the scan skips them
# (most of the ASCII range, Latin-1 letters, Greek and Cyrillic, general punctuation, CJK marks,
# unified ideographs, Hangul). The tables below take out whatever normalization does change.
_COMMON = ((0x09, 0x0E), (0x20, 0x7F), (0xA0, 0x250), (0x370, 0x530), (0x2010, 0x2070), (0x3001, 0x3040),
           (0x4E00, 0xA000), (0xAC00, 0xD7A4))


@lru_cache(maxsize=1)
def _tables() -> tuple[re.Pattern, dict[str, str]]:
    """The characters that normalization changes (other than a 1:1 lower-casing, which ``str.lower`` does
    for the whole view at once) and what each becomes, and a scanner for stretches of characters outside
    the common ones.

    Worked out once and kept in the cache folder (``translation.cache.kept_json``), keyed by the Unicode
    version and this module's source: going through 70,000 characters took 40-50 ms at every start, a
    sixth of what a batch does before its workers start. The scanner uses ``re``: on a class like this it
    runs at about 60 MB/s, ``regex`` at about 25."""
    from .translation.cache import kept_json

    key = hashlib.sha256(unicodedata.unidata_version.encode() + Path(__file__).read_bytes()).hexdigest()

    def valid(stored) -> bool:
        return (isinstance(stored, list) and len(stored) == 2 and isinstance(stored[0], str)
                and isinstance(stored[1], dict) and all(isinstance(v, str) for v in stored[1].values()))

    scanner, mapping = kept_json(f"textview/changes-{key[:32]}.json", _work_out_tables, valid)
    return re.compile(scanner), mapping


def _work_out_tables() -> tuple[str, dict[str, str]]:
    """``_tables`` from scratch: the scanner's pattern and the characters normalization changes."""
    mapping: dict[str, str] = {}
    for lo, hi in ((0, 0xD800), (0xE000, 0x10000), *_SUPPLEMENTARY):
        for cp in range(lo, hi):
            ch = chr(cp)
            out = normalize_char(ch)
            if out != ch.lower() or len(ch.lower()) != 1:
                mapping[ch] = out
    common = [chr(cp) for lo, hi in _COMMON for cp in range(lo, hi) if chr(cp) not in mapping]
    return "[^" + _char_class(common)[1:] + "+", mapping


def _char_class(chars: list[str]) -> str:
    """A compact ``[...]`` class of sorted characters, written as ranges."""
    parts = []
    i = 0
    while i < len(chars):
        j = i
        while j + 1 < len(chars) and ord(chars[j + 1]) == ord(chars[j]) + 1:
            j += 1
        lo, hi = chars[i], chars[j]
        parts.append(f"\\U{ord(lo):08x}" + (f"-\\U{ord(hi):08x}" if j > i else ""))
        i = j + 1
    return "[" + "".join(parts) + "]"


@dataclass(frozen=True)
class NormalizedView:
    """``text``: the normalized view; ``original``: the text it was made from."""

    text: str
    original: str
    # After view offset _view_after[k], view offsets map linearly to original offsets again,
    # from _orig_after[k]. Inside an expansion (one original character, several view characters) every
    # view offset maps to that character.
    _view_after: tuple[int, ...] = ()
    _orig_after: tuple[int, ...] = ()
    _expansions: tuple[tuple[int, int, int], ...] = ()  # (view start, view end, original offset)
    # Stretches dropped by ``drop`` after normalization: at view offset _drop_at[k] (and after),
    # _drop_total[k] characters of the NFKC text are missing.
    _drop_at: tuple[int, ...] = ()
    _drop_total: tuple[int, ...] = ()

    def char_origin(self, pos: int) -> int:
        """Offset in the original of the character at view offset ``pos``."""
        k = bisect_right(self._drop_at, pos) - 1
        if k >= 0:
            pos += self._drop_total[k]
        if not self._view_after:  # (the common case: NFKC changed no length, nothing vanished)
            return pos
        k = bisect_right(self._expansions, (pos, float("inf"))) - 1
        if k >= 0 and self._expansions[k][0] <= pos < self._expansions[k][1]:
            return self._expansions[k][2]
        k = bisect_right(self._view_after, pos) - 1
        if k < 0:
            return pos
        return self._orig_after[k] + pos - self._view_after[k]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span that view span ``[start, end)`` came from (characters dropped inside it
        belong to it; those just outside do not)."""
        if end <= start:
            p = self.char_origin(start) if start < len(self.text) else len(self.original)
            return p, p
        return self.char_origin(start), self.char_origin(end - 1) + 1


def normalized_view(text: str, drop: re.Pattern | None = None) -> NormalizedView:
    """The normalized view of ``text`` (see the module docstring). ``drop``: a pattern whose matches in
    the normalized text are dropped from the view too (the spam detector drops the spaces between two
    Han characters, ``开 云 体 育``)."""
    view = _nfkc_view(text)
    return view if drop is None else dropping(view, drop)


def dropping(view: NormalizedView, drop: re.Pattern) -> NormalizedView:
    """``view`` without the matches of ``drop`` in its text (see ``normalized_view``)."""
    # ``split`` on the pattern as a group gives the kept and the dropped stretches in turn, and the map
    # is their running lengths: no Python loop over the matches (a hundred thousand per 10 MB of the seed).
    parts = _capturing(drop).split(view.text)
    if len(parts) == 1:
        return view
    kept, dropped = parts[0::2], parts[1::2]
    totals = tuple(accumulate(map(len, dropped)))
    drop_at = tuple(accumulate(map(len, kept[:-1])))  # the view offset where each dropped stretch was
    return replace(view, text="".join(kept), _drop_at=drop_at, _drop_total=totals)


@lru_cache(maxsize=8)
def _capturing(drop: re.Pattern) -> re.Pattern:
    return re.compile(f"({drop.pattern})", drop.flags)


@lru_cache(maxsize=1)
def _stable_odd() -> re.Pattern:
    """The characters of the BMP that normalization changes although NFKC leaves them alone (invisible
    ones, and those whose lower case is longer: ``İ``; about 120), and any character beyond the BMP (a
    class with a range there is scanned at a quarter of the speed of one without: 300 of the 460 such
    characters are there, tags and variation selectors)."""
    _, mapping = _tables()
    bmp = sorted(c for c in mapping if c < "\U00010000" and unicodedata.normalize("NFKC", c) == c)
    return re.compile(_char_class(bmp)[:-1] + "\U00010000-\U0010ffff]")


def _unchanged(text: str) -> bool:
    """Whether no character of ``text`` is one that normalization changes (other than lower-casing):
    ``text`` is NFKC already (every character NFKC changes alone makes a text that holds it not NFKC:
    tests/test_textview.py) and holds none of the few characters that NFKC keeps but the view does not.
    The two tests run at 4x the speed of the scan for any such character (``_tables``)."""
    return unicodedata.is_normalized("NFKC", text) and _stable_odd().search(text) is None


def _nfkc_view(text: str) -> NormalizedView:
    if _unchanged(text):  # the common case: what ``_scanned_view`` gives when its scan finds nothing
        return NormalizedView(text.lower(), text)
    return _scanned_view(text)


def _scanned_view(text: str) -> NormalizedView:
    odd, mapping = _tables()
    pieces: list[str] = []
    view_after: list[int] = []
    orig_after: list[int] = []
    expansions: list[tuple[int, int, int]] = []
    pos = 0
    vpos = 0
    for m in odd.finditer(text):
        start, end = m.span()
        pieces.append(text[pos:start])
        vpos += start - pos
        for i in range(start, end):
            ch = text[i]
            out = mapping.get(ch, ch)
            pieces.append(out)
            if len(out) != 1:
                if out:
                    expansions.append((vpos, vpos + len(out), i))
                view_after.append(vpos + len(out))
                orig_after.append(i + 1)
            vpos += len(out)
        pos = end
    if not pieces:
        return NormalizedView(text.lower(), text)
    pieces.append(text[pos:])
    return NormalizedView("".join(pieces).lower(), text, tuple(view_after), tuple(orig_after),
                          tuple(expansions))


def sources(mark: str) -> frozenset[str]:
    """The characters whose view holds ``mark``, a caseless character (no other character lower-cases
    to one): ``。`` comes from ``。`` and the half-width ``｡``. Each one's view is ``mark`` alone, or
    ``ValueError`` (a mark that some character's view holds among others cannot cut text into pieces
    that the view cuts alike)."""
    if not (len(mark) == 1 and mark.lower() == mark == mark.upper()):
        raise ValueError(f"{mark!r} is not one caseless character")
    _, mapping = _tables()
    out = {ch for ch, view in mapping.items() if mark in view}
    if mark not in mapping:
        out.add(mark)
    if any(normalize_char(ch) != mark for ch in out):
        raise ValueError(f"a character's view holds {mark!r} among other characters")
    return frozenset(out)
