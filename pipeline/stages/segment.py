"""Language runs: cover the text with ``zh``, ``en`` and ``other`` runs, clause by clause.

Script decides, not statistics (see the README for the measurements behind this choice):
1. One regex pass finds the *strong* tokens of each line: Han stretches (Han characters with the Chinese
   punctuation, digits and spaces between them), Latin phrases (words with the spaces, digits and ASCII
   punctuation that join them) and runs of other scripts (kana, Hangul, Cyrillic, ...).
2. A Latin phrase is ``en``, except a short one inside a Chinese clause (``app``, ``PM2.5``, ``5G``, a
   brand), which belongs to the Chinese run: one word next to Han in the same clause, or up to three words
   with Han on both sides in the same clause. A clause ends at ``，。；：？！,.;:?!`` (not between digits).
3. What lies between two strong tokens of different languages is split by ownership: everything up to the
   first opening quote or bracket goes to the run before (a mark belongs to the clause it ends, spaces to
   the run they follow), the rest to the run after. A line with no strong token takes the language of
   the run before it.
4. Latin phrases of four or more words may be pinyin or another language: an optional detector labels
   them ``other``; shorter ones stay English, as names like ``Jiamusi`` would fool
   any detector.
"""

from __future__ import annotations

from typing import Callable, Iterator

import regex

from ..document import Document, Segment, merge_runs
from ..options import Options

NAME = "segment"
RULES = ()

_HAN_INNER = r"[\p{Han}\d%.,，、；：“”‘’《》〈〉（）()〔〕【】·…—\-～~/。 \u3000]"
_LATIN_WORD = r"[\p{Latin}\d][\p{Latin}\d'’\-_./@&+%#]*"
_LATIN_JOIN = r"(?:[ \t]*[,;:()\"“”'‘’/&–—!?][ \t]*|[ \t]+|\.[ \t]*)"
_TOKEN = regex.compile(
    r"(?P<zh>[\p{Han}〇々]++(?:" + _HAN_INNER.replace(r"\p{Han}", "") + r"++[\p{Han}〇々]++)*+)"
    r"|(?P<en>(?:\d+(?:[.,:。/\-]\d+)*%?[ \t]*)?\p{Latin}" + r"[\p{Latin}\d'’\-_./@&+%#]*+"
    r"(?:" + _LATIN_JOIN + _LATIN_WORD + r")*+)"
    r"|(?P<other>[\p{Hiragana}\p{Katakana}\p{Hangul}\p{Cyrillic}\p{Greek}\p{Arabic}\p{Hebrew}\p{Thai}"
    r"\p{Devanagari}]++)"
)
_CLAUSE_END = regex.compile(r"[，。；：？！?!]|(?<!\d)[,.;:]|[,.;:](?!\d)")
_OPENING = regex.compile(r"[“‘《〈（(【〔\[「『]|(?<![\p{L}\p{N}])[\"']")
_WORD = regex.compile(r"\p{Latin}+")


def setup(options: Options) -> Callable[[Document], None]:
    detect = None  # no statistical detector yet: every Latin phrase is English

    def run(doc: Document) -> None:
        # Markup, code and URLs (protected ranges) read as blanks: a tag is not an English word.
        doc.segments = segment(doc.prose_view(), detect)

    return run


def segment(text: str, detect: Callable[[str], bool] | None = None) -> list[Segment]:
    """Cover ``text`` with language runs (see the module docstring for the rules)."""
    runs: list[list] = []  # [start, end, lang or None]
    pos = 0
    for line_end in _line_ends(text):
        runs.extend(_line_runs(text, pos, line_end, detect))
        pos = line_end
    # Lines without any strong token take the language before them (or after, at the start).
    last = None
    for r in runs:
        if r[2] is None:
            r[2] = last
        else:
            last = r[2]
    nxt = "other"
    for r in reversed(runs):
        if r[2] is None:
            r[2] = nxt
        else:
            nxt = r[2]
    return merge_runs(runs)


def _line_ends(text: str) -> Iterator[int]:
    start = 0
    while True:
        i = text.find("\n", start)
        if i < 0:
            if start < len(text):
                yield len(text)
            return
        yield i + 1
        start = i + 1


def _line_runs(text: str, start: int, end: int, detect) -> list[list]:
    # [start, end, label, script label]: the script label stays as found, the label may change.
    tokens = [[m.start(), m.end(), m.lastgroup, m.lastgroup] for m in _TOKEN.finditer(text, start, end)]
    if not tokens:
        return [[start, end, None]]
    _label_latin(text, tokens, detect)
    runs = []
    prev_end, prev_lang = start, None
    for s, e, lang, _ in tokens:
        if prev_lang is None:
            runs.append([prev_end, s, lang])  # the start of the line belongs to the first run
        elif prev_lang == lang:
            runs.append([prev_end, s, lang])
        else:
            cut = _ownership_cut(text, prev_end, s)
            runs.append([prev_end, cut, prev_lang])
            runs.append([cut, s, lang])
        runs.append([s, e, lang])
        prev_end, prev_lang = e, lang
    runs.append([prev_end, end, prev_lang])
    return runs


def _label_latin(text: str, tokens: list[list], detect) -> None:
    """Turn the ``en`` tokens into ``zh`` (embedded in a Chinese clause) or ``other`` where they are."""
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if tok[2] != "en":
            continue
        s, e = tok[0], tok[1]
        han_before = i > 0 and tokens[i - 1][3] == "zh" and not _CLAUSE_END.search(text, tokens[i - 1][1], s)
        han_after = i + 1 < n and tokens[i + 1][3] == "zh" and not _CLAUSE_END.search(text, e, tokens[i + 1][0])
        if han_before or han_after:
            words = len(_WORD.findall(text, s, e)) if e - s < 64 else 99
            if words == 1 or (words <= 3 and han_before and han_after):
                tok[2] = "zh"
                continue
        if detect is not None and e - s >= 20 and text.count(" ", s, e) >= 3 and detect(text[s:e]):
            tok[2] = "other"


def _ownership_cut(text: str, start: int, end: int) -> int:
    """Where the neutral stretch ``text[start:end]`` between two runs of different languages splits."""
    m = _OPENING.search(text, start, end)
    return m.start() if m else end

