"""What the normalization stages share: character classes, the conventions in ``rules/normalize.toml``,
the fold of the forms they convert into one another (read by the segment stage), a fast language lookup
and URL protection.

The stages (width, numbers, punctuation, spacing) each import what they need from here; this module
edits nothing itself.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from itertools import repeat
from pathlib import Path
from typing import Callable, Iterable

import regex

from .document import Document, Segment
from .rulepatterns import BoundedPattern, bounded_pattern
from .rules import ConfigError, entry_name, read_toml, require, rule_files
from .script_classes import LATIN as LATIN_RANGES

FW_OPEN = "“‘《（【〔「『〈"  # full-width opening marks: no space after them
FW_CLOSE = "”’》）】〕」』〉"  # full-width closing marks: no space before them
FW_CLAUSE = "，。、；：？！"  # full-width clause-ending marks
ASCII_CLAUSE = ",.;:?!"
CLOSING = FW_CLOSE + "\"')]"  # what may stand between a word and the mark that ends its clause
OPENING = FW_OPEN + "\"'(["

# A letter or Han character, in ``regex`` syntax (its \p{...} classes scan fast): what decides a mark's
# language. (The segment stage's ranges in pipeline/script_classes.py also count the code points reserved
# for later Han.)
CONTENT_CLASS = r"[\p{Han}〇々\p{Latin}]"
_HAN = regex.compile(r"[\p{Han}〇々]")
# An e-mail address is made of word characters but Han (``\w`` takes Han: ``一a@b.cn`` is 一 and an
# address). Its local part starts where a run of them starts and is taken whole (``++``): trying again
# from every character of a run made a long run with an ``@`` after it quadratic (45 s for 100,000 Han
# characters and an ``@``).
_MAIL_CHAR = r"[^\W\p{Han}〇々]"
_MAIL_LOCAL = rf"(?:{_MAIL_CHAR}|[.+\-])"
_MAIL_DOMAIN = rf"(?:{_MAIL_CHAR}|-)"
_URL = regex.compile(
    r"(?:https?://|ftp://|www\.)[^\s<>\"'，。；：！？“”‘’（）《》\p{Han}]*[^\s<>\"'，。；：！？“”‘’（）《》\p{Han}.,;:!?)]"
    rf"|(?<!{_MAIL_LOCAL}){_MAIL_LOCAL}++@{_MAIL_DOMAIN}++(?:\.{_MAIL_DOMAIN}++)+"
)


@lru_cache(maxsize=1)
def space_chars() -> str:
    """An ordinary space and the odd spaces listed in rules/invisible.toml (U+3000, en space, ...): what
    the spacing stage treats as a space, and what the other rules skip as one."""
    from .stages.invisible import load_chars

    return " " + load_chars()[1].replace(" ", "")


def is_han(c: str) -> bool:
    # Comparisons settle the common cases: the regex is ten times slower. No Han below the CJK radicals
    # (U+2E80; the radicals are Han: ``⺉``), none from the ideographic description characters to U+3004
    # (``、`` ``。``), nor among the half- and full-width forms (U+FF00-U+FFEF: ``，`` ``！`` ``Ａ``).
    if c < "\u2e80" or "\u2ff0" <= c < "\u3005":
        return False
    if "\u4e00" <= c <= "\u9fff":
        return True
    return not "\uff00" <= c <= "\uffef" and _HAN.match(c) is not None


def is_latin(c: str) -> bool:
    return c in LATIN_CHARS


def _chars_of(ranges: str) -> frozenset[str]:
    """The characters of a character class body made of ``\\uXXXX`` / ``\\UXXXXXXXX`` ranges."""
    out: set[str] = set()
    for m in re.finditer(r"\\(?:u([0-9a-f]{4})|U([0-9a-f]{8}))(?:-\\(?:u([0-9a-f]{4})|U([0-9a-f]{8})))?", ranges):
        first = int(m.group(1) or m.group(2), 16)
        last = int(m.group(3) or m.group(4), 16) if (m.group(3) or m.group(4)) else first
        out.update(map(chr, range(first, last + 1)))
    return frozenset(out)


# \p{Latin} as a set (1,600 characters): one lookup, whatever the character (hot loops test
# ``c in LATIN_CHARS`` themselves: a function call costs as much as the test).
LATIN_CHARS = _chars_of(LATIN_RANGES)


def is_fullwidth_mark(c: str) -> bool:
    return bool(c) and (c in FW_OPEN or c in FW_CLOSE or c in FW_CLAUSE)


def url_spans(text: str) -> list[tuple[int, int]]:
    """The URLs and e-mail addresses in ``text``. Every one holds ``://``, ``www.`` or ``@`` and none
    crosses a line break (no class of ``_URL`` takes one): the pattern reads only the lines that hold
    those. (It tries an address at every word character: 0.9 s over 10 MB of the seed, for one ``@``.)"""
    spans: list[tuple[int, int]] = []
    end = -1
    n = len(text)
    for at in sorted(_find_all(text, "://", 0) + _find_all(text, "www.", 3) + _find_all(text, "@", 0)):
        if at < end:
            continue  # on the line just read
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = n if end < 0 else end
        spans += [m.span() for m in _URL.finditer(text, start, end)]
    return spans


def _find_all(text: str, needle: str, key: int) -> list[int]:
    """Where ``needle`` starts in ``text``. Found by its character ``needle[key]`` (``:``, ``.``: rare in
    Chinese text, and one character is searched for ten times faster than three), until that character has
    turned up without the needle about as often as the searches would cost one search for the needle
    (a few hundred times in 100,000 characters); then by the needle itself."""
    found: list[int] = []
    mark = needle[key]
    misses = -32 - len(text) // 512  # (up to 0)
    i = text.find(mark, key)
    while i >= 0:
        if text.startswith(needle, i - key):
            found.append(i - key)
        else:
            misses += 1
            if misses > 0:
                break
        i = text.find(mark, i + 1)
    if i >= 0:  # (``i - key`` is past every position found)
        j = text.find(needle, i - key)
        while j >= 0:
            found.append(j)
            j = text.find(needle, j + 1)
    return found


def protect_urls(doc: Document) -> None:
    """Mark URLs and e-mail addresses as protected: no normalization rule may edit inside them."""
    spans = url_spans(doc.text)
    if spans:
        doc.protect(spans)


def without_urls(text: str, source: str | None = None) -> str:
    """``text`` with every URL and e-mail address blanked (same length): how the segment stage reads it,
    whether the normalization stages have protected the URLs yet or not, so that the runs are the same
    before and after (``www.leyu88.com，`` must not end an English clause on one run and not the next).
    ``source``: the text to find them in, when ``text`` is a view of it with markup blanked (found in the
    view, ``http://&p`` would end at the blanked reference, and not where ``protect_urls`` ends it)."""
    spans = url_spans(text if source is None else source)
    if not spans:
        return text
    pieces, pos = [], 0
    for s, e in spans:
        pieces += [text[pos:s], " " * (e - s)]
        pos = e
    pieces.append(text[pos:])
    return "".join(pieces)


# -- the forms normalization converts between ----------------------------------------------------------

@dataclass(frozen=True)
class FormFold:
    """Every set of characters that the normalization stages convert into one another, folded to one
    representative (same length, so offsets stay valid). A decision read on the folded text cannot
    change when those stages convert a character: this is what keeps cleaning the output again a no-op.

    The sets: full-width letters, digits and symbols and their ASCII forms (width); the Chinese and
    English forms of each clause-ending mark (``，`` ``、`` ``,``; ``；`` ``;`` ...), of each quote
    (``“`` ``”`` ``"`` ``＂``) and bracket (``（`` ``(``) (punctuation); U+3000 and the odd spaces and an
    ordinary space (spacing). A full stop is the exception: ``。`` and a ``.`` followed by a space, Han or
    a mark end a clause wherever they stand, while a ``.`` before a Latin letter or a digit joins a word
    (``Node.js``, ``3.5``); so ``。`` stays ``。`` (``X。Y`` becomes ``X. Y``, never ``X.Y``), except between
    digits, where the numbers stage makes it a decimal point. The one change the fold cannot undo is a
    space put in or taken out: readers of the folded text treat a run of spaces like no space where the
    spacing stage may do either."""

    table: dict[str, str]
    chars: re.Pattern  # any character of the table
    # The fold in one pass (``_one_pass``), or None where it would not give what ``plain`` gives.
    one_pass: re.Pattern | None = None

    def __call__(self, text: str) -> str:
        if self.one_pass is None:
            return self.plain(text)
        # One scan finds the forms and the stops between digits; the text is cut there and put together
        # again with each piece found replaced (``split`` keeps them, at the odd places): 30% faster than
        # ``plain``, which scans again for the stops.
        pieces = self.one_pass.split(text)
        if len(pieces) > 1:
            pieces[1::2] = map(self.table.get, pieces[1::2], repeat("."))  # (a stop is the one not there)
            text = "".join(pieces)
        return text

    def plain(self, text: str) -> str:
        # One ``str.replace`` per form present: five times faster than ``str.translate`` on Chinese text.
        for form in set(self.chars.findall(text)):
            text = text.replace(form, self.table[form])
        if "。" in text:
            text = _STOP_BETWEEN_DIGITS.sub(".", text)
        return text


_STOP_BETWEEN_DIGITS = re.compile(r"。(?=\d)(?<=\d。)")  # the lookbehind only at a 。: fast
_DIGIT = re.compile(r"\d")


def _one_pass(forms: dict[str, str]) -> re.Pattern | None:
    """Any form, or a ``。`` between digits, read in one pass (``FormFold.__call__``). ``plain`` reads the
    digits around a ``。`` once the forms are replaced: one pass reads them before, which is the same
    when no form becomes a ``。`` and none is a digit where its replacement is not. A form that becomes
    another form would be replaced once or twice in ``plain`` (in the order of a set): no one pass."""
    if ("。" in forms.values() or set(forms.values()) & set(forms)
            or any(bool(_DIGIT.fullmatch(f)) != bool(_DIGIT.fullmatch(r)) for f, r in forms.items())):
        return None
    # The class first (``re`` jumps from one of its characters to the next); a ``。`` only between digits.
    return re.compile("([" + re.escape("".join(forms)) + "。](?:(?<!。)|(?<=\\d。)(?=\\d)))")


def form_fold(extra: Iterable[str | Path] = ()) -> FormFold:
    """The fold of the shipped conventions with the user's ``--rules`` files (built once per set)."""
    return _fold(tuple(str(p) for p in extra))


@lru_cache(maxsize=8)
def _fold(extra: tuple[str, ...]) -> FormFold:
    conv = _load(extra)
    table: dict[int, str] = {}
    for first, last in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)):
        for code in range(first, last + 1):
            table[code] = chr(code - 0xFEE0)
    table[ord("．")] = "."
    for symbol in conv.fullwidth_symbols:
        table[ord(symbol)] = unicodedata.normalize("NFKC", symbol)
    for zh, en in conv.zh_to_en.items():
        table[ord(zh)] = "。" if en == "." else en
    for zh_open, zh_close, en, also in conv.quotes:
        for form in zh_open + zh_close + also:
            table[ord(form)] = en
    for zh_open, zh_close, en_open, en_close in conv.brackets:
        table[ord(zh_open)], table[ord(zh_close)] = en_open, en_close
    for space in space_chars():
        table[ord(space)] = " "
    table.pop(ord("。"), None)
    forms = {chr(code): value for code, value in table.items() if chr(code) != value}
    return FormFold(forms, re.compile("[" + re.escape("".join(forms)) + "]"), _one_pass(forms))


class LangIndex:
    """The language of the run at any position, in one lookup: one letter per character (``labels``:
    ``z``, ``e``, ``o``, and ``n`` where there are no runs), read by ``__call__`` as ``zh``, ``en``,
    ``other`` and None; hot loops read ``labels`` themselves. (The document's own ``lang_at`` searches the
    runs on every call; the rules ask hundreds of thousands of times per 10 MB.) Build it again after
    every ``doc.apply`` that the caller still reads positions from."""

    NAMES = {"z": "zh", "e": "en", "o": "other", "n": None}
    _LETTERS = {name: letter for letter, name in NAMES.items()}

    def __init__(self, segments: list[Segment], length: int = 0):
        letters = self._LETTERS
        self.labels = "".join([letters[s.lang] * (s.end - s.start) for s in segments]) if segments else "n" * length
        self.last = segments[-1].lang if segments else None

    def __call__(self, pos: int) -> str | None:
        if 0 <= pos < len(self.labels):
            return self.NAMES[self.labels[pos]]
        return self.last if pos >= 0 else self.NAMES[self.labels[0]] if self.labels else None


# Stages whose edits cannot change the language of a letter, digit or Han character (what form_fold is
# for): the runs carried through their edits stay true. After any other stage's edits, runs are found again.
KEEP_LANGUAGES = frozenset({"width", "numbers", "punctuation", "spacing", "variant"})


def runs_for(doc: Document, relabel: Callable[[Document], None] | None) -> LangIndex:
    """The runs of ``doc`` as they stand, for a rule to read: those of the segment stage, carried through
    the normalization stages' edits. The segment stage runs after every stage that changes words but
    terms and translate (which run the stages again over what they wrote, pipeline/polish.py), so the
    runs are found again (``relabel``: the segment stage's run) only if a stage out of that order did."""
    # (The stages of the changes since, read without a call of Python per change: tens of thousands.)
    if relabel is not None and doc.segments and not KEEP_LANGUAGES.issuperset(
            map(_STAGE, doc.changes[doc.segmented_at:])):
        relabel(doc)
    return LangIndex(doc.segments, len(doc.text))


_STAGE = attrgetter("stage")


# -- conventions (rules/normalize.toml) ------------------------------------------------------------

@dataclass(frozen=True)
class Conventions:
    zh_to_en: dict[str, str]  # full-width clause mark -> ASCII
    en_to_zh: dict[str, str]  # ASCII clause mark -> full-width
    quotes: tuple[tuple[str, str, str, str], ...]  # (zh_open, zh_close, en, other forms)
    brackets: tuple[tuple[str, str, str, str], ...]  # (zh_open, zh_close, en_open, en_close)
    fullwidth_symbols: str
    no_space_before: str
    min_phrases: int
    max_phrases: int
    min_length: int
    max_length: int
    heading_number: BoundedPattern


_KNOWN_TABLES = {"mark", "quote", "bracket", "fullwidth", "digit_spacing", "chinese_spaces"}


def _one_char(value, where: str, key: str) -> str:
    require(isinstance(value, str) and len(value) == 1, where, f"'{key}' must be one character")
    return value


def _read_marks(data: dict, path: Path, marks: dict) -> None:
    for i, entry in enumerate(data.get("mark", [])):
        where = f"{path}: {entry_name('mark', i, entry)}"
        require(isinstance(entry, dict), where, "must be a table")
        zh, en = _one_char(entry.get("zh"), where, "zh"), _one_char(entry.get("en"), where, "en")
        require(en in ASCII_CLAUSE, where, f"'en' must be one of {ASCII_CLAUSE}")
        marks[zh] = (en, bool(entry.get("zh_only", False)))


def _read_pairs(data: dict, path: Path, quotes: dict, brackets: dict) -> None:
    for i, entry in enumerate(data.get("quote", [])):
        where = f"{path}: {entry_name('quote', i, entry)}"
        require(isinstance(entry, dict), where, "must be a table")
        also = entry.get("also", [])
        require(isinstance(also, list), where, "'also' must be a list of characters")
        quotes[_one_char(entry.get("en"), where, "en")] = (
            _one_char(entry.get("zh_open"), where, "zh_open"), _one_char(entry.get("zh_close"), where, "zh_close"),
            "".join(_one_char(a, where, "also") for a in also))
    for i, entry in enumerate(data.get("bracket", [])):
        where = f"{path}: {entry_name('bracket', i, entry)}"
        require(isinstance(entry, dict), where, "must be a table")
        brackets[_one_char(entry.get("en_open"), where, "en_open")] = tuple(
            _one_char(entry.get(k), where, k) for k in ("zh_open", "zh_close", "en_close"))


def _read_settings(data: dict, path: Path, settings: dict, origins: dict) -> None:
    for table, keys in (("fullwidth", {"symbols": str}), ("digit_spacing", {"no_space_before": str}),
                        ("chinese_spaces", {"min_phrases": int, "max_phrases": int, "min_length": int,
                                            "max_length": int, "heading_number": str})):
        section = data.get(table)
        if section is None:
            continue
        require(isinstance(section, dict), f"{path}: [{table}]", "must be a table")
        for key, value in section.items():
            where = f"{path}: [{table}] {key}"
            require(key in keys, where, f"unknown setting (known: {', '.join(keys)})")
            require(isinstance(value, keys[key]) and not isinstance(value, bool), where,
                    f"must be {'a string' if keys[key] is str else 'an integer'}")
            settings[key] = value
            origins[key] = path


def load_conventions(extra: Iterable[str | Path] = ()) -> Conventions:
    """The shipped conventions, extended or overridden by the user's ``--rules`` files."""
    return _load(tuple(str(p) for p in extra))


@lru_cache(maxsize=8)
def _load(extra: tuple[str, ...]) -> Conventions:
    marks: dict = {}
    quotes: dict = {}
    brackets: dict = {}
    settings: dict = {}
    origins: dict = {}  # the file each setting came from, for error messages
    shipped = rule_files("normalize")
    for path in rule_files("normalize", extra):
        data = read_toml(path)
        if path not in shipped and not set(data) & _KNOWN_TABLES:
            continue  # a user file meant for another stage (spam, terms, ...)
        unknown = set(data) - _KNOWN_TABLES
        require(not unknown, str(path), f"unknown table(s) {', '.join(sorted(unknown))}")
        _read_marks(data, path, marks)
        _read_pairs(data, path, quotes, brackets)
        _read_settings(data, path, settings, origins)
    missing = {"symbols", "no_space_before", "min_phrases", "max_phrases", "min_length", "max_length",
               "heading_number"} - set(settings)
    if missing:
        raise ConfigError(f"rules/normalize.toml: missing setting(s) {', '.join(sorted(missing))}")
    # A pattern a user's rule file can set: refused if it backtracks catastrophically, bounded in time.
    heading = bounded_pattern(settings["heading_number"], f"{origins['heading_number']}: "
                              "[chinese_spaces] heading_number")
    return Conventions(
        zh_to_en={zh: en for zh, (en, _) in marks.items()},
        en_to_zh={en: zh for zh, (en, zh_only) in marks.items() if not zh_only},
        quotes=tuple((zo, zc, en, also) for en, (zo, zc, also) in quotes.items()),
        brackets=tuple((zo, zc, eo, ec) for eo, (zo, zc, ec) in brackets.items()),
        fullwidth_symbols=settings["symbols"],
        no_space_before=settings["no_space_before"],
        min_phrases=settings["min_phrases"], max_phrases=settings["max_phrases"],
        min_length=settings["min_length"], max_length=settings["max_length"],
        heading_number=heading,
    )
