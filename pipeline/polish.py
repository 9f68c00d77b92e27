"""The earlier stages again after a content stage changed words, only where the change can matter.

A content stage (terms) replaces words, and the stages before it decide by words: a line's length
(structure), a clause's language (segment), spam words (spam), the marks and spaces around words
(punctuation, spacing). So that cleaning the output again changes nothing, its output must be what the
earlier stages leave as it is. Running them all again over the whole document does that, and costs as
much as their first run (on the seed, twice what the glossary itself costs). ``Polish`` gets the same
result with less, in three steps:

1. What is cheap and exact to check on the whole document is checked there: the structure stage runs
   again on a scratch copy (if it would join lines, everything runs again as it used to; the blocks it
   finds become the document's). Whether a changed paragraph may hold spam at all: from what the spam
   stage saw (no anchor word: then only the changes' own words can be one), or from the detector's
   quick test (``Detector.may_hold_anchor``); see ``_spam_needs``.
2. Each change is read: a change of plain words (``_shape``) is read by no earlier stage but for the
   words' language (the segment stage) and, in two places, the punctuation stage; an apostrophe at its
   edge is a quote for the punctuation and spacing stages; anything else may matter to any stage. The
   language runs are checked where a change could move them (``_keeps_runs``, ``_window``).
3. The paragraphs with something left to check are cleaned again by the stages that may act there, as
   documents of their own: every earlier stage works on whole paragraphs (``registry.context``), so
   that is what the whole document gets there, and the stages left out make no change there. If this
   changes any text or flag, all the earlier stages run again over the whole document, as they used to.

A stage run again over the whole document replaces the flags it made (they used to be made twice).
Markdown and HTML documents, and options under which an earlier stage needs the whole document
(``--variant auto``), always get the whole run.

All this rests on the law the earlier stages keep without a glossary: what they made of a paragraph,
they leave as it is when they see it again (cleaning twice changes nothing).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Callable

import regex

from .document import Document, Edit, PositionMap, Segment, edits_before, merge_runs, merge_spans
from .options import Options
from .registry import PARAGRAPH, STAGES, context
from .stages import punctuation, segment, spacing, spam, structure
from .stages.variant import may_hold_urls
from .script_classes import LATIN
from .spam import detector_for
from .stream import boundary
from .typography import ASCII_CLAUSE, CONTENT_CLASS, FW_CLAUSE, form_fold, is_han

# Words on both sides of a plain change: ASCII letters, one space between words, hyphens and
# apostrophes inside words. (No digits: the numbers stage and the digit rules of the others read them.)
_PLAIN = regex.compile(r"[A-Za-z]+(?:(?: |-|')[A-Za-z]+)*")
# The same with an apostrophe at an edge (``five elders'``): a quote to the punctuation stage.
_QUOTED = regex.compile(r"'?[A-Za-z]+(?:(?: |-|')[A-Za-z]+)*'?")
# Where the punctuation stage's clauses end (``punctuation._is_boundary``): a line end, or a clause mark
# that is not between two digits.
_CLAUSE_MARK = "[" + regex.escape(FW_CLAUSE + ASCII_CLAUSE) + "]"
_BOUNDARY_BEFORE = regex.compile(rf"(?r)\n|(?<!\d){_CLAUSE_MARK}|{_CLAUSE_MARK}(?!\d)")
# (The same as ``\n|(?<!\d)MARK|MARK(?!\d)``, written to start with one character class: ``re`` then
# skips to the candidates, five times faster; ``test_boundary_after_is_the_plain_pattern``.)
_BOUNDARY_AFTER = re.compile(rf"[\n{regex.escape(FW_CLAUSE + ASCII_CLAUSE)}](?:(?<=\n)|(?<!\d{_CLAUSE_MARK})|(?!\d))")
_CONTENT_BEFORE = regex.compile("(?r)" + CONTENT_CLASS)
# The characters of a Latin phrase to the segment stage (its ``_LATIN_JOIN`` and ``_LATIN_DOT``), read on
# the folded text: the phrase around a change is at most the run of them around it.
_PHRASE = f"(?:{segment._LATIN_JOIN}|{segment._LATIN_DOT})*"
_PHRASE_BEFORE = regex.compile("(?r)" + _PHRASE)
# The same phrase read forward on the reversed text (``re``, three times faster than ``regex``'s reverse
# match): each step takes one character, so the lookarounds swap sides (``_phrase_start``).
_PHRASE_REVERSED = re.compile(rf"(?:{segment._LATIN_JOIN}|(?<=[{LATIN}\d])\.|(?<=\d)[,;:](?=\d))*")
_PHRASE_AFTER = re.compile(_PHRASE)  # (``re`` where it can: a few times faster on these classes)
# Where the segment stage's decisions do not reach across (``_window``): the end of one, the start of the
# other (the marks are folded as the segment stage folds them).
_FOLDS_TO_CLAUSE_END = "，。；：？！、,.;:?!"
_CUT_BEFORE = regex.compile(rf"(?r)(?:\p{{Han}}[{_FOLDS_TO_CLAUSE_END}][ \t\u3000]*(?=\p{{Latin}}))|\n")
_CUT_AFTER = regex.compile(rf"(?<=\p{{Latin}})[{_FOLDS_TO_CLAUSE_END}][ \t\u3000]*(?=\p{{Han}})|\n")
_CLAUSE_END_AT = segment._CLAUSE_END  # a clause end on the folded text (a mark not inside a number)
_STRETCH_GAP = re.compile("[" + re.escape(segment._STRETCH_GAP) + "]*")  # between phrases of a stretch
_LATIN_LETTER = re.compile(f"[{LATIN}]")
_PHRASE_START = re.compile(rf"[{LATIN}\d]")  # where a phrase can start
_URL_MARKS = ("://", "www.", "@")  # what every URL and e-mail address holds (``typography.url_spans``)
_WHITESPACE_BEFORE = regex.compile(r"(?r)\s")
_WHITESPACE_AFTER = regex.compile(r"\s")
_SPACES = spacing.SPACES + "\t"
REACH = 160  # characters looked at around a change for its phrase (more: the runs are checked)

ALL = "all"  # every earlier stage
# The stages whose changes keep what the spam detector sees (it reads widths, marks and the spaces
# beside Chinese alike); not variant, whose conversion can spell an anchor word (开云 from 開云).
_KEEP_SPAM = frozenset({"width", "numbers", "punctuation", "spacing"})


class Polish:
    """The enabled stages before ``name``, set up once, and what they need to see again of a document
    that stage ``name`` changed."""

    def __init__(self, name: str, options: Options):
        self.stages: list[tuple[str, Callable[[Document], None]]] = []
        modules = []
        for stage in STAGES:
            if stage.NAME == name:
                break
            if options.enabled(stage.NAME):
                self.stages.append((stage.NAME, stage.setup(options)))
                modules.append(stage)
        self.names = frozenset(n for n, _ in self.stages)
        runs = dict(self.stages)
        # Whether every earlier stage works on whole paragraphs: then a paragraph can be cleaned again
        # as a document of its own.
        self.by_paragraph = all(context(m, options) == PARAGRAPH for m in modules)
        self.structure = runs.get(structure.NAME)
        self.segment = runs.get(segment.NAME)
        self.spam = detector_for(options.rules) if spam.NAME in runs else None  # the spam stage's own
        self.fold = form_fold(options.rules)
        self.cut_at = boundary(options.enabled("line-end"), options.enabled("trailing-space"))
        # The same cuts in a text without CR, as a ``re`` pattern (ten times faster than ``regex`` here).
        self.cut_at_lf = re.compile(r"\n(?:[^\S\r\n]*\n)+" if options.enabled("trailing-space") else r"\n\n+")

    def __call__(self, doc: Document, first: int) -> None:
        """Bring ``doc`` back to what the earlier stages leave as it is, after its changes from index
        ``first`` on (one content stage's, in one or more ``apply`` calls)."""
        if not (self.by_paragraph and doc.format == "text" and doc.text):
            self.whole(doc)
            return
        text = doc.text
        blocks = None
        if self.structure is not None:
            scratch = self._scratch(doc)
            self.structure(scratch)
            if scratch.changes:  # lines to join: a rare case, handled as it always was
                self.whole(doc)
                return
            blocks = scratch.blocks
        need: list[tuple[int, int, str]] = []  # (start, end, stage): a change its paragraph needs a stage for
        windows: list[tuple[int, int]] = []  # where the runs are to be checked
        urls = None  # whether the text may hold a URL (looked at when needed)
        runs = _Runs(doc.segments)
        labels = runs if self.segment is not None else None
        clauses: dict[tuple[int, int], int] = {}  # long clauses ending in Chinese -> characters moved
        covered = -1  # end of the last phrase read whole: changes inside it are settled
        changes = changed_spans(doc, first)
        for (s, e), texts, rewritten in changes:
            kind, p, q, english = _shape(*texts)
            if kind is None:
                need.append((s, e, ALL))
                continue
            if rewritten:  # a later change wrote over it: it lies somewhere in ``text[s:e]``
                p = q = 0
            start, end = min(s + p, e), max(s, e - q)
            if kind == "quoted":
                # A quote to the punctuation stage; to the spacing stage, a delimiter of a Han stretch,
                # and what decides a space beside it (``men's ’s`` keeps its space, ``elders' ’s`` not).
                need.append((s, e, punctuation.NAME))
                if _han_beside(text, start, end) or _space_beside(text, start, end):
                    need.append((s, e, spacing.NAME))
            elif start == 0 or text[start - 1] == "\n":  # heading patterns read a line's first word
                need.append((s, e, punctuation.NAME))
            elif len(texts[1]) != len(texts[0]):  # (a change that keeps the length moves nothing)
                clause = _clause_ending_in_chinese(text, start, end)
                if clause is _LONG:
                    need.append((s, e, punctuation.NAME))
                elif clause is not None:
                    clauses[clause] = clauses.get(clause, 0) + abs(len(texts[1]) - len(texts[0]))
            if labels is None or end <= covered or (english and labels.at(start) == labels.at(end - 1) == "e"):
                continue
            if urls is None:
                urls = may_hold_urls(text)  # (one of ``_URL_MARKS``: five times faster than one search for them all)
            phrase = _keeps_runs(text, start, end, labels, self.fold, urls)
            if phrase is not None:
                covered = phrase
            elif not windows or end > windows[-1][1]:  # (a change inside the last window: checked with it)
                windows.append(_window(text, start, end, windows[-1][0] if windows else 0))
        need += [(a, a, punctuation.NAME) for (a, b), moved in clauses.items() if b - a + moved >= punctuation.LOOK]
        paragraphs = _paragraph_starts(text, self.cut_at if "\r" in text else self.cut_at_lf)
        needs: dict[int, set[str]] = {}  # paragraph -> the stages to run again there
        for s, e, stage in need:
            # (A change that spans paragraphs needs them all: they are cleaned again as one group.)
            for i in range(_index(paragraphs, s), _index(paragraphs, max(s, e - 1)) + 1):
                needs.setdefault(i, set()).add(stage)
        if windows and not self._runs_kept(doc, runs, windows):
            return self._new_runs(doc, paragraphs, needs, blocks)
        if self.spam is not None:
            self._spam_needs(doc, first, paragraphs, needs, changes)
        if not self._again(doc, paragraphs, needs, runs):
            self.whole(doc)
            return
        if blocks is not None:
            doc.blocks = blocks
        doc.segmented_at = len(doc.changes)  # the runs are those the segment stage finds now

    def _spam_needs(self, doc: Document, first: int, paragraphs: list[int], needs: dict[int, set[str]],
                    changes) -> None:
        """The changed paragraphs that the spam stage must see again: those that may hold an anchor word
        (``Detector.may_hold_anchor``: without one, nothing in them can be spam).

        When the spam stage found no anchor word in the text and only the normalization stages changed
        it since (they keep what the detector sees: its view reads the forms they convert alike), the
        changes here are the only place one can be: a word of a plain change that is a word of an anchor
        (``Detector.anchor_letters``), or the neighbours of a quote at a change's edge. Otherwise every
        changed paragraph is looked at."""
        text = doc.text
        seen = doc.stats.get(spam.ANCHORED)
        # (One stage's changes per ``apply`` call: the first change of each call tells its stage.)
        if seen is not None and not seen[0] and all(
                doc.changes[b].stage in _KEEP_SPAM for b in doc.batches if seen[1] <= b < first):
            letters = self.spam.anchor_letters()
            for (s, e), texts, _ in changes:
                kind = _shape(*texts)[0]
                if kind is None:
                    continue  # its paragraph is cleaned again by every stage
                if not letters.isdisjoint(_words_of(texts[1])) or (kind == "quoted" and (
                        text[s - 1:s].isalnum() or text[e:e + 1].isalnum())):
                    needs.setdefault(_index(paragraphs, s), set()).add(spam.NAME)
            return
        if self.spam.may_hold_anchor(text):
            for i in sorted({_index(paragraphs, s) for (s, _), _, _ in changes}):
                if self.spam.may_hold_anchor(_paragraph(text, paragraphs, i)):
                    needs.setdefault(i, set()).add(spam.NAME)

    def whole(self, doc: Document) -> None:
        """Every earlier stage again over the whole document; each replaces its flags."""
        doc.flags = [f for f in doc.flags if f.stage not in self.names]
        for _, run in self.stages:
            run(doc)

    def _runs_kept(self, doc: Document, runs: "_Runs", windows: list[tuple[int, int]]) -> bool:
        """Whether the segment stage finds, in each of these windows (``_window``) segmented alone, the runs
        the document has there."""
        for a, b in merge_spans(windows):
            part = Document(doc.text[a:b], source=doc.source, format=doc.format)
            self.segment(part)
            if merge_runs(runs.within(a, b)) != part.segments:
                return False
        return True

    def _new_runs(self, doc: Document, paragraphs: list[int], needs: dict[int, set[str]], blocks) -> None:
        """The runs moved: the segment stage's runs of the whole text, and every stage again on each
        paragraph where they differ (or all over again when that changes something)."""
        scratch = self._scratch(doc)
        self.segment(scratch)
        fresh = scratch.segments
        for p in _label_changes(doc.segments, fresh, len(doc.text)):
            needs[_index(paragraphs, p)] = {ALL}  # the readings above assumed the runs stayed
        if not self._again(doc, paragraphs, needs, _Runs(fresh)):
            self.whole(doc)
            return
        if blocks is not None:
            doc.blocks = blocks
        doc.segments = fresh
        doc.segmented_at = len(doc.changes)

    def _again(self, doc: Document, paragraphs: list[int], needs: dict[int, set[str]], runs: "_Runs") -> bool:
        """Clean the paragraphs that need it again, each group with the stages it needs, and the runs
        ``runs`` (the document's, or those the segment stage finds now); True when that changes nothing
        (no text, no flag, no run)."""
        groups: list[tuple[int, int, set[str]]] = []
        n = len(doc.text)
        for i in sorted(i for i, stages in needs.items() if stages):
            a, b = paragraphs[i], paragraphs[i + 1] if i + 1 < len(paragraphs) else n
            if groups and groups[-1][1] == a:
                groups[-1] = (groups[-1][0], b, groups[-1][2] | needs[i])
            else:
                groups.append((a, b, set(needs[i])))
        for a, b, stages in groups:
            stage_runs = [(name, run) for name, run in self.stages if ALL in stages or name in stages]
            part = self._part(doc, a, b, runs)
            for _, run in stage_runs:
                run(part)
            names = {name for name, _ in stage_runs}
            if part.changes or _flags(part.flags, 0) != _flags(doc.flags, a, b, names):
                return False
            if segment.NAME in names and part.segments != merge_runs(runs.within(a, b)):
                return False
        return True

    @staticmethod
    def _scratch(doc: Document) -> Document:
        """A copy of the text and what the stages read besides it, to run a stage on for a look."""
        copy = Document(doc.text, source=doc.source, format=doc.format, at_start=doc.at_start,
                        at_end=doc.at_end, lang_before=doc.lang_before)
        copy.protected = list(doc.protected)
        return copy

    @staticmethod
    def _part(doc: Document, a: int, b: int, runs: "_Runs") -> Document:
        """The paragraphs ``text[a:b]`` as a document of their own, as a large file's piece is."""
        before = doc.lang_before if a == 0 else runs.lang(a - 1)
        part = Document(doc.text[a:b], source=doc.source, format=doc.format, at_start=doc.at_start and a == 0,
                        at_end=doc.at_end and b == len(doc.text), lang_before=before)
        part.protected = [(max(s, a) - a, min(e, b) - a) for s, e in doc.protected if s < b and e > a]
        part.segments = [Segment(s, e, lang) for s, e, lang in runs.within(a, b)]
        return part


@lru_cache(maxsize=4096)
def _shape(before: str, after: str) -> tuple[str | None, int, int, bool]:
    """What differs between ``before`` and ``after`` (widened to whole words: a common prefix of ``p``
    and a common suffix of ``q`` characters), and what it is: ``"plain"`` words on both sides
    (``_PLAIN``), ``"quoted"`` ones (an apostrophe at an edge), or None; and whether what it writes is
    English to the segment stage whatever stands around it (``_keeps_runs``).

    Plain words hold no character that the invisible, width or numbers stages act on or read, nor a
    mark, quote or bracket; their first and last characters are letters, so every rule that looks at
    a neighbour (a mark's, a quote's, a space's, a Han character's) sees a letter of the same run
    before and after the change."""
    p, q = _common_affixes(before, after)
    a, b = slice(p, len(before) - q), slice(p, len(after) - q)
    # (Its first word may not count where it stands: after a quote or a hyphen, ``segment._words``.)
    english = _english_phrase(after, b.start, b.stop, spare=1)
    if _PLAIN.fullmatch(before, a.start, a.stop) and _PLAIN.fullmatch(after, b.start, b.stop):
        return "plain", p, q, english
    if _QUOTED.fullmatch(before, a.start, a.stop) and _QUOTED.fullmatch(after, b.start, b.stop):
        return "quoted", p, q, english
    return None, p, q, False


def _english_phrase(text: str, start: int, end: int, spare: int = 0) -> bool:
    """Words that the segment stage keeps English in any phrase that holds them: four or more (it
    gives a phrase to Chinese only when it has at most three; ``spare`` more when some may not count)
    and "the" or "and" among them (it judges another language only a stretch of
    ``segment.MIN_DETECT_WORDS`` words or more without them)."""
    return (segment._words(text, start, end) >= segment.MIN_DETECT_WORDS + spare
            and segment._ENGLISH_FUNCTION_WORD.search(text, start, end) is not None)


@lru_cache(maxsize=4096)
def _words_of(text: str) -> frozenset[str]:
    return frozenset(regex.findall("[a-z]+", text.lower()))


def _common_affixes(before: str, after: str) -> tuple[int, int]:
    """The lengths of the common prefix and suffix of two phrases, each a run of whole words."""
    n = min(len(before), len(after))
    p = 0
    while p < n and before[p] == after[p]:
        p += 1
    while p and before[p - 1] != " ":  # back to the start of a word
        p -= 1
    q = 0
    while q < n - p and before[-1 - q] == after[-1 - q]:
        q += 1
    while q and before[len(before) - q] != " ":  # back to the end of a word
        q -= 1
    return p, q


def _space_beside(text: str, start: int, end: int) -> bool:
    """Whether a space stands right before or after ``text[start:end]``."""
    return (start > 0 and text[start - 1] in _SPACES) or (end < len(text) and text[end] in _SPACES)


def _han_beside(text: str, start: int, end: int) -> bool:
    """Whether the nearest character other than a space before or after ``text[start:end]`` is Han."""
    i = start - 1
    while i >= 0 and text[i] in _SPACES:
        i -= 1
    j = end
    while j < len(text) and text[j] in _SPACES:
        j += 1
    return (i >= 0 and is_han(text[i])) or (j < len(text) and is_han(text[j]))


_LONG = (-1, -1)  # a clause whose ends lie beyond what is looked at


def _clause_ending_in_chinese(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The clause of a change, when the punctuation stage may read its start: ``(start, end)``, or
    ``_LONG`` when it may and its ends lie more than ``2 * punctuation.LOOK`` characters away.

    A mark after a Han character takes the language of the first letter or Han character of its
    clause (``punctuation.mark_lang``), looked for at most ``punctuation.LOOK`` characters back. In a
    clause that ends in Chinese and is that long, before or after its changes, the changes move what is
    found there."""
    reach = 2 * punctuation.LOOK
    stop = _BOUNDARY_AFTER.search(text, end, end + reach)
    if stop is None:
        return None if end + reach >= len(text) else _LONG  # (the end of the text ends no clause)
    if stop.group() == "\n":
        return None  # no mark ends the clause
    i = stop.start()
    if "a" <= text[i - 1].lower() <= "z":
        return None  # the mark that ends it follows a letter: settled by it
    last = _CONTENT_BEFORE.search(text, start, i)
    if last is None or not is_han(last.group()):
        return None
    first = _BOUNDARY_BEFORE.search(text, max(0, start - reach), start)
    if first is None and start > reach:
        return _LONG
    return first.end() if first else 0, i


def _keeps_runs(text: str, start: int, end: int, labels: "_Runs", fold, urls: bool = True) -> int | None:
    """Whether a change of plain words at ``text[start:end]`` surely leaves every language run as it was;
    if so, where the phrase around it ends (None: check the runs).

    The change lies in an English phrase (the segment stage's Latin token), read here as the segment
    stage reads it (``fold``: its fold): the run of phrase characters around the change. The segment
    stage gives a phrase to Chinese only when it has at most three words and a Han character stands
    next to it in its clause, and judges another language only a stretch of English phrases (separated
    by marks and spaces) without "the" or "and". So a phrase of four words or more, or one that a
    clause end closes on both sides, in a stretch that holds "the" or "and", stays English; it was
    English before, and then no other decision changes either. (A URL, blank to the segment stage, may
    cut a phrase: none may be in it. ``urls``: whether the text may hold one at all.)"""
    if labels.at(start) != "e" or labels.at(end - 1) != "e":
        return None
    w = _Window(text, start, end, fold, urls)
    a, b = w.phrase(start, end)
    if a < 0:
        return None
    if w.english(a, b):
        return b
    if not (w.closed_before(a) and w.closed_after(b)):
        return None
    if w.function_word(a, b) or w.stretch_has_function_word(a, b, labels):
        return b
    return None


class _Window:
    """The line around a change (at most ``REACH`` characters each way), folded as the segment stage
    folds it; positions are the text's."""

    def __init__(self, text: str, start: int, end: int, fold, urls: bool):
        self.text, self.urls = text, urls
        self.lo = text.rfind("\n", max(0, start - REACH), start) + 1 or max(0, start - REACH)
        hi = text.find("\n", end, end + REACH)
        self.hi = min(len(text), end + REACH) if hi < 0 else hi
        # Two characters more each way: a mark's neighbours (``，`` between digits folds otherwise).
        self.off = max(0, self.lo - 2)
        self.f = fold(text[self.off:min(len(text), self.hi + 2)])

    def phrase(self, start: int, end: int) -> tuple[int, int]:
        """The run of phrase characters around ``[start, end)``; ``(-1, -1)`` when a URL may be in it."""
        f, o, text = self.f, self.off, self.text
        a = _phrase_start(f, self.lo - o, start - o) + o
        b = _PHRASE_AFTER.match(f, end - o, self.hi - o).end() + o
        if not self.urls:
            return a, b
        # The whitespace-delimited chunks the run overlaps: a URL or e-mail address lies within one.
        lo, hi = self.lo, self.hi
        ca = _WHITESPACE_BEFORE.search(text, lo, a)
        cb = _WHITESPACE_AFTER.search(text, b, hi)
        if (ca is None and text[lo - 1:lo] not in ("", "\n")) or (cb is None and text[hi:hi + 1] not in ("", "\n")):
            return -1, -1  # the chunk goes on beyond what is looked at
        if any(mark in text[ca.end() if ca else lo:cb.start() if cb else hi] for mark in _URL_MARKS):
            return -1, -1
        return a, b

    def english(self, a: int, b: int) -> bool:
        """Whether the phrase in the run ``[a, b)`` has the words to stay English anywhere: counted as the
        segment stage counts them, from its first letter (a number before it: not looked into) to its
        last letter or digit."""
        f, o = self.f, self.off
        first = _PHRASE_START.search(f, a - o, b - o)
        if not (first and _LATIN_LETTER.match(f, first.start())):
            return False
        last = b - o
        while not (f[last - 1].isalnum() or f[last - 1] == "%"):  # (the run holds a letter: it stops)
            last -= 1
        return _english_phrase(f, first.start(), last)

    def closed_before(self, a: int) -> bool:
        """A clause ends right before the run (or the line starts there)."""
        return self.text[a - 1:a] in ("", "\n") or (a > self.lo and bool(_CLAUSE_END_AT.match(self.f, a - 1 - self.off)))

    def closed_after(self, b: int) -> bool:
        return self.text[b:b + 1] in ("", "\n") or (b < self.hi and bool(_CLAUSE_END_AT.match(self.f, b - self.off)))

    def function_word(self, a: int, b: int) -> bool:
        return segment._ENGLISH_FUNCTION_WORD.search(self.f, a - self.off, b - self.off) is not None

    def stretch_has_function_word(self, a: int, b: int, labels: "_Runs") -> bool:
        """Whether an English phrase after the run ``[a, b)`` in its stretch (``segment._detect_other``:
        English phrases with nothing but marks and spaces between them) holds "the" or "and". Only the
        phrases sure to be in the stretch are read: each starts and ends with a letter, nothing but marks
        and spaces stands between it and the last one, and it was English."""
        f, o = self.f, self.off
        while True:
            edge = len(f[a - o:b - o].rstrip(" \t")) + a
            if not (edge > a and _LATIN_LETTER.match(f, edge - 1 - o)):
                return False
            nxt = _STRETCH_GAP.match(f, edge - o, self.hi - o).end() + o
            if nxt >= self.hi or not _LATIN_LETTER.match(f, nxt - o) or labels.at(nxt) != "e":
                return False
            a, b = self.phrase(nxt, nxt + 1)
            if a < 0:
                return False
            if self.function_word(a, b):
                return True


def _phrase_start(f: str, lo: int, pos: int) -> int:
    """Where the run of phrase characters that ends at ``pos`` starts, at ``lo`` at the earliest: what
    ``_PHRASE_BEFORE.match(f, lo, pos).start()`` finds. The reversed text is read from ``pos`` back to
    two characters before ``lo``: ``regex`` looks behind ``lo`` (a mark between digits there counts) and
    not past ``pos``, as a reversed string does; each step reads one character each side, so what lies
    further back changes nothing (and a long line is not copied for every repair)."""
    n = _PHRASE_REVERSED.match(f[max(lo - 2, 0):pos][::-1]).end()
    return pos - min(n, pos - lo)


def _window(text: str, start: int, end: int, floor: int = 0) -> tuple[int, int]:
    """The stretch around ``text[start:end]`` that the segment stage decides alone: from the last
    Chinese phrase before it (a Han character, a clause mark, then Latin) to the first one after it (a
    Latin letter, a clause mark, then Han), or to the ends of the line.

    There the Chinese phrase (the segment stage's Han token) ends with the Han character and the Latin
    one starts with the letter, and the clause mark between them ends both clauses: no decision of the
    segment stage reads across (a clause, a stretch of English phrases, a number against Han, a phrase
    next to Han in its clause), and the mark goes with the run before it. ``floor``: such a place (or a
    line start) at or before ``start``, where the look back may stop."""
    m = _CUT_BEFORE.search(text, floor, start)
    a = m.end() if m else floor
    m = _CUT_AFTER.search(text, end)
    b = m.start() if m else len(text)
    return a, b


class _Runs:
    """A document's language runs (sorted, covering the text), read by position."""

    def __init__(self, segments: list[Segment]):
        self.segments = segments
        self.starts = [g.start for g in segments]

    def at(self, pos: int) -> str | None:
        """The language of the run at ``pos``, as one letter."""
        i = bisect_right(self.starts, pos) - 1
        return self.segments[i].lang[0] if i >= 0 else None

    def lang(self, pos: int) -> str | None:
        i = bisect_right(self.starts, pos) - 1
        return self.segments[i].lang if i >= 0 else None

    def within(self, a: int, b: int) -> list[tuple[int, int, str]]:
        """The runs of ``[a, b)``, cut to it, with offsets from ``a``."""
        i = max(0, bisect_right(self.starts, a) - 1)
        out = []
        segments = self.segments
        while i < len(segments) and segments[i].start < b:
            g = segments[i]
            if g.end > a:
                out.append((max(g.start, a) - a, min(g.end, b) - a, g.lang))
            i += 1
        return out


def changed_spans(doc: Document, first: int) -> list[tuple[tuple[int, int], tuple[str, str], bool]]:
    """Each change from index ``first`` on, in order: where its ``after`` lies in the text as it is now,
    its ``before`` and ``after``, and whether a later change wrote over it (then the span is where its
    text went: the later change's)."""
    bounds = [b for b in doc.batches if b >= first] + [len(doc.changes)]
    out: list[tuple[tuple[int, int], tuple[str, str], bool]] = []
    for b, e in zip(bounds, bounds[1:]):
        batch = doc.changes[b:e]
        if out:  # move the spans of the earlier batches through this one's edits
            edits = edits_before(batch)
            moved = PositionMap(edits).spans([span for span, _, _ in out])
            starts = [x.start for x in edits]
            out = [(new, texts, rewritten or new[1] - new[0] != old[1] - old[0] or _touches(edits, starts, *old))
                   for (old, texts, rewritten), new in zip(out, moved)]
        out += [((c.start, c.start + len(c.after)), (c.before, c.after), False) for c in batch]
    out.sort()
    return out


def _touches(edits: list[Edit], starts: list[int], s: int, e: int) -> bool:
    """Whether an edit (sorted; ``starts``: theirs) replaces or inserts text within or at the edges of
    ``[s, e)``."""
    i = bisect_right(starts, e)
    return i > 0 and edits[i - 1].end >= s


def _paragraph_starts(text: str, cut_at) -> list[int]:
    """Where each paragraph starts: the start of the text and the end of each run of blank lines (as
    a large file is cut into pieces, ``stream.pieces``)."""
    return [0] + [m.end() for m in cut_at.finditer(text) if m.end() < len(text)]


def _index(starts: list[int], pos: int) -> int:
    return bisect_right(starts, pos) - 1


def _paragraph(text: str, starts: list[int], i: int) -> str:
    return text[starts[i]:starts[i + 1] if i + 1 < len(starts) else len(text)]


def _label_changes(old: list[Segment], new: list[Segment], n: int) -> list[int]:
    """Positions where the language of ``new`` differs from that of ``old`` (one per differing stretch)."""
    def labels(segments):
        return "".join(g.lang[0] * (g.end - g.start) for g in segments).ljust(n, "-")
    a, b = labels(old), labels(new)
    out = []
    i = 0
    while i < n:
        if a[i] != b[i]:
            out.append(i)
            while i < n and a[i] != b[i]:
                i += 1
        i += 1
    return out


def _flags(flags, a: int, b: int | None = None, stages=None) -> list[tuple]:
    """The flags in ``[a, b)`` (of the given stages), as comparable tuples relative to ``a``."""
    return sorted((f.stage, f.rule, f.start - a, f.end - a, f.message) for f in flags
                  if (b is None or a <= f.start < b) and (stages is None or f.stage in stages))
