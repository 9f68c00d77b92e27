"""Punctuation per language run: each mark in the convention of the language it belongs to.

Rules (each a change record, each can be switched off with ``--disable RULE``):
- ``doubled-mark``: two marks of one kind in a row, one of them full-width (``.。``, ``，,``, ``。。``,
  also across a closing quote or spaces: ``."。``, ``， ，``), or ``,,``: the second goes. Three or more in a row (an
  ellipsis) and ASCII ``..`` (a path) stay.
- ``punct-width``: a clause-ending mark takes the language of the clause it ends: ``，。；：？！、``
  after Chinese, ``,.;:?!`` after English (``deepened。`` -> ``deepened.``, ``贯彻,各方面`` -> ``贯彻，各方面``).
  A full-width mark that becomes ASCII brings the space that English needs after it when text follows.
- ``quotes``: Chinese sentences use “” and ‘’, English ones ``"`` and ``'``; a quoted phrase takes the
  form of the sentence around it (``他说“the quick fox”很好``). The direction of each quote is read from
  its neighbours, and from the quote before it on the line when the neighbours cannot tell
  (``”中华魂”`` -> ``“中华魂”``).
- ``space-before-mark``: no space before an ASCII mark in English (``Province" :`` -> ``Province":``).
  (Here and not in the spacing stage: the space decides whether the runs join ``word .`` to what follows.)
- ``brackets``: a matched pair of round brackets takes the form of the language it encloses: ``(二)``
  -> ``（二）`` in Chinese, ``plan（2021-2025）to`` -> ``plan (2021-2025) to`` in English (with the spaces
  that the full-width pair carried). Unmatched brackets stay.

Which language a mark belongs to (``mark_lang``): the nearest letter or Han character before it in the
same clause, labelled by the language runs (so ``app`` inside a Chinese clause is Chinese). A clause with
neither (``2023,省关工委``) takes the language of what follows the mark. A Chinese name ending an English
clause that English continues after the mark (``Created by 哈铁集团, for ...``) is English.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Callable, Iterable

import regex

from ..document import Change, Document, Edit, edits_before
from ..options import Options
from ..typography import (ASCII_CLAUSE, CLOSING, CONTENT_CLASS, FW_CLAUSE, FW_OPEN, LATIN_CHARS, Conventions,
                          LangIndex, is_han, is_latin, load_conventions, protect_urls, runs_for, space_chars)
from . import segment
from .structure import load_patterns

NAME = "punctuation"
RULES = ("doubled-mark", "punct-width", "quotes", "brackets", "space-before-mark")
CONTEXT = "paragraph"  # works line by line: large files can be cleaned piece by piece

SPACES = "\t" + space_chars()
CLAUSE_MARKS = FW_CLAUSE + ASCII_CLAUSE
LOOK = 200  # how far a clause is searched for its language, in characters
# Searches for the nearest letter or Han character (the same classes as ``is_han`` and ``is_latin``).
_CONTENT = regex.compile(CONTENT_CLASS)
_CONTENT_OR_BREAK = regex.compile(CONTENT_CLASS + r"|\n")
_CONTENT_OR_BREAK_BEFORE = regex.compile(r"(?r)" + CONTENT_CLASS + r"|\n")
_CONTENT_OR_STOP_BEFORE = regex.compile(r"(?r)" + CONTENT_CLASS + r"|[\n" + regex.escape(CLAUSE_MARKS) + "]")
_STOP_BEFORE = regex.compile(r"(?r)[\n" + regex.escape(CLAUSE_MARKS) + "]")
# Where a Chinese quote can only open / only close.
OPEN_CONTEXT = FW_OPEN + "([：，、；:,;"
_ENGLISH_OR_NONE = ("en", None)
NAMES = LangIndex.NAMES
CLOSE_CONTEXT = "”’》）】〕」』〉)]" + CLAUSE_MARKS
QUOTE_CHARS = "\"'“”‘’＂＇"
# What reads as a space before a quote (`` "Opinions``, ``,"Opinions``, ``》"Opinions``): a clause mark, a
# closing mark or another quote. The spacing stage takes out a space after the full-width forms and keeps
# it after the ASCII ones, and the width, brackets and quotes rules choose between those forms: read as a
# space, such a mark tells the same with a space after it or without, before and after the conversions.
SPACED_BEFORE = frozenset(SPACES + CLAUSE_MARKS + CLOSING + QUOTE_CHARS)
_SKIPPED = frozenset(SPACES + QUOTE_CHARS)  # what a quote's neighbours are looked for past
PAIR_CLOSERS = QUOTE_CHARS + "）)"  # what may stand between two marks of a doubled pair
_SPACE_SET = frozenset(SPACES)
_CLAUSE_MARK_SET = frozenset(CLAUSE_MARKS)
_PAIR_GAP = frozenset(SPACES + PAIR_CLOSERS)
_NO_SPACE_AFTER = frozenset(SPACES + "\n" + CLOSING + CLAUSE_MARKS)  # what an ASCII mark needs no space before


def setup(options: Options) -> Callable[[Document], None]:
    conv = load_conventions(options.rules)
    doubled = _doubled_pattern(conv)
    scan = Scanner(conv)
    # Whether the scan looks for every mark of a doubled pair, every mark a space may precede (a user's
    # conventions may make it otherwise: then they are searched).
    pairs_found = set(doubled[1]) <= scan.mark_chars
    spaced_found = set(CLAUSE_MARKS) <= scan.mark_chars
    heading = load_patterns()[1]
    relabel = segment.setup(options) if options.enabled(segment.NAME) else None
    quotes = [(zo, zc, en) for zo, zc, en, _also in conv.quotes]
    on = options.enabled

    def run(doc: Document) -> None:
        protect_urls(doc)
        # The rules read the labels of letters and Han characters only, and those labels do not change
        # when marks, quotes, brackets and spaces are converted (segment.py reads the text through
        # ``typography.form_fold``): the runs found by the segment stage, moved through each edit, are
        # the runs of the text as it stands. Doubled marks go first; the other rules then decide on the
        # same text, each blind to what the others convert (a quote's form, a mark's width, a space a
        # converted mark brings), so that one round leaves nothing for a second one, nor for cleaning
        # the output again.
        markers = marker_marks(doc.text, heading)
        found = scan(doc.text)
        if on("doubled-mark"):
            starts = pair_starts(doc.text, found.marks, doubled) if pairs_found else None
            applied = doc.apply(NAME, doubled_edits(doc.text, doubled, markers, starts))
            if applied:  # a few per document: what was found is moved through them, not found again
                markers = moved_markers(markers, doc.changes[-applied:], doc.text, heading)
                found = scan.moved(found, doc.changes[-applied:])
        text = doc.text
        langs = runs_for(doc, relabel)
        edits: list[Edit] = []
        if on("punct-width"):
            zh_runs = [(s.start, s.end) for s in doc.segments if s.lang == "zh"]
            edits += width_edits(text, langs, scan.marks(text, found, zh_runs), conv, markers)
        if on("quotes"):
            for (zo, zc, en), at in zip(quotes, found.quotes):
                edits += quote_edits(text, langs, at, zo, zc, en)
        if on("brackets"):
            for forms, at in zip(conv.brackets, found.brackets):
                edits += bracket_edits(text, langs, at, *forms)
        if on("space-before-mark"):
            after_space = marks_after_space(text, found.marks if spaced_found else None)
            edits += space_before_mark_edits(text, langs, after_space)
        doc.apply(NAME, edits)

    return run


# -- finding the marks, quotes and brackets ----------------------------------------------------------

@dataclass
class Found:
    """What one scan of the text found (positions, in order)."""

    marks: list[int]  # clause-ending marks that their neighbours do not settle (``Scanner``)
    quotes: list[list[int]]  # the quotes of each quote convention (``Conventions.quotes``)
    brackets: list[list[int]]  # the brackets of each bracket convention


class Scanner:
    """One pass of the stdlib ``re`` over the text finds the marks of every rule but the doubled marks
    (each further pass over 8 M characters costs 25 ms: one per quote convention, one for brackets, one
    for marks). Of the clause-ending marks it leaves out the two cases that their neighbours settle,
    about half of the marks: an ASCII mark after an ASCII letter (``word,``; unless the letter is in a
    Chinese run: ``marks`` adds those) and a full-width one between two common Han characters
    (``中，中``); ``width_edits`` skips the same ones (``mark_finder`` gives every mark, for the tests
    that compare the two). Of the quotes it leaves out an apostrophe in a word (``Party's``)."""

    def __init__(self, conv: Conventions):
        ascii_marks = "".join(conv.en_to_zh)  # the marks ``width_edits`` settles by the letter before
        other_marks = "".join(sorted({*conv.zh_to_en} - {*conv.en_to_zh}))  # by the characters around
        self.quote_chars = ["".join(q[:3]) + q[3] for q in conv.quotes]
        self.bracket_chars = ["".join(b) for b in conv.brackets]
        self.mark_chars = frozenset(ascii_marks + other_marks)
        kept = "".join(self.quote_chars + self.bracket_chars)
        # An apostrophe between two ASCII letters (``Party's``) is settled too: ``quote_edits`` leaves
        # ``'`` in a word as it is (when ``'`` is the English form of one quote convention and nothing else).
        apostrophe = "'" if kept.count("'") == 1 and "'" in [q[2] for q in conv.quotes] else ""
        kept = kept.replace(apostrophe, "") if apostrophe else kept
        cases = []
        if kept:
            cases.append(f"(?<=[{re.escape(kept)}])")
        if apostrophe:
            cases.append("(?<=')(?:(?<![A-Za-z].)|(?![A-Za-z]))")
        kept += apostrophe
        if ascii_marks:
            cases.append(f"(?<=[{re.escape(ascii_marks)}])(?<![A-Za-z].)")
        if other_marks:
            cases.append(f"(?<=[{re.escape(other_marks)}])(?:(?<![\u4e00-\u9fff].)|(?![\u4e00-\u9fff]))")
        every = re.escape("".join(sorted({*ascii_marks, *other_marks, *kept})))
        # The class first: ``re`` jumps from one of its characters to the next, the lookarounds run there.
        self.pattern = re.compile(f"[{every}](?:{'|'.join(cases)})")
        # ASCII marks after an ASCII letter of a Chinese run (``使用GitLab,部署``), searched run by run.
        self.after_letter = re.compile(f"[{re.escape(ascii_marks)}](?<=[A-Za-z].)") if ascii_marks else None

    def __call__(self, text: str) -> Found:
        found = Found([], [[] for _ in self.quote_chars], [[] for _ in self.bracket_chars])
        route: dict[str, list] = {}
        for chars, at in zip(self.quote_chars + self.bracket_chars, found.quotes + found.brackets):
            for c in chars:
                route.setdefault(c, []).append(at.append)
        for c in route:
            if c in self.mark_chars:
                route[c].append(found.marks.append)
        add_mark = found.marks.append
        for m in self.pattern.finditer(text):
            i = m.start()
            to = route.get(text[i])
            if to is None:
                add_mark(i)
            else:
                for add in to:
                    add(i)
        return found

    def moved(self, found: Found, changes: list[Change]) -> Found:
        """``found`` moved through the changes of the ``doubled-mark`` rule (those of one
        ``Document.apply``): the marks they took out are dropped. They take out spaces and a mark, and
        put in a space or nothing; the marks beside them were not settled by their neighbours before
        (the one after followed a mark; the full-width one before was followed by no Han character, and
        the ASCII one before keeps the letter it follows), and are not after: none is missing."""
        spans = _change_spans(changes)
        return Found(_moved(found.marks, spans), [_moved(at, spans) for at in found.quotes],
                     [_moved(at, spans) for at in found.brackets])

    def marks(self, text: str, found: Found, zh_runs: list[tuple[int, int]]) -> list[int]:
        """The marks for ``width_edits``: those found, and the ASCII marks after an ASCII letter of a
        Chinese run (``zh_runs``: the (start, end) of each; the letter decides, ``labels[i - 1]``)."""
        if self.after_letter is None:
            return found.marks
        extra: list[int] = []
        search = self.after_letter.search  # (most runs have none: one search each, no iterator)
        for start, end in zh_runs:
            m = search(text, start + 1, end + 1)
            while m is not None:
                extra.append(m.start())
                m = search(text, m.end(), end + 1)
        return sorted(found.marks + extra) if extra else found.marks


def _change_spans(changes: list[Change]) -> list[tuple[int, int, int]]:
    """(start, end, shift after it) of each change of one ``Document.apply``, in offsets of the text
    before it (a change records its offsets in the text with the changes before it made)."""
    spans = []
    shift = 0
    for e in edits_before(changes):
        shift += len(e.after) - (e.end - e.start)
        spans.append((e.start, e.end, shift))
    return spans


def _moved(positions: list[int], spans: list[tuple[int, int, int]]) -> list[int]:
    """Sorted ``positions`` moved through the changes ``spans`` (``Scanner.moved``)."""
    out: list[int] = []
    k = shift = 0
    for start, end, after in spans:
        j = bisect_left(positions, start, k)
        out += [p + shift for p in positions[k:j]] if shift else positions[k:j]
        k = bisect_left(positions, end, j)  # (those inside the change are gone)
        shift = after
    out += [p + shift for p in positions[k:]] if shift else positions[k:]
    return out


# -- doubled marks -----------------------------------------------------------------------------------

def _doubled_pattern(conv: Conventions):
    """Classes of marks that mean the same (``.`` and ``。``); ``?`` and ``!`` repeat for emphasis."""
    classes: dict[str, str] = {}
    for zh, en in conv.zh_to_en.items():  # every form the width rule may turn into another (``，、,``)
        if en in ".,;:":
            classes[en] = classes.get(en, en) + zh
    chars = regex.escape("".join(classes.values()))
    spaces = regex.escape(SPACES)
    # Any quote or closing bracket may stand between the two: the quotes rule may turn ``“`` into ``”``.
    closers = regex.escape(PAIR_CLOSERS)
    # Spaces may stand on either side of the quote: the spacing stage takes out those beside “ and ”.
    pattern = regex.compile(f"([{chars}])((?:[{spaces}]*+[{closers}])?)[{spaces}]*+([{chars}])")
    # Where a pair may start: found with the stdlib ``re`` (three times faster here), each then matched.
    every, blank, closing = (re.escape(x) for x in ("".join(classes.values()), SPACES, PAIR_CLOSERS))
    starts = re.compile(f"[{every}](?=(?:[{blank}]*[{closing}])?[{blank}]*[{every}])")
    return pattern, {c: cls for cls in classes.values() for c in cls}, starts


def doubled_edits(text: str, doubled, keep: set[int] = frozenset(), starts: Iterable[int] | None = None) -> list[Edit]:
    """``keep``: marks of list or heading markers (``1、，`` is no doubled pair: taking the ``，`` would make
    ``1、`` at a line end no heading). ``starts``: where pairs start (``pair_starts``), else searched."""
    pattern, class_of, find_starts = doubled
    if starts is None:
        starts = (m.start() for m in find_starts.finditer(text))
    rows: list[list] = []  # marks of one class in a row, each pair as the pattern reads it
    for start in starts:  # every start: ``。，。。``, a rejected pair must not hide the next
        m = pattern.match(text, start)
        if m.group(3) not in class_of[m.group(1)]:
            continue
        if rows and rows[-1][-1].start(3) == m.start(1):
            rows[-1].append(m)
        else:
            rows.append([m])
    edits = []
    for row in rows:
        if len(row) > 1:
            continue  # three marks or more: an ellipsis or a row of marks (a second look finds the same row)
        m = row[0]
        if m.start(1) in keep or m.start(3) in keep:
            continue
        a, b = m.group(1), m.group(3)
        if a.isascii() and b.isascii() and a != ",":
            continue  # ``..``, ``::``: paths and code
        if _visible(text, m.start() - 1, -1).isdigit() and _visible(text, m.end(), +1).isdigit():
            # ``2023。。5``, ``5，, 2``: one mark between digits (once the spacing stage has glued them)
            # would read as a decimal point or a separator
            continue
        # The second mark goes with the spaces before it; an English mark keeps the space it needs.
        after = text[m.end()] if m.end() < len(text) else "\n"
        gap = " " if a.isascii() and (is_han(after) or after.isalnum()) else ""
        edits.append(Edit(m.end(2), m.end(), gap, "doubled-mark"))
    return edits


def pair_starts(text: str, marks: list[int], doubled) -> list[int]:
    """Where the pairs of ``doubled_edits`` start, read back from the marks that end them: what follows a
    space, a quote, a closing bracket or a mark is never settled by its neighbours, so the second mark of
    every pair is among the marks ``Scanner`` keeps (when the scan looks for every mark of a pair: see
    ``setup``). Between the two marks: spaces, at most one quote or bracket, spaces."""
    class_of = doubled[1]
    gap = _PAIR_GAP.union(class_of)  # what may stand before the second mark
    starts = []
    for i in [i for i in marks if text[i - 1] in gap]:  # (a comprehension: twice as fast as a loop)
        if not i or text[i] not in class_of:
            continue
        j = _past_pair_gap(text, i, -1)
        if j >= 0 and text[j] in class_of:
            starts.append(j)
    return starts


def _visible(text: str, i: int, step: int) -> str:
    """The character at ``i``, or the nearest one before (step -1) or after (+1) it that is no space."""
    while 0 <= i < len(text) and text[i] in SPACES:
        i += step
    return text[i] if 0 <= i < len(text) else "\n"


# -- width of clause-ending marks ----------------------------------------------------------------------

def mark_finder(conv: Conventions) -> re.Pattern:
    """Every clause-ending mark of either width: the plain search, which ``Scanner`` replaces in the stage
    (tests/test_punctuation_fast.py compares the two)."""
    return re.compile("[" + re.escape("".join({*conv.zh_to_en, *conv.en_to_zh})) + "]")


def marker_marks(text: str, heading: regex.Pattern, lines: Iterable[int] | None = None) -> set[int]:
    """Positions of the marks inside a list or heading marker at the start of a line (``1、``, ``(二)``,
    ``One,``, as the structure stage's patterns find them). Such a mark is no clause end and keeps its
    form: ``1、Customs`` made ``1, Customs`` would no longer be a heading, and cleaning the output again
    would join the line to the one before. ``lines``: the starts of the lines to read, else every one."""
    found: set[int] = set()
    if lines is not None:
        for start in lines:
            nl = text.find("\n", start)
            _add_marker(found, text, heading.match(text, start, len(text) if nl < 0 else nl))
        return found
    start = 0
    while start < len(text):
        nl = text.find("\n", start)
        # Within the line: the patterns' ``\s*`` would take ``7\n\n.`` for a marker across a blank
        # line, which a piece that starts at the ``.`` cannot see (a large document cleaned in pieces
        # then differed from the whole).
        m = heading.match(text, start, len(text) if nl < 0 else nl)
        if m:
            _add_marker(found, text, m)
        if nl < 0:
            break
        start = nl + 1
    return found


def _add_marker(found: set[int], text: str, m) -> None:
    if m:
        found.update(i for i in range(m.start(), m.end()) if text[i] in CLAUSE_MARKS)


def moved_markers(markers: set[int], changes: list[Change], text: str, heading: regex.Pattern) -> set[int]:
    """``marker_marks`` of ``text`` from those of the text before ``changes`` (the doubled-mark rule's:
    spaces and a mark taken out within a line, never a line break): the lines changed are read again,
    the markers of the others moved."""
    lines = sorted({text.rfind("\n", 0, c.start) + 1 for c in changes})  # (their starts, in ``text``)
    kept = {i for i in _moved(sorted(markers), _change_spans(changes))
            if text.rfind("\n", 0, i) + 1 not in lines}  # (markers are few: one per heading)
    return kept | marker_marks(text, heading, lines)


def width_edits(text: str, langs: LangIndex, marks: Iterable[int], conv: Conventions,
                keep: set[int] = frozenset()) -> list[Edit]:
    """``marks``: positions of clause-ending marks (``Scanner.marks``, or every one: ``mark_finder``);
    ``keep``: positions of marks left as they are (``marker_marks``)."""
    edits = []
    add = edits.append
    n = len(text)
    en_to_zh, zh_to_en = conv.en_to_zh, conv.zh_to_en
    labels = langs.labels
    for i in marks:
        c = text[i]
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < n else ""
        # Settled by their neighbours, and most marks: ``,`` after a word of an English run, ``，``
        # between two Han characters.
        if c in en_to_zh:
            if prev in LATIN_CHARS:
                if labels[i - 1] != "z":
                    continue
            elif "\u4e00" <= prev <= "\u9fff" and "\u4e00" <= nxt <= "\u9fff":
                # ``贯彻,各方面``: a Chinese clause (``mark_lang``'s answer), and none of the tests below
                # holds between two Han characters: the frequent case without them.
                if i not in keep:
                    add(Edit(i, i + 1, en_to_zh[c], "punct-width"))
                continue
        elif prev in LATIN_CHARS and c not in ".;:":
            # ``deepened。``: the letter's run decides (``mark_lang``'s first answer); none of the tests
            # below holds after a letter (no letter is a digit), and only English converts this mark.
            if labels[i - 1] == "e" and c in zh_to_en and i not in keep:
                after = zh_to_en[c]
                add(Edit(i, i + 1, after + " " if nxt and nxt not in _NO_SPACE_AFTER else after, "punct-width"))
            continue
        elif ("\u4e00" <= prev <= "\u9fff" or is_han(prev)) and ("\u4e00" <= nxt <= "\u9fff" or is_han(nxt)):
            continue
        if prev.isdigit() and nxt.isdigit():
            continue  # 1,000 / 3.5 / 16:32 (a 。 between digits is the numbers stage's)
        if c in ".:" and c in (prev, nxt):
            continue  # an ellipsis, ``::``: a row of ASCII marks is not a clause end
        if c in ".;:" and _in_ascii_pair(text, i):
            continue  # ``;;``, ``.".``: the doubled-mark rule leaves ASCII pairs alone, and so does this one
        if i in keep:
            continue
        # (``mark_lang``'s first answer, a mark after a word, without the call: the most frequent one.)
        lang = NAMES[labels[i - 1]] if prev in LATIN_CHARS else mark_lang(text, i, langs)
        if lang == "zh" and c in en_to_zh:
            if c == "." and not _ends_chinese_sentence(text, i):
                continue
            add(Edit(i, i + 1, en_to_zh[c], "punct-width"))
        elif lang == "en" and c in zh_to_en:
            after = zh_to_en[c]
            if nxt and nxt not in _NO_SPACE_AFTER:
                after += " "
            add(Edit(i, i + 1, after, "punct-width"))
    return edits


def _in_ascii_pair(text: str, i: int) -> bool:
    """The ASCII mark at ``i`` and the same mark next to it make a pair that the doubled-mark rule
    leaves alone (``;;``, ``.".``: a quote or closing bracket and spaces may stand between)."""
    c = text[i]
    j = _past_pair_gap(text, i, +1)
    if j < len(text) and text[j] == c:
        return True
    j = _past_pair_gap(text, i, -1)
    return j >= 0 and text[j] == c


def _past_pair_gap(text: str, i: int, step: int) -> int:
    """The first position after (step +1) or before (-1) ``i`` past what may stand between the two
    marks of a doubled pair: spaces, at most one quote or closing bracket, spaces."""
    n = len(text)
    j = i + step
    while 0 <= j < n and text[j] in _SPACE_SET:
        j += step
    if 0 <= j < n and text[j] in PAIR_CLOSERS:
        j += step
        while 0 <= j < n and text[j] in _SPACE_SET:
            j += step
    return j


def _ends_chinese_sentence(text: str, i: int) -> bool:
    """An ASCII ``.`` after Chinese is a full stop unless a word or number follows it directly
    (``中国.com``); after a digit it is a list number or a decimal point (``1.``), never a full stop."""
    j = i - 1
    while j >= 0 and (text[j] in CLOSING or text[j] in QUOTE_CHARS):  # any quote: ``“`` may become ``”``
        j -= 1
    if j < 0 or text[j] == "\n" or text[j].isdigit():
        return False  # nothing before it on its line: the start of a piece must behave like a line start
    nxt = text[i + 1] if i + 1 < len(text) else "\n"
    return not (nxt.isalnum() and not is_han(nxt))


def mark_lang(text: str, i: int, langs: LangIndex) -> str | None:
    """The language of the clause that the mark at ``i`` ends (see the module docstring)."""
    # (Called for a third of the marks: the tests of ``is_latin`` and ``is_han`` are spelled out, the
    # common Han characters first, as a call costs as much as the test; so is ``langs``.)
    labels = langs.labels
    before = text[i - 1] if i else "\n"
    if before in LATIN_CHARS:  # most marks follow a word: the quick answers first
        return NAMES[labels[i - 1]]
    k = i - 1 if "\u4e00" <= before <= "\u9fff" or is_han(before) else _content_before(text, i)
    if k < 0:
        return _content_lang(text, i, +1, langs)
    if text[k] in LATIN_CHARS:
        return NAMES[labels[k]]
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if "\u4e00" <= nxt <= "\u9fff" or is_han(nxt):
        return "zh"
    # (``目标,Focus``: the letter after the mark is read without the call.)
    if (NAMES[labels[i + 1]] if nxt in LATIN_CHARS else _content_lang(text, i, +1, langs)) == "en":
        first = _clause_first_content(text, k)
        if text[first] in LATIN_CHARS and NAMES[labels[first]] == "en":
            return "en"  # a Chinese name at the end of an English clause that goes on in English
    return "zh"


def _is_boundary(text: str, j: int) -> bool:
    """A clause-ending mark (not one inside a number)."""
    if text[j] not in CLAUSE_MARKS:
        return False
    return not (0 < j < len(text) - 1 and text[j - 1].isdigit() and text[j + 1].isdigit())


def _content_before(text: str, i: int) -> int:
    """Position of the nearest letter or Han character before ``i`` in its clause and line, or -1."""
    stop, end = max(0, i - LOOK), i
    while True:
        m = _CONTENT_OR_STOP_BEFORE.search(text, stop, end)
        if m is None or m.group() == "\n":
            return -1
        j = m.start()
        if text[j] not in CLAUSE_MARKS:
            return j
        if _is_boundary(text, j):
            return -1
        end = j  # a mark inside a number (``1,000``): go on before it


def _clause_first_content(text: str, k: int) -> int:
    """The first letter or Han character of the clause (within its line) of the content at ``k``."""
    stop, end = max(0, k - LOOK), k
    start = stop
    last = len(text) - 1
    while True:
        m = _STOP_BEFORE.search(text, stop, end)
        if m is None:
            break
        j = m.start()
        # (``_is_boundary`` spelled out: a line break, or a mark not inside a number)
        if text[j] == "\n" or not (0 < j < last and text[j - 1].isdigit() and text[j + 1].isdigit()):
            start = j + 1
            break
        end = j
    c = text[start]  # most clauses start with their first word: no search
    if c in LATIN_CHARS or "\u4e00" <= c <= "\u9fff":
        return start
    return _CONTENT.search(text, start, k + 1).start()


# -- quotes and brackets ----------------------------------------------------------------------------

def quote_edits(text: str, langs: LangIndex, quotes: Iterable[int], zh_open: str, zh_close: str,
                en: str) -> list[Edit]:
    """Quotes in the form of the sentence they stand in, decided from their neighbours only (``quotes``:
    the positions of the quotes of one convention, ``Found.quotes``).

    Direction: a quote opens when it follows the start of the line or an opening context (``：“``,
    ``、“``), closes when the end of the line or a closing context follows (``”，``); a space on one side
    only tells in English (`` "Opinions" ``; before the quote, a clause mark, a closing mark or another quote
    reads as a space: ``》"Opinions`` opens); otherwise it is the opposite of the quote before it on the
    line. Quotes then pair up on their line, nested pairs inside outer ones (“... the "Opinions" of ...”).
    Form: a pair takes the language around it (``他说“the quick fox”很好`` keeps Chinese quotes, as the
    Chinese copywriting guidelines write a quoted English sentence; ``He wrote "你好" today`` gets ASCII
    ones); when the two sides disagree or there is nothing around it, the language of what it quotes. A
    quote without a partner belongs to the language of what it opens or closes. Neither the quote's own
    form nor the other quotes' forms count, so the decision is the same when the output is cleaned again."""
    edits = []
    # (position, opening, language before, language after) of the quotes of the current line
    line: list[tuple[int, bool, str | None, str | None]] = []
    line_end = -1
    n = len(text)
    labels = langs.labels
    skipped = _Skip(text, _SKIPPED.__contains__)
    for i in quotes:
        if i > line_end:  # a new line: a quote never stays open across lines
            edits += _quote_forms(text, line, zh_open, zh_close, en)
            line = []
            line_end = text.find("\n", i)
            line_end = n if line_end < 0 else line_end
        before = text[i - 1] if i else "\n"
        after = text[i + 1] if i + 1 < n else "\n"
        if en == "'" and before in LATIN_CHARS and after in LATIN_CHARS:
            # An apostrophe: English in English words (Party’s -> Party's), left alone elsewhere.
            if NAMES[labels[i - 1]] == "en" and text[i] != en:
                edits.append(Edit(i, i + 1, en, "quotes"))
            continue
        # The neighbours, spaces and quotes skipped (most often the characters next to it), and the
        # languages on either side (``_content_lang``; it looks at the neighbour first: the rarer Han
        # outside the common block too).
        if before in _SKIPPED:
            prev, left = _neighbour_and_lang(text, i, -1, skipped, langs)
        else:
            prev = "" if before == "\n" else before
            left = NAMES[labels[i - 1]] if before in LATIN_CHARS \
                else "zh" if "\u4e00" <= before <= "\u9fff" else _content_lang(text, i, -1, langs)
        if after in _SKIPPED:
            nxt, right = _neighbour_and_lang(text, i, +1, skipped, langs)
        else:
            nxt = "" if after == "\n" else after
            right = NAMES[labels[i + 1]] if after in LATIN_CHARS \
                else "zh" if "\u4e00" <= after <= "\u9fff" else _content_lang(text, i, +1, langs)
        # In English text (and only there: spaces around Chinese quotes are removed later) a space on
        # one side tells the direction.
        english = left in _ENGLISH_OR_NONE and right in _ENGLISH_OR_NONE
        if prev == "" or prev in OPEN_CONTEXT:
            opening = True
        elif nxt == "" or nxt in CLOSE_CONTEXT:
            opening = False
        elif english and before in SPACED_BEFORE and is_latin(after):  # ` "Opinions`, `》"Opinions`
            opening = True
        elif english and after in SPACES and is_latin(before):  # `Opinions" `
            opening = False
        else:
            opening = not (line and line[-1][1])
        line.append((i, opening, left, right))
    edits += _quote_forms(text, line, zh_open, zh_close, en)
    return edits


def _quote_forms(text: str, line: list[tuple[int, bool, str | None, str | None]], zh_open: str, zh_close: str,
                 en: str) -> list[Edit]:
    """The edits of the quotes of one line (``quote_edits``), pair by pair as they close, then those left
    without a partner (not in the order of the text: ``Document.apply`` sorts them)."""
    edits = []
    pending: list[tuple] = []  # quotes nest: “... the "Opinions" of ...”
    alone: list[tuple] = []
    for q in line:
        if q[1]:
            pending.append(q)
            continue
        if not pending:
            alone.append(q)
            continue
        o = pending.pop()
        before, after = o[2], q[3]  # the languages outside the pair
        if before is None or after is None or before == after:
            lang = before or after or o[3]
        else:
            lang = o[3]  # the two sides disagree: what it quotes
        if lang == "zh":
            if text[o[0]] != zh_open:
                edits.append(Edit(o[0], o[0] + 1, zh_open, "quotes"))
            if text[q[0]] != zh_close:
                edits.append(Edit(q[0], q[0] + 1, zh_close, "quotes"))
        elif lang == "en":
            if text[o[0]] != en:
                edits.append(Edit(o[0], o[0] + 1, en, "quotes"))
            if text[q[0]] != en:
                edits.append(Edit(q[0], q[0] + 1, en, "quotes"))
    for i, opening, left, right in pending + alone:
        lang = (right or left) if opening else (left or right)  # what it opens or closes, else the other side
        target = (zh_open if opening else zh_close) if lang == "zh" else en if lang == "en" else None
        if target is not None and target != text[i]:
            edits.append(Edit(i, i + 1, target, "quotes"))
    return edits


def _content_lang(text: str, i: int, step: int, langs: LangIndex) -> str | None:
    """The language of the nearest letter or Han character before or after ``i`` on its line. Digits do
    not count: the runs give them to a side by the quotes and brackets around them."""
    n = len(text)
    labels = langs.labels  # (``langs`` without the call: the runs cover the text)
    j = i + step
    c = text[j] if 0 <= j < n else "\n"  # most quotes touch a word: the quick answer first
    if c in LATIN_CHARS:
        return NAMES[labels[j]]
    if c == "\n":
        return None  # (also before the start or past the end of the text: nothing on that side)
    if c >= "\u2e80" and ("\u4e00" <= c <= "\u9fff" or is_han(c)):  # (no Han below U+2E80: no call)
        return "zh"
    j += step  # the next most frequent: a space between (``word "``, ``“ 中``)
    if 0 <= j < n:
        c = text[j]
        if c in LATIN_CHARS:
            return NAMES[labels[j]]
        if c == "\n":
            return None
        if c >= "\u2e80" and ("\u4e00" <= c <= "\u9fff" or is_han(c)):
            return "zh"
    if step > 0:
        m = _CONTENT_OR_BREAK.search(text, i + 1, min(len(text), i + LOOK))
    else:
        m = _CONTENT_OR_BREAK_BEFORE.search(text, max(0, i - LOOK + 1), i)
    if m is None:
        return None
    found = m.group()
    if found == "\n":
        return None
    return "zh" if "\u4e00" <= found <= "\u9fff" or is_han(found) else langs(m.start())


def _neighbour_and_lang(text: str, i: int, step: int, skipped: _Skip, langs: LangIndex) -> tuple[str, str | None]:
    """The nearest character before (step -1) or after (+1) ``i`` on its line, spaces and quotes
    skipped (the other quotes are being decided too, so they cannot tell this one's direction), or ""
    at the line's end; and ``_content_lang(text, i, step, langs)``, read from that character when it is a
    letter or Han character (only spaces and quotes stand between: the nearest one), without the search."""
    n = len(text)
    j = i + 2 * step  # (the character past the next one, without the walk: one space beside a quote)
    if not (0 <= j < n and text[j] not in _SKIPPED and text[j - step] in _SKIPPED):
        j = skipped.next(i, step)
        if not 0 <= j < n:
            return "", _content_lang(text, i, step, langs)
    c = text[j]
    if c == "\n":
        return "", _content_lang(text, i, step, langs)
    if abs(j - i) < LOOK:  # (within the reach of the search)
        if c in LATIN_CHARS:
            return c, NAMES[langs.labels[j]]
        if "\u4e00" <= c <= "\u9fff" or is_han(c):
            return c, "zh"
    return c, _content_lang(text, i, step, langs)


class _Skip:
    """The first position past ``i`` (in the direction ``step``) whose character ``skip`` does not
    accept; ``-1`` or ``len(text)`` when the text ends first. Every position passed on the way
    remembers the answer: a run of quotes or marks is crossed once, not once per mark in it (which was
    quadratic: 10,000 quotes in a row took 12 s, 20,000 took 42 s)."""

    def __init__(self, text: str, skip: Callable[[str], bool]):
        self.text, self.skip = text, skip
        self.memo: dict[int, dict[int, int]] = {1: {}, -1: {}}

    def next(self, i: int, step: int) -> int:
        text, memo, skip = self.text, self.memo[step], self.skip
        n = len(text)
        j = i + step
        passed = []
        while 0 <= j < n:
            known = memo.get(j)
            if known is not None:
                j = known
                break
            if not skip(text[j]):
                break
            passed.append(j)
            j += step
        for p in passed:
            memo[p] = j
        return j


def bracket_edits(text: str, langs: LangIndex, brackets: Iterable[int], zh_open: str, zh_close: str,
                  en_open: str, en_close: str) -> list[Edit]:
    """``brackets``: the positions of the brackets of one convention (``Found.brackets``)."""
    edits = []
    stack: list[int] = []
    line_end = -1
    enclosed = _Skip(text, lambda c: not is_han(c) and not c.isalnum())
    for i in brackets:
        if i > line_end:
            stack.clear()
            line_end = text.find("\n", i)
            line_end = len(text) if line_end < 0 else line_end
        if text[i] in (zh_open, en_open):
            stack.append(i)
            continue
        if not stack:
            continue  # an unmatched closing bracket (``1)``, a smiley) stays as it is
        o = stack.pop()
        lang = _bracket_lang(text, o, i, langs, enclosed)
        forms = {"zh": (zh_open, zh_close), "en": (en_open, en_close)}.get(lang)
        if forms is None:
            continue
        for pos, target in ((o, forms[0]), (i, forms[1])):
            if text[pos] == target:
                continue
            if lang == "en":  # a full-width bracket carried its own space; the ASCII one needs it
                if pos == o and pos and text[pos - 1].isalnum():
                    target = " " + target
                elif pos == i and pos + 1 < len(text) and text[pos + 1].isalnum():
                    target += " "
            edits.append(Edit(pos, pos + 1, target, "brackets"))
    return edits


def _bracket_lang(text: str, o: int, c: int, langs: LangIndex, enclosed: _Skip) -> str | None:
    """Like quotes, a pair takes the language around it (``outlets (投注站) near`` stays ASCII,
    ``全省13个市(地)组建`` goes full-width); when the sides disagree or there is nothing around it
    (``(二)`` opening a heading is followed by Chinese), the language of what it encloses."""
    before, after = _content_lang(text, o, -1, langs), _content_lang(text, c, +1, langs)
    if before is not None and before == after:
        return before
    return _enclosed_lang(text, o, c, langs, enclosed)


def _enclosed_lang(text: str, o: int, c: int, langs: LangIndex, enclosed: _Skip) -> str | None:
    j = enclosed.next(o, +1)  # the first Han character, letter or digit inside the brackets
    if j < c:
        return "zh" if is_han(text[j]) else langs(j)
    return langs(o)


# -- spaces before ASCII marks ----------------------------------------------------------------------

# Either width of mark: a full-width one after English becomes ASCII in the same round (``Customs ，``).
# The last space before a mark is found (the stdlib ``re`` scans this four times faster than a pattern
# for the whole run of spaces), and the run is followed back from it.
_SPACE_BEFORE_MARK = re.compile(" (?=[" + re.escape(CLAUSE_MARKS) + "])")  # a literal first: the scan jumps
_ODD_SPACE_BEFORE_MARK = re.compile("[" + re.escape(SPACES.replace(" ", "")) + "](?=[" + re.escape(CLAUSE_MARKS) + "])")


def marks_after_space(text: str, marks: list[int] | None = None) -> list[int]:
    """The clause marks that follow a space: read from ``marks`` (the scan's: none that follows a space
    is settled by its neighbours, so they are all there), else searched."""
    if marks is not None:
        return [i for i in marks if i and text[i - 1] in _SPACE_SET and text[i] in _CLAUSE_MARK_SET]
    found = [m.end() for m in _SPACE_BEFORE_MARK.finditer(text)]
    if any(c in text for c in SPACES if c != " "):  # tabs and odd spaces: rare, one pattern for them
        found = sorted(found + [m.end() for m in _ODD_SPACE_BEFORE_MARK.finditer(text)])
    return found


def space_before_mark_edits(text: str, langs: LangIndex, found: list[int] | None = None) -> list[Edit]:
    """``found``: the clause marks after a space (``marks_after_space``), else searched."""
    edits = []
    if found is None:
        found = marks_after_space(text)
    for e in found:
        start = e - 1
        while start and text[start - 1] in SPACES:
            start -= 1
        before = text[start - 1] if start else "\n"
        if not (before.isalnum() or before == "_" or before in CLOSING or before in QUOTE_CHARS):
            continue  # (any quote: the quotes rule may turn ``“`` into ``"``)
        after = text[e + 1] if e + 1 < len(text) else "\n"
        if text[e] == "." and (after.isascii() and after.isalnum() or is_latin(after) or after == "."):
            continue  # `` .NET``, `` ...`` (a ``.`` before Han is a full stop: `` .一`` loses its space)
        if before.isdigit() and _visible(text, e + 1, +1).isdigit():
            continue  # ``5 ,2``, ``5 ， 2``: glued, the mark would read as a separator
        k = start - 1
        while k > 0 and (text[k] in CLOSING or text[k] in QUOTE_CHARS):  # the word before the marks decides
            k -= 1
        if not is_han(text[k]) and langs(k) == "en":
            edits.append(Edit(start, e, "", "space-before-mark"))
    return edits
