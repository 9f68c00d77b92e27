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
    for probe in probes(pattern):
        try:
            compiled.search(probe, timeout=PROBE_TIMEOUT)
        except TimeoutError:
            shown = repr(probe[:6] + "…")
            raise ConfigError(f"{where}: pattern {pattern!r} backtracks catastrophically (more than "
                              f"{PROBE_TIMEOUT} s on {PROBE_LENGTH} characters like {shown}): rewrite it "
                              "without repetition inside repetition, such as (a+)+ or (a|aa)*") from None
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
