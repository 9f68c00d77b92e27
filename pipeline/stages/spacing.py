"""Spacing between Chinese, English, numbers and marks: every run of spaces gets one decision.

Rules (each a change record unless marked flag, each can be switched off with ``--disable RULE``):
- ``space-fullwidth``: no space next to a full-width mark: after ``“《（`` and ``，。`` or before ``，。”》）``,
  and none before ``“《（`` after a Han character (``落实 《`` -> ``落实《``).
- ``space-han-latin``: one space between a Han character and a Latin word (``快递企业Closely`` ->
  ``快递企业 Closely``, ``推进5G网络`` -> ``推进 5G 网络``), or a number that starts an English run
  (``五老3.40,000 people`` -> ``五老 3.40,000 people``).
- ``digit-spacing``: Han characters and numbers in Chinese text. Off (the default, official style):
  ``135 万`` -> ``135万``. On (``--digit-spacing``, the copywriting guidelines): ``有135万`` -> ``有 135 万``,
  never inside a date or time (``2023年7月14日``) nor between a number and ``%``.
- ``space-after-mark``: one space after an ASCII ``,`` or ``;`` glued to the next word, and after
  ``.:?!`` glued to Chinese (``work,Under`` -> ``work, Under``; ``Congress,坚持`` -> ``Congress, 坚持``).
- ``space-in-chinese``: a space between two Han characters goes (``宣 传``, ``北大荒集团 关工委``), except
  between the phrases of a slogan or list (``“关爱明天 普法先行”``) or after a numbered heading
  (``第一章 总则``); see ``chinese_space``.
- ``kept-space`` (flag): a space kept between two Han characters that may not be deliberate.
- ``ideographic-space``: U+3000 becomes a normal space where a space belongs, nothing where none does
  (Chinese paragraph indentation at the start of a line).
- ``collapse-spaces``: a run of spaces becomes one.
"""

from __future__ import annotations

import re
from typing import Callable

import regex

from ..document import Document, Edit
from ..options import Options
from ..script_classes import HAN_SCRIPT, LATIN
from ..typography import (ASCII_CLAUSE, FW_CLAUSE, FW_CLOSE, FW_OPEN, LATIN_CHARS, Conventions, LangIndex, is_han,
                          load_conventions, protect_urls, runs_for, space_chars)
from . import segment

NAME = "spacing"
RULES = ("space-fullwidth", "space-han-latin", "digit-spacing", "space-after-mark",
         "space-in-chinese", "kept-space", "ideographic-space", "collapse-spaces")
CONTEXT = "paragraph"  # works line by line: large files can be cleaned piece by piece

SPACES = space_chars()
# Runs of spaces that may need a decision are found from their parts: odd spaces (``str.find``), and an
# ASCII space before another or beside a character outside ASCII. One pattern finds the second kind: it
# starts with the space, so that the stdlib ``re`` jumps from space to space, and takes the next
# character when that decides (a lookahead there, and a pattern for each case, were 1.8x slower); a space
# it takes lies in the run of the one before it.
_ODD = SPACES.replace(" ", "")
_SPACE_BY_WIDE = re.compile(" (?:[ \x80-\U0010ffff]|(?<=[^\x00-\x7f] ))")
_AS_SPACE = str.maketrans({c: " " for c in SPACES})
# Where a space may go in: around stretches of Han characters, and after ASCII marks glued to a word.
# (Found from the Han stretches and the marks: one lookaround pattern over every position is 2-10x slower.)
# A stretch is found with the standard-library ``re`` and ``\p{Han}`` as ranges (``HAN_SCRIPT``), its first
# character tested against one wide range before the exact class: the scan rejects each character
# outside it with one comparison, where the exact class (ranges past U+FFFF) costs three times as much,
# and ``regex`` more again (2.3x faster in all on the benchmark text; tests/test_spacing_fast.py).
# Only the ends of a stretch that touch a Latin letter, a digit or ``%`` count, so a stretch runs on over
# the Chinese marks and spaces between Han characters (none of them a word character): a clause with its
# commas is one match, not one per phrase (3.5x fewer matches; han_word_points 1.8x faster). The loop
# over Han and marks ends on a Han character: what it took past the last one it gives back (linear).
_HAN_SPAN = "\u2e80-\U0003347f"  # every Han character lies in it
_HAN_JOINERS = "，。、；：？！“”‘’《》（）【】〈〉〔〕「」『』…—· \u3000"
_HAN_CLAUSE = re.compile(f"[{_HAN_SPAN}](?<=[{HAN_SCRIPT}])(?:[{HAN_SCRIPT}{_HAN_JOINERS}]*[{HAN_SCRIPT}])?")
# An ASCII mark glued to what follows: ``,;`` before a Latin letter, a Han character, a digit or a full-width
# opener, ``.:?!`` before Han or an opener. One ``re`` pattern that starts with the marks (so the scan jumps
# from mark to mark), tests the next character against one wide range (ASCII letters and digits and all
# past ASCII: most marks end a sentence before a space and go no further), then the exact classes
# (1.3x faster than that wide test followed by a ``regex`` call for each mark it let through). A digit
# past ASCII is ``regex``'s to judge (group ``other``): its Unicode tables are newer than those of ``re``.
_FW_OPEN_CLASS = re.escape(FW_OPEN)
_GLUED_MARK = re.compile(rf"[,;.:?!](?=[0-9A-Za-z\x80-\U0010ffff])"
                         rf"(?:(?<=[,;])(?:(?=[{LATIN}{HAN_SCRIPT}0-9{_FW_OPEN_CLASS}])|(?=(?P<other>[^\x00-\x7f])))"
                         rf"|(?=[{HAN_SCRIPT}{_FW_OPEN_CLASS}]))")
_DIGIT = regex.compile(r"\d")
CLAUSE_MARKS = FW_CLAUSE + ASCII_CLAUSE
# The word or number next to a Han character: letters, digits and what holds a token together (PM2.5,
# COVID-19), up to 64 characters each way.
# (The standard-library ``re`` and \p{Latin} as ranges, and a set for the walk back: 15,000 calls each
# per 10 MB, where ``regex``'s calls cost twice as much.)
_TOKEN_CHARS = frozenset("0123456789._-+%'’") | LATIN_CHARS  # A-Z and a-z are Latin
_LATIN_AHEAD = re.compile(f"[0-9._\\-+%'’]*[{LATIN}]")  # a Latin letter in the word from here on
_OPENERS = FW_OPEN + "\"'(["
# ASCII marks after which one ordinary space before a Han character stays as it is (none of them a
# full-width mark, a curly quote, a word character or ``%``: each test of ``space_run`` lets it pass)
_MARKS_KEEP_SPACE_BEFORE_HAN = frozenset(".,;:?!)]\"'") - frozenset(FW_OPEN + FW_CLOSE + FW_CLAUSE + "“”‘’")
_CLOSERS = FW_CLOSE + "\"')]"


def setup(options: Options) -> Callable[[Document], None]:
    conv = load_conventions(options.rules)
    rules = {rule for rule in RULES if options.enabled(rule)}
    digit_spacing = options.digit_spacing
    relabel = segment.setup(options) if options.enabled(segment.NAME) else None

    def run(doc: Document) -> None:
        protect_urls(doc)
        langs = runs_for(doc, relabel)
        spacer = Spacer(doc.text, langs, conv, digit_spacing)
        edits = []
        text = doc.text
        for s, e in space_runs(text):
            decision = spacer.space_run(s, e)
            if decision is None:
                continue
            after, rule = decision
            if rule == "kept-space":
                if rule in rules:
                    doc.flag(NAME, rule, s, e, "space kept between Chinese phrases of unequal "
                             "length: a slogan's pause or a stray space? (remove it by hand if stray)")
                rule = "space-in-chinese"
            if rule in rules and after != text[s:e]:
                edits.append(Edit(s, e, after, rule))
        for p in glued_marks(text):
            if spacer.after_mark(p) in rules:  # what ``insertion`` decides after a mark
                edits.append(Edit(p, p, " ", "space-after-mark"))
        for p in han_word_points(text):
            rule = spacer.insertion(p)
            if rule in rules:
                edits.append(Edit(p, p, " ", rule))
        doc.apply(NAME, edits)

    return run


def space_runs(text: str) -> list[tuple[int, int]]:
    """The runs of spaces that may need a decision: two or more, an odd space, or a space next to a
    character outside ASCII. (A single space between ASCII characters never changes here; skipping them
    is most of this stage's speed on English text.)"""
    n = len(text)
    runs: dict[int, int] = {}  # start -> end of each run found

    def run_at(k: int) -> int:
        """Record the run holding the space at ``k``; its end."""
        start = k
        while start and text[start - 1] in SPACES:
            start -= 1
        if start not in runs:
            end = k + 1
            while end < n and text[end] in SPACES:
                end += 1
            runs[start] = end
        return runs[start]

    # Each search goes on past the run it found: walking a run back from each of its spaces was
    # quadratic (100,000 U+3000 in a row took 274 s).
    for odd in _ODD:
        k = text.find(odd)
        while k >= 0:
            k = text.find(odd, run_at(k))
    reached = 0
    for m in _SPACE_BY_WIDE.finditer(text):
        k = m.start()
        if k >= reached:
            reached = run_at(k)
    # Each run found qualifies (its odd space, or the space the pattern found, is the reason): no filter
    return sorted(runs.items())


def insertion_points(text: str) -> list[int]:
    """Positions between a Han character and a Latin letter, digit or ``%``, and after a glued mark."""
    return glued_marks(text) + han_word_points(text)


def glued_marks(text: str) -> list[int]:
    """Positions after an ASCII mark glued to a word (``work,Under``, ``Congress,坚持``)."""
    digit = _DIGIT.match
    return [m.end() for m in _GLUED_MARK.finditer(text) if m.lastgroup is None or digit(text, m.end())]


_WORD_BEFORE_HAN = frozenset("0123456789%") | LATIN_CHARS
_WORD_AFTER_HAN = frozenset("0123456789") | LATIN_CHARS


def han_word_points(text: str) -> list[int]:
    """Positions between a Han character and a Latin letter, digit or (before the Han) ``%``."""
    points = []
    before, after = _WORD_BEFORE_HAN, _WORD_AFTER_HAN
    n = len(text)
    for m in _HAN_CLAUSE.finditer(text):  # a Han character inside one touches no word character
        s, e = m.span()
        if s and text[s - 1] in before:
            points.append(s)
        if e < n and text[e] in after:
            points.append(e)
    return points


def _word_char(c: str) -> bool:
    return "0" <= c <= "9" or c in LATIN_CHARS  # (``is_latin``, without the call)


class Spacer:
    """Decisions on one text: what a run of spaces becomes, whether a space goes in at a position."""

    def __init__(self, text: str, langs: LangIndex, conv: Conventions, digit_spacing: bool):
        self.text = text
        self.langs = langs
        self.conv = conv
        self.digit_spacing = digit_spacing

    # -- runs of spaces ------------------------------------------------------------------------------

    def space_run(self, s: int, e: int) -> tuple[str, str] | None:
        """``(replacement, rule)`` for the spaces ``text[s:e]``, or None to leave them."""
        text = self.text
        left = text[s - 1] if s else "\n"
        right = text[e] if e < len(text) else "\n"
        if left in _MARKS_KEEP_SPACE_BEFORE_HAN and e - s == 1 and text[s] == " " and is_han(right):
            return None  # ``... the end. 中文``: half of all the runs, settled before the tests below
        if left == "\n":  # indentation: only the ideographic spaces go
            kept = text[s:e].replace("\u3000", "")
            return (kept, "ideographic-space") if right != "\n" else None
        if right == "\n":
            return None  # trailing spaces are the invisible stage's
        if left in CLAUSE_MARKS and right.isdigit() and _neighbour(text, s - 1, -1).isdigit() \
                or right in CLAUSE_MARKS and left.isdigit() and _neighbour(text, e, +1).isdigit():
            # ``2023。 2024``, ``5 ， 2``: glued, the mark would read as a decimal point or a separator
            return self._single(s, e)
        if left in "“”‘’" and _word_char(right) or right in "“”‘’" and _word_char(left):
            return self._single(s, e)  # ``“小哥” Courier``: glued, ``s’C`` would read as an apostrophe
        if left in FW_OPEN or left in FW_CLOSE or left in FW_CLAUSE or right in FW_CLOSE or right in FW_CLAUSE:
            return "", "space-fullwidth"
        left_han, right_han = is_han(left), is_han(right)
        if right in FW_OPEN and left_han:
            return "", "space-fullwidth"
        if left_han and right_han:
            return self.chinese_space(s, e)
        if left_han and _word_char(right) or right_han and (_word_char(left) or left == "%"):
            rule = self._han_neighbour(s - 1 if not left_han else e, left_is_word=not left_han)
            if rule == "digit-spacing":
                return ("", rule) if not self._digit_space_wanted(s - 1, e) else self._single(s, e)
            if rule == "space-han-latin":
                return self._single(s, e)
        return self._single(s, e)

    def _single(self, s: int, e: int) -> tuple[str, str] | None:
        run = self.text[s:e]
        if run == " ":
            return None
        return " ", ("ideographic-space" if run == "\u3000" else "collapse-spaces")

    # -- Chinese next to Latin words and numbers -------------------------------------------------------

    def _han_neighbour(self, pos: int, left_is_word: bool) -> str:
        """Rule for a Han character next to the word or number at ``pos`` (the word is left of the Han
        character when ``left_is_word``): ``space-han-latin`` or ``digit-spacing``."""
        text = self.text
        if text[pos] in LATIN_CHARS:  # the letter itself is in the word (no walk)
            return "space-han-latin"
        # Most words next to Han are numbers (``2023年``): the walk back looks for a letter as it goes, and
        # one pattern for the rest of the word (a walk, then a search of what it covered, cost twice as much)
        start, first = pos, max(0, pos - 64)
        while start > first:
            c = text[start - 1]
            if c not in _TOKEN_CHARS:
                break
            if c in LATIN_CHARS:
                return "space-han-latin"
            start -= 1
        if _LATIN_AHEAD.match(text, pos + 1, pos + 65):
            return "space-han-latin"
        labels = self.langs.labels  # ``self.langs(pos) == "en"``, without the call
        if labels[pos] == "e" if pos < len(labels) else self.langs(pos) == "en":
            return "space-han-latin"  # a number that starts or ends an English run
        return "digit-spacing"

    def _digit_space_wanted(self, left: int, right: int) -> bool:
        """With --digit-spacing, whether a space belongs between ``text[left]`` and ``text[right]`` (a Han
        character and a number): never before a date or time unit nor inside a date (``7月14日``)."""
        if not self.digit_spacing:
            return False
        text, units = self.text, self.conv.no_space_before
        if text[right] in units:
            return False
        if text[left] in units and left > 0 and text[left - 1].isdigit():
            return False
        return True

    def insertion(self, p: int) -> str | None:
        """The rule that puts a space at ``p`` (between two characters), or None."""
        text = self.text
        left, right = text[p - 1], text[p]
        left_han = is_han(left)
        if left_han or is_han(right):
            if left in ",;.:?!":
                return self.after_mark(p)
            word = p if left_han else p - 1
            if left == "%" and not (p > 1 and text[p - 2].isdigit()):
                return None
            rule = self._han_neighbour(word, left_is_word=not left_han)
            if rule == "digit-spacing" and not self._digit_space_wanted(p - 1, p):
                return None
            return rule
        return self.after_mark(p)

    def after_mark(self, p: int) -> str | None:
        """The rule that puts a space at ``p``, after an ASCII mark: ``insertion``'s answer there."""
        text = self.text
        mark, nxt = text[p - 1], text[p]
        before = text[p - 2] if p > 1 else ""
        if before.isdigit() and (nxt.isdigit() or mark == "."):
            return None  # 1,000 / 1.加强 (a list number)
        return "space-after-mark"

    # -- a space between two Han characters ------------------------------------------------------------

    def chinese_space(self, s: int, e: int) -> tuple[str, str] | None:
        """Keep the space only between phrases of a slogan or list, or after a numbered heading.

        The Han stretch around the space (Han characters and spaces) must fill a quotation, a title,
        brackets or a whole line, and split at its spaces into phrases of the configured number and
        length: equal lengths are deliberate (kept), unequal ones are kept and flagged ("kept-space").
        Anything else is a stray space inside a sentence: ``北大荒集团 关工委在微信公众号上开设``."""
        text, conv = self.text, self.conv
        limit = conv.max_phrases * (conv.max_length + 1)
        start = s
        while start > 0 and (is_han(text[start - 1]) or text[start - 1] in SPACES) and s - start <= limit:
            start -= 1
        end = e
        while end < len(text) and (is_han(text[end]) or text[end] in SPACES) and end - e <= limit:
            end += 1
        while text[start] in SPACES:  # spaces around the stretch belong to its delimiters
            start += 1
        while text[end - 1] in SPACES:
            end -= 1
        pieces = text[start:end].translate(_AS_SPACE).split()
        before_space = text[start:s].translate(_AS_SPACE).split()
        if len(before_space) == 1 and conv.heading_number.fullmatch(before_space[0]):
            return self._single(s, e)
        ldelim = _neighbour(text, start, -1)
        rdelim = _neighbour(text, end - 1, +1)
        enclosed = (ldelim == "\n" or ldelim in _OPENERS) and (rdelim == "\n" or rdelim in _CLOSERS)
        shaped = (conv.min_phrases <= len(pieces) <= conv.max_phrases
                  and all(conv.min_length <= len(p) <= conv.max_length for p in pieces))
        if not (enclosed and shaped):
            return "", "space-in-chinese"
        if len({len(p) for p in pieces}) == 1:
            return self._single(s, e)
        return " ", "kept-space"


def _neighbour(text: str, i: int, step: int) -> str:
    """The nearest character before (step -1) or after (+1) ``i``, spaces skipped; a newline at the ends."""
    j = i + step
    while 0 <= j < len(text) and (text[j] in SPACES or text[j] == "\t"):
        j += step
    return text[j] if 0 <= j < len(text) else "\n"
