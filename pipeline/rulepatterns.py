"""Regular expressions that come from rule files (``--rules``): checked when loaded, bounded when run.

A rule file is data, but a pattern in it is a small program: ``(a|aa)+$`` takes longer than the age of
the universe on a line of forty ``a``. Users can give patterns in spam rules (``[[signal]] pattern``) and
in the normalization rules (``[chinese_spaces] heading_number``). Each is

1. compiled (a syntax error names the file and the entry, exit 2);
2. probed: searched in strings made of its own characters and of common ones (``aaaa…`` + a NUL, a
   character no rule names, so that a pattern anchored at the end tries every way of matching), with a
   time limit. A pattern that runs out of time on a probe of 2,000 characters backtracks
   catastrophically and is rejected (exit 2), naming the file, the entry and the probe;
3. run with a time limit on every document (``BoundedPattern``): a pattern that the probes did not
   catch and that runs out of time fails that document with an error naming the rule, and the batch
   goes on with the next one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterator

import regex

from .rules import ConfigError

PROBE_LENGTH = 2000  # characters in each probe
PROBE_TIMEOUT = 0.25  # seconds per probe: a linear pattern needs well under a millisecond
MATCH_TIMEOUT = 5.0  # seconds per search in a document
MAX_PROBES = 64
# Characters that stand for the classes a pattern may use, tried whatever the pattern says.
COMMON = "a1 中.-_/:@,x"
_CLASS_ESCAPES = {"d": "1", "w": "a", "s": " ", "D": "a", "W": "-", "S": "a", "b": "", "B": "", "A": "", "Z": ""}
_PROPERTY = regex.compile(r"\\[pP]\{[^}]*\}|\\[pP][A-Za-z]")


class PatternTimeout(ConfigError):
    """A rule's pattern ran out of time on a document (that document fails, the batch goes on)."""


def pattern_chars(pattern: str) -> str:
    """The characters a pattern is made of, as a probe would use them: its literals, the ends of its
    ranges, a representative of each class escape (``\\d`` -> ``1``), ``中`` for a property."""
    chars: list[str] = []
    if _PROPERTY.search(pattern):
        chars += ["中", "a"]
    text = _PROPERTY.sub("", pattern)
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            chars.append(_CLASS_ESCAPES.get(nxt, nxt if not nxt.isalnum() else ""))
            i += 2
            continue
        if c not in "()[]{}|*+?^$.-,=!<>:#":
            chars.append(c)
        i += 1
    return "".join(dict.fromkeys(c for c in chars if c and c.isprintable()))


def probes(pattern: str) -> list[str]:
    """Strings on which a catastrophically backtracking pattern runs out of time, each ending in a
    NUL, a character the pattern does not name: each character repeated, each of the pattern's own
    characters followed by a run of another (``q(a|aa)+$`` needs ``qaaaa…``), and its own characters in turn."""
    own = pattern_chars(pattern)
    singles = list(dict.fromkeys(own + COMMON))
    out = [c * PROBE_LENGTH + "\x00" for c in singles]
    if len(own) > 1:
        out.append((own * (PROBE_LENGTH // len(own) + 1))[:PROBE_LENGTH] + "\x00")
        out.append((" ".join(own) + " ") * (PROBE_LENGTH // (2 * len(own)) + 1) + "\x00")
        out += [a + b * PROBE_LENGTH + "\x00" for a in own for b in own if a != b]
    return out[:MAX_PROBES]


def check_pattern(pattern: str, where: str, flags: int = 0) -> regex.Pattern:
    """Compile a pattern from a rule file and probe it; ``ConfigError`` naming ``where`` if it is not
    a valid pattern or backtracks catastrophically."""
    try:
        compiled = regex.compile(pattern, flags)
    except regex.error as exc:
        raise ConfigError(f"{where}: bad pattern: {exc}") from None
    # A pattern that passed its probes once is not probed again at every start (the probes of the
    # shipped patterns were two thirds of the spam rules' set-up, 25 ms): the cache folder keeps that it
    # passed, keyed by the pattern, its flags, the regex module's version and the probes' settings. A
    # pattern that fails is never kept: it fails every time.
    from .translation.cache import kept_json

    key = hashlib.sha256(repr((pattern, flags, regex.__version__, PROBE_LENGTH, PROBE_TIMEOUT, MAX_PROBES, COMMON))
                         .encode("utf-8", "surrogatepass")).hexdigest()

    def probed() -> bool:
        for probe in probes(pattern):
            try:
                compiled.search(probe, timeout=PROBE_TIMEOUT)
            except TimeoutError:
                shown = repr(probe[:6] + "…")
                raise ConfigError(f"{where}: pattern {pattern!r} backtracks catastrophically (more than "
                                  f"{PROBE_TIMEOUT} s on {PROBE_LENGTH} characters like {shown}): rewrite it "
                                  "without repetition inside repetition, such as (a+)+ or (a|aa)*") from None
        return True

    kept_json(f"patterns/probed-{key[:32]}.json", probed, lambda stored: stored is True)
    return compiled


@dataclass(frozen=True)
class BoundedPattern:
    """A compiled rule pattern whose every search is limited in time (see the module docstring)."""

    pattern: regex.Pattern
    where: str
    timeout: float | None = None  # None: MATCH_TIMEOUT, read when the search runs

    @property
    def limit(self) -> float:
        return MATCH_TIMEOUT if self.timeout is None else self.timeout

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match]:
        endpos = len(string) if endpos is None else endpos
        try:
            yield from self.pattern.finditer(string, pos, endpos, timeout=self.limit)
        except TimeoutError:
            raise self._timeout() from None

    def spans(self, string: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The spans of ``finditer`` in each of ``ranges`` (``pos``, ``endpos``), in one list: no
        generator per range (the spam detector searches a hundred ranges per 300 KB for each pattern)."""
        search, limit = self.pattern.finditer, self.limit
        try:
            return [m.span() for pos, endpos in ranges for m in search(string, pos, endpos, timeout=limit)]
        except TimeoutError:
            raise self._timeout() from None

    def fullmatch(self, string: str, pos: int = 0, endpos: int | None = None) -> regex.Match | None:
        return self._bounded(self.pattern.fullmatch, string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int | None = None) -> regex.Match | None:
        return self._bounded(self.pattern.match, string, pos, endpos)

    def _bounded(self, method, string: str, pos: int, endpos: int | None) -> regex.Match | None:
        try:
            return method(string, pos, len(string) if endpos is None else endpos, timeout=self.limit)
        except TimeoutError:
            raise self._timeout() from None

    def _timeout(self) -> PatternTimeout:
        return PatternTimeout(f"{self.where}: pattern {self.pattern.pattern!r} ran out of time "
                              f"({self.limit:g} s) on this document (catastrophic backtracking): the "
                              "document was not cleaned; fix or remove the pattern")


def bounded_pattern(pattern: str, where: str, flags: int = 0) -> BoundedPattern:
    """``check_pattern``, then every search bounded in time."""
    return BoundedPattern(check_pattern(pattern, where, flags), where)


# -- literals every match holds -------------------------------------------------------------------

LITERAL_SETS = 256  # strings at most in a set of literals worked out (beyond: not known)
_ESCAPED_LITERALS = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_ONE_CHARACTER = set("dwsDWS")  # class escapes: one character, not known which
_ZERO_WIDTH = set("bBAZ")  # assertions: no character
_SPECIAL = set("\\.^$*+?{}[]()|")


class _Unknown(Exception):
    """A construct the literal analysis does not follow (the pattern gets no literals)."""


@dataclass(frozen=True)
class _Part:
    exact: frozenset[str] | None  # every string the part matches, when known (and few)
    needed: frozenset[str] | None  # one of them is in every match, when known (none empty)


_EMPTY = _Part(frozenset([""]), None)  # an assertion, or nothing
_ANY = _Part(None, None)  # one character, or anything


def required_literals(pattern: str) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` holds (a match of ``(?:https?://|www\\.)\\S+``
    holds ``http://``, ``https://`` or ``www.``); None when the analysis does not know any (a class or a
    dot alone, an optional part, a flag, a back reference, any construct it does not follow).

    A search for these with an automaton tells where the pattern cannot match, without running it: the
    spam detector runs each pattern only in the windows that hold one of its literals. Only what a match
    consumes counts (lookarounds hold nothing); a literal is matched as written (no flags)."""
    try:
        part, end = _alternation(pattern, 0)
    except (_Unknown, IndexError, RecursionError):  # (IndexError: the pattern ends where more is due)
        return None
    return part.needed if end == len(pattern) else None


def _alternation(p: str, i: int) -> tuple[_Part, int]:
    branches = []
    part, i = _sequence(p, i)
    branches.append(part)
    while i < len(p) and p[i] == "|":
        part, i = _sequence(p, i + 1)
        branches.append(part)
    if len(branches) == 1:
        return branches[0], i
    exact = None
    if all(b.exact is not None for b in branches):
        exact = _limited(frozenset().union(*(b.exact for b in branches)))
    needed = None
    if all(b.needed is not None for b in branches):
        needed = _limited(frozenset().union(*(b.needed for b in branches)))
    return _Part(exact, needed if exact is None or "" in exact else exact), i


def _sequence(p: str, i: int) -> tuple[_Part, int]:
    parts: list[_Part] = []
    while i < len(p) and p[i] not in "|)":
        part, i = _atom(p, i)
        part, i = _quantified(p, i, part)
        parts.append(part)
    return _joined(parts), i


def _joined(parts: list[_Part]) -> _Part:
    """A sequence: its exact strings, and the best set of needed ones of any part or of any run of
    parts with exact strings (their products: ``注册(?:即|就)?送`` needs ``注册即送``, ``注册就送`` or ``注册送``)."""
    choices = [part.needed for part in parts if part.needed is not None]
    run: frozenset[str] | None = frozenset([""])
    for part in [*parts, _ANY]:
        if part.exact is not None and run is not None:
            run = _limited(frozenset(a + b for a in run for b in part.exact))
            continue
        if run is not None and "" not in run:
            choices.append(run)
        run = part.exact
    exact = frozenset([""])
    for part in parts:
        exact = None if exact is None or part.exact is None else _limited(frozenset(a + b for a in exact for b in part.exact))
    if exact is not None:
        return _Part(exact, exact if "" not in exact else None)
    # The most selective: the longest shortest string, then the fewest strings.
    needed = max(choices, key=lambda c: (min(map(len, c)), -len(c)), default=None)
    return _Part(None, needed)


def _limited(strings: frozenset[str]) -> frozenset[str] | None:
    return strings if len(strings) <= LITERAL_SETS else None


def _atom(p: str, i: int) -> tuple[_Part, int]:
    c = p[i]
    if c == "(":
        if p.startswith("(?:", i):
            part, i = _alternation(p, i + 3)
        elif p.startswith(("(?=", "(?!"), i) or p.startswith(("(?<=", "(?<!"), i):
            _, i = _alternation(p, i + (4 if p[i + 2] == "<" else 3))
            part = _EMPTY  # (what a lookaround reads is not consumed)
        elif p.startswith("(?", i):
            raise _Unknown  # flags, named groups, atomic groups, conditionals, comments ...
        else:
            part, i = _alternation(p, i + 1)
        if p[i] != ")":
            raise _Unknown
        return part, i + 1
    if c == "[":
        return _class(p, i)
    if c == ".":
        return _ANY, i + 1
    if c in "^$":
        return _EMPTY, i + 1
    if c == "\\":
        e = p[i + 1]
        if e in _ESCAPED_LITERALS:
            return _literal(_ESCAPED_LITERALS[e]), i + 2
        if e in _ONE_CHARACTER:
            return _ANY, i + 2
        if e in _ZERO_WIDTH:
            return _EMPTY, i + 2
        if e.isascii() and not e.isalnum() and e.isprintable():
            return _literal(e), i + 2
        raise _Unknown  # \p{..}, \x.., \N{..}, a back reference ...
    if c in _SPECIAL:
        raise _Unknown  # a quantifier with nothing before it, a stray bracket
    return _literal(c), i + 1


def _literal(c: str) -> _Part:
    return _Part(frozenset([c]), frozenset([c]))


def _class(p: str, i: int) -> tuple[_Part, int]:
    """``[...]``: a single character written alone (``[:]``) is that character; any other class, one
    character not known. A ``[`` inside (a POSIX class, a nested set) is not followed."""
    j = i + 1
    if j < len(p) and p[j] == "^":
        j += 1
    if j < len(p) and p[j] == "]":
        j += 1
    while p[j] != "]":
        if p[j] == "[":
            raise _Unknown
        j += 2 if p[j] == "\\" else 1
    inside = p[i + 1:j]
    if len(inside) == 1 and inside not in "^\\":
        return _literal(inside), j + 1
    return _ANY, j + 1


_BOUNDS = re.compile(r"\{(\d+)(?:(,)(\d*))?\}")


def _quantified(p: str, i: int, part: _Part) -> tuple[_Part, int]:
    if i >= len(p) or p[i] not in "?*+{":
        return part, i
    if p[i] == "{":
        m = _BOUNDS.match(p, i)
        if m is None:
            raise _Unknown  # (``regex`` reads ``{,3}``, ``{e<=1}`` ... its own ways)
        low = int(m.group(1))
        high = low if m.group(2) is None else (int(m.group(3)) if m.group(3) else None)
        i = m.end()
    else:
        low, high = {"?": (0, 1), "*": (0, None), "+": (1, None)}[p[i]]
        i += 1
    if i < len(p) and p[i] in "?+":  # lazy or possessive: the same strings
        i += 1
    if low == 0 and high == 1 and part.exact is not None:
        return _Part(part.exact | {""}, None), i
    if low == 0:
        return _ANY, i
    if low == high == 1:
        return part, i
    return _Part(None, part.needed), i
