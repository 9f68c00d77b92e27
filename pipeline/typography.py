"""What the normalization stages share: character classes, the conventions in ``rules/normalize.toml``,
a fast language lookup and URL protection.

The stages (width, numbers, punctuation, spacing) each import what they need from here; this module
edits nothing itself.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import regex

from .document import Document, Segment
from .rulepatterns import BoundedPattern, bounded_pattern
from .rules import ConfigError, entry_name, read_toml, require, rule_files

FW_OPEN = "“‘《（【〔「『〈"  # full-width opening marks: no space after them
FW_CLOSE = "”’》）】〕」』〉"  # full-width closing marks: no space before them
FW_CLAUSE = "，。、；：？！"  # full-width clause-ending marks
ASCII_CLAUSE = ",.;:?!"
CLOSING = FW_CLOSE + "\"')]"  # what may stand between a word and the mark that ends its clause
OPENING = FW_OPEN + "\"'(["

_HAN = regex.compile(r"[\p{Han}〇々]")
_LATIN = regex.compile(r"\p{Latin}")
_URL = regex.compile(
    r"(?:https?://|ftp://|www\.)[^\s<>\"'，。；：！？“”‘’（）《》\p{Han}]*[^\s<>\"'，。；：！？“”‘’（）《》\p{Han}.,;:!?)]"
    r"|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
)


@lru_cache(maxsize=1)
def space_chars() -> str:
    """An ordinary space and the odd spaces listed in rules/invisible.toml (U+3000, en space, ...): what
    the spacing stage treats as a space, and what the other rules skip as one."""
    from .stages.invisible import load_chars

    return " " + load_chars()[1].replace(" ", "")


def is_han(c: str) -> bool:
    # The common block first: the regex is ten times slower than two comparisons.
    return "\u4e00" <= c <= "\u9fff" or c >= "\u3005" and _HAN.match(c) is not None


def is_latin(c: str) -> bool:
    if c.isascii():
        return c.isalpha()
    return _LATIN.match(c) is not None


def is_fullwidth_mark(c: str) -> bool:
    return bool(c) and (c in FW_OPEN or c in FW_CLOSE or c in FW_CLAUSE)


def protect_urls(doc: Document) -> None:
    """Mark URLs and e-mail addresses as protected: no normalization rule may edit inside them."""
    text = doc.text
    if "://" in text or "www." in text or "@" in text:
        spans = [m.span() for m in _URL.finditer(text)]
        if spans:
            doc.protect(spans)


def segmenter(options) -> Callable[[str], list[Segment]]:
    """The language runs of a text, by the same configured segmenter as the segment stage."""
    from .stages import segment

    relabel = segment.setup(options)

    def run(text: str, lang_before: str | None = None) -> list[Segment]:
        scratch = Document(text, lang_before=lang_before)
        relabel(scratch)
        return scratch.segments

    return run


def resegmenter(options) -> Callable[[Document], None]:
    """Label the language runs again when a stage after ``segment`` has changed the text.

    Segments are moved through each edit, not recomputed: after ``5。780`` became ``5.780`` the moved
    runs may say something that the segment stage, run on the cleaned text, will not. Deciding on
    fresh runs is what makes cleaning the output again change nothing."""
    runs_of = segmenter(options)

    def run(doc: Document) -> None:
        if doc.segments and any(c.stage not in _BEFORE_SEGMENT for c in doc.changes):
            doc.segments = runs_of(doc.prose_view(), doc.lang_before)

    return run


_BEFORE_SEGMENT = {"invisible", "structure"}
# A quote: any double quote, a single one unless it is an apostrophe (a Latin letter on both sides).
_QUOTE = regex.compile(r"[\"“”＂]|(?<!\p{Latin})['‘’＇]|['‘’＇](?!\p{Latin})")


def decision_view(text: str) -> str:
    """``text`` as the normalization rules read it to label language runs (same length).

    The runs depend on the form of quotes (``"`` joins two Latin words, ``'`` ends one, ``“`` opens a
    run) and of spaces (U+3000 does not join two words, a space does). The rules that change those
    decide on runs of this view, which their own edits cannot move: every quote becomes a character the
    segmenter ignores, every odd space an ordinary one."""
    return _odd_spaces().sub(" ", _QUOTE.sub("\ue000", text))


@lru_cache(maxsize=1)
def _odd_spaces() -> regex.Pattern:
    return regex.compile("[" + regex.escape(space_chars().replace(" ", "")) + "]")


class LangIndex:
    """``lang_at`` in O(log n): the document's own lookup rebuilds its index on every call.

    Build it again after every ``doc.apply`` that the caller still reads positions from."""

    def __init__(self, segments: list[Segment]):
        self.starts = [s.start for s in segments]
        self.langs = [s.lang for s in segments]

    def __call__(self, pos: int) -> str | None:
        if not self.starts:
            return None
        return self.langs[max(bisect_right(self.starts, pos) - 1, 0)]

    def starts_run(self, pos: int) -> bool:
        """Whether a run starts at ``pos`` after a run of another language."""
        i = bisect_right(self.starts, pos) - 1
        return i > 0 and self.starts[i] == pos


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
