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

from typing import Callable

import regex

from ..document import Document, Edit
from ..options import Options
from ..typography import (ASCII_CLAUSE, CLOSING, FW_CLAUSE, FW_OPEN, Conventions, LangIndex, is_han, is_latin,
                          load_conventions, protect_urls, decision_view, segmenter, space_chars)

NAME = "punctuation"
RULES = ("doubled-mark", "punct-width", "quotes", "brackets", "space-before-mark")
CONTEXT = "paragraph"  # works line by line: large files can be cleaned piece by piece

SPACES = "\t" + space_chars()
CLAUSE_MARKS = FW_CLAUSE + ASCII_CLAUSE
ROUNDS = 3  # rounds of the rules on fresh runs; the second one finds nothing in practice
LOOK = 200  # how far a clause is searched for its language, in characters
# Where a Chinese quote can only open / only close.
OPEN_CONTEXT = FW_OPEN + "([：，、；:,;"
CLOSE_CONTEXT = "”’》）】〕」』〉)]" + CLAUSE_MARKS
QUOTE_CHARS = "\"'“”‘’＂＇"


def setup(options: Options) -> Callable[[Document], None]:
    conv = load_conventions(options.rules)
    doubled = _doubled_pattern(conv)
    marks = regex.compile("[" + regex.escape("".join({*conv.zh_to_en, *conv.en_to_zh})) + "]")
    quotes = [(regex.compile("[" + regex.escape(zo + zc + en + also) + "]"), zo, zc, en)
              for zo, zc, en, also in conv.quotes]
    brackets = [(regex.compile("[" + regex.escape(zo + zc + eo + ec) + "]"), zo, zc, eo, ec)
                for zo, zc, eo, ec in conv.brackets]
    on = options.enabled
    runs_of = segmenter(options)

    def run(doc: Document) -> None:
        protect_urls(doc)
        # The rules decide on fresh runs of the text as it stands, blind to the form of quotes and spaces
        # (``decision_view``), and
        # run again until they change nothing (a converted mark can make a new pair: ``。“。`` ->
        # ``。”。``), so that cleaning the output again finds nothing to do.
        for _ in range(ROUNDS):
            changed = doc.apply(NAME, doubled_edits(doc.text, doubled)) if on("doubled-mark") else 0
            text = doc.text
            langs = _TextLangs(runs_of(decision_view(doc.prose_view()), doc.lang_before) if doc.segments else [], text)
            edits: list[Edit] = []
            if on("punct-width"):
                edits += width_edits(text, langs, marks, conv)
            if on("quotes"):
                for pattern, zo, zc, en in quotes:
                    edits += quote_edits(text, langs, pattern, zo, zc, en)
            if on("brackets"):
                for pattern, *forms in brackets:
                    edits += bracket_edits(text, langs, pattern, *forms)
            if on("space-before-mark"):
                edits += space_before_mark_edits(text, langs)
            if not doc.apply(NAME, edits) + changed:
                break

    return run


# -- doubled marks -----------------------------------------------------------------------------------

def _doubled_pattern(conv: Conventions):
    """Classes of marks that mean the same (``.`` and ``。``); ``?`` and ``!`` repeat for emphasis."""
    classes: dict[str, str] = {}
    for zh, en in conv.zh_to_en.items():
        if en in ".,;:" and conv.en_to_zh.get(en) == zh:
            classes[en] = en + zh
    chars = regex.escape("".join(classes.values()))
    spaces = regex.escape(SPACES)
    pattern = regex.compile(f"([{chars}])([”’\"')）]?)[{spaces}]*+([{chars}])")
    return pattern, {c: cls for cls in classes.values() for c in cls}


def doubled_edits(text: str, doubled) -> list[Edit]:
    pattern, class_of = doubled
    edits = []
    for m in pattern.finditer(text, overlapped=True):  # ``。，。。``: a rejected pair must not hide the next
        a, b = m.group(1), m.group(3)
        cls = class_of[a]
        if b not in cls:
            continue
        if a.isascii() and b.isascii() and a != ",":
            continue  # ``..``, ``::``: paths and code
        before = text[m.start() - 1] if m.start() else "\n"
        after = text[m.end()] if m.end() < len(text) else "\n"
        if before in cls or after in cls:
            continue  # an ellipsis or a row of marks
        if a == "。" and before.isdigit() and after.isdigit():
            continue  # ``2023。。5``: one 。 between digits would read as a decimal point
        # The second mark goes with the spaces before it; an English mark keeps the space it needs.
        gap = " " if a.isascii() and (is_han(after) or after.isalnum()) else ""
        edits.append(Edit(m.end(2), m.end(), gap, "doubled-mark"))
    return edits


# -- width of clause-ending marks ----------------------------------------------------------------------

def width_edits(text: str, langs: LangIndex, marks, conv: Conventions) -> list[Edit]:
    edits = []
    n = len(text)
    for m in marks.finditer(text):
        i = m.start()
        c = text[i]
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < n else ""
        if prev.isdigit() and nxt.isdigit():
            continue  # 1,000 / 3.5 / 16:32 (a 。 between digits is the numbers stage's)
        if c in ".:" and c in (prev, nxt):
            continue  # an ellipsis, ``::``: a row of ASCII marks is not a clause end
        lang = mark_lang(text, i, langs)
        if lang == "zh" and c in conv.en_to_zh:
            if c == "." and not _ends_chinese_sentence(text, i):
                continue
            edits.append(Edit(i, i + 1, conv.en_to_zh[c], "punct-width"))
        elif lang == "en" and c in conv.zh_to_en:
            after = conv.zh_to_en[c]
            if nxt and nxt not in SPACES and nxt != "\n" and nxt not in CLOSING and nxt not in CLAUSE_MARKS:
                after += " "
            edits.append(Edit(i, i + 1, after, "punct-width"))
    return edits


def _ends_chinese_sentence(text: str, i: int) -> bool:
    """An ASCII ``.`` after Chinese is a full stop unless a word or number follows it directly
    (``中国.com``); after a digit it is a list number or a decimal point (``1.``), never a full stop."""
    j = i - 1
    while j >= 0 and text[j] in CLOSING:
        j -= 1
    if j < 0 or text[j] == "\n" or text[j].isdigit():
        return False  # nothing before it on its line: the start of a piece must behave like a line start
    nxt = text[i + 1] if i + 1 < len(text) else "\n"
    return not (nxt.isalnum() and not is_han(nxt))


def mark_lang(text: str, i: int, langs: LangIndex) -> str | None:
    """The language of the clause that the mark at ``i`` ends (see the module docstring)."""
    # Only the last 2 * LOOK characters can matter (see _content_before, _clause_first_content): a
    # search for the line start bounded to them keeps a long line linear.
    lo = max(0, i - 2 * LOOK)
    line_start = text.rfind("\n", lo, i) + 1 or lo
    k = _content_before(text, i, line_start)
    if k < 0:
        return _content_after_lang(text, i, langs)
    if is_latin(text[k]):
        return langs(k)
    if _content_after_lang(text, i, langs) == "en":
        first = _clause_first_content(text, k, line_start)
        if first is not None and is_latin(text[first]) and langs(first) == "en":
            return "en"  # a Chinese name at the end of an English clause that goes on in English
    return "zh"


def _is_boundary(text: str, j: int) -> bool:
    """A clause-ending mark (not one inside a number)."""
    if text[j] not in CLAUSE_MARKS:
        return False
    return not (0 < j < len(text) - 1 and text[j - 1].isdigit() and text[j + 1].isdigit())


def _content_before(text: str, i: int, line_start: int) -> int:
    """Position of the nearest letter or Han character before ``i`` in its clause, or -1."""
    stop = max(line_start, i - LOOK)
    j = i - 1
    while j >= stop:
        c = text[j]
        if is_han(c) or is_latin(c):
            return j
        if _is_boundary(text, j):
            return -1
        j -= 1
    return -1


def _clause_first_content(text: str, k: int, line_start: int) -> int | None:
    stop = max(line_start, k - LOOK)
    first = None
    j = k
    while j >= stop and not _is_boundary(text, j):
        if is_han(text[j]) or is_latin(text[j]):
            first = j
        j -= 1
    return first


def _content_after_lang(text: str, i: int, langs: _TextLangs) -> str | None:
    return _content_lang(text, i, +1, langs)


# -- quotes and brackets ----------------------------------------------------------------------------

def quote_edits(text: str, langs: LangIndex, pattern, zh_open: str, zh_close: str, en: str) -> list[Edit]:
    """Quotes in the form of the sentence they stand in, decided from their neighbours only.

    Direction: a quote opens when it follows the start of the line or an opening context (``：“``,
    ``、“``), closes when the end of the line or a closing context follows (``”，``); a space on one side
    only tells in English (`` "Opinions" ``); otherwise it is the opposite of the quote before it on the
    line. Quotes then pair up on their line, nested pairs inside outer ones (“... the "Opinions" of ...”).
    Form: a pair takes the language around it (``他说“the quick fox”很好`` keeps Chinese quotes, as the
    Chinese copywriting guidelines write a quoted English sentence; ``He wrote "你好" today`` gets ASCII
    ones); when the two sides disagree or there is nothing around it, the language of what it quotes. A
    quote without a partner belongs to the language of what it opens or closes. Neither the quote's own
    form nor the other quotes' forms count, so the decision is the same when the output is cleaned again."""
    edits = []
    line: list[tuple[int, bool]] = []  # (position, opening) of the quotes of the current line
    line_end = -1
    for m in pattern.finditer(text):
        i = m.start()
        if i > line_end:  # a new line: a quote never stays open across lines
            edits += _quote_forms(text, langs, line, zh_open, zh_close, en)
            line = []
            line_end = text.find("\n", i)
            line_end = len(text) if line_end < 0 else line_end
        if en == "'" and 0 < i < len(text) - 1 and is_latin(text[i - 1]) and is_latin(text[i + 1]):
            # An apostrophe: English in English words (Party’s -> Party's), left alone elsewhere.
            if langs(i - 1) == "en" and text[i] != en:
                edits.append(Edit(i, i + 1, en, "quotes"))
            continue
        prev = _neighbour(text, i, -1, langs)
        nxt = _neighbour(text, i, +1, langs)
        before = text[i - 1] if i else "\n"
        after = text[i + 1] if i + 1 < len(text) else "\n"
        # In English text (and only there: spaces around Chinese quotes are removed later) a space on
        # one side tells the direction.
        english = {_content_lang(text, i, -1, langs), _content_lang(text, i, +1, langs)} <= {"en", None}
        if prev == "" or prev in OPEN_CONTEXT:
            opening = True
        elif nxt == "" or nxt in CLOSE_CONTEXT:
            opening = False
        elif english and before == " " and is_latin(after):  # ` "Opinions`
            opening = True
        elif english and after == " " and is_latin(before):  # `Opinions" `
            opening = False
        else:
            opening = not (line and line[-1][1])
        line.append((i, opening))
    edits += _quote_forms(text, langs, line, zh_open, zh_close, en)
    return edits


def _quote_forms(text: str, langs: LangIndex, line: list[tuple[int, bool]], zh_open: str, zh_close: str,
                 en: str) -> list[Edit]:
    partner: dict[int, int] = {}
    pending: list[int] = []  # quotes nest: “... the "Opinions" of ...”
    for i, opening in line:
        if opening:
            pending.append(i)
        elif pending:
            o = pending.pop()
            partner[o], partner[i] = i, o
    edits = []
    for i, opening in line:
        j = partner.get(i)
        if j is not None:
            o, c = (i, j) if opening else (j, i)
            outside = {_content_lang(text, o, -1, langs), _content_lang(text, c, +1, langs)} - {None}
            lang = outside.pop() if len(outside) == 1 else _content_lang(text, o, +1, langs)
        else:
            lang = _content_lang(text, i, +1 if opening else -1, langs)
        if lang == "zh":
            target = zh_open if opening else zh_close
        elif lang == "en":
            target = en
        else:
            continue
        if target != text[i]:
            edits.append(Edit(i, i + 1, target, "quotes"))
    return edits


def _content_lang(text: str, i: int, step: int, langs: _TextLangs) -> str | None:
    """The language of the nearest letter or Han character before or after ``i`` on its line, within
    LOOK characters. Digits do not count: the runs give them to a side by the quotes and brackets around
    them."""
    j = langs.content.next(i, step)
    if not 0 <= j < len(text) or text[j] == "\n" or abs(j - i) >= LOOK:
        return None
    return "zh" if is_han(text[j]) else langs(j)


def _neighbour(text: str, i: int, step: int, langs: _TextLangs) -> str:
    """The nearest character before (step -1) or after (+1) ``i`` on its line, spaces and quotes
    skipped: the other quotes are being decided too, so they cannot tell this one's direction."""
    j = langs.quotes_and_spaces.next(i, step)
    if not 0 <= j < len(text) or text[j] == "\n":
        return ""
    return text[j]


class _Skip:
    """The first position past ``i`` (in the direction ``step``) whose character ``skip`` does not
    accept; ``-1`` or ``len(text)`` when the text ends first. Every position passed on the way
    remembers the answer: a run of quotes or marks is crossed once, not once per mark in it (which was
    quadratic: 10,000 quotes in a row took 12 s)."""

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


class _TextLangs(LangIndex):
    """The language runs of one text, and the searches the mark rules make in it, remembered."""

    def __init__(self, segments, text: str):
        super().__init__(segments)
        self.content = _Skip(text, lambda c: c != "\n" and not is_han(c) and not is_latin(c))
        self.quotes_and_spaces = _Skip(text, lambda c: c in SPACES or c in QUOTE_CHARS)
        self.alnum = _Skip(text, lambda c: not is_han(c) and not c.isalnum())


def bracket_edits(text: str, langs: LangIndex, pattern, zh_open: str, zh_close: str, en_open: str,
                  en_close: str) -> list[Edit]:
    edits = []
    stack: list[int] = []
    line_end = -1
    for m in pattern.finditer(text):
        i = m.start()
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
        lang = _bracket_lang(text, o, i, langs)
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


def _bracket_lang(text: str, o: int, c: int, langs: _TextLangs) -> str | None:
    """Like quotes, a pair takes the language around it (``outlets (投注站) near`` stays ASCII,
    ``全省13个市(地)组建`` goes full-width); when the sides disagree or there is nothing around it
    (``(二)`` opening a heading is followed by Chinese), the language of what it encloses."""
    before, after = _content_lang(text, o, -1, langs), _content_lang(text, c, +1, langs)
    if before is not None and before == after:
        return before
    return _enclosed_lang(text, o, c, langs)


def _enclosed_lang(text: str, o: int, c: int, langs: _TextLangs) -> str | None:
    j = langs.alnum.next(o, +1)  # the first Han character, letter or digit inside the brackets
    if j < c:
        return "zh" if is_han(text[j]) else langs(j)
    return langs(o)


# -- spaces before ASCII marks ----------------------------------------------------------------------

_SPACE_BEFORE_MARK = regex.compile("(?<=[\\w" + regex.escape(CLOSING) + "])[" + regex.escape(SPACES) + "]++(?=[,.;:?!])")


def space_before_mark_edits(text: str, langs: LangIndex) -> list[Edit]:
    edits = []
    for m in _SPACE_BEFORE_MARK.finditer(text):
        e = m.end()
        after = text[e + 1] if e + 1 < len(text) else "\n"
        if text[e] == "." and (after.isalnum() or after == "."):
            continue  # `` .NET``, `` ...``
        if langs(m.start() - 1) == "en" and not is_han(text[m.start() - 1]):
            edits.append(Edit(m.start(), e, "", "space-before-mark"))
    return edits
