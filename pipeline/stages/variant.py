"""Script variant: simplified and traditional Chinese, with OpenCC (``--variant``).

- ``keep`` (default): no character changes; a document that mixes simplified-only and traditional-only
  forms gets a ``variant-mixed`` flag on each form of the minority script.
- ``auto``: a mixed document is made consistent with its majority script (ties go to simplified).
- ``simplified``, ``traditional`` (OpenCC standard), ``taiwan``, ``hongkong``: convert every Chinese run.

Each converted stretch of Han characters is one ``variant-convert`` change. Only Han characters in
Chinese runs change: never English runs, URLs or protected ranges, nor the Chinese forms of the
glossary's terms (``--terms``), which are proper names a glossary spells on purpose.

Counting the scripts: a traditional-only form is one that OpenCC's t2s changes (in context, so 乾隆
stays); a simplified-only form is one that s2t, s2tw and s2hk all change (台 and 着 are also valid
traditional forms in some standard, so they count for neither side).
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Callable, Iterator

import opencc
import regex
from ahocorasick_rs import AhoCorasick, MatchKind

from ..document import Document, Edit
from ..glossary import load as load_glossary
from ..options import Options
from ..typography import protect_urls

NAME = "variant"
RULES = ("variant-convert", "variant-mixed")


def context(options: Options) -> str:
    """``auto`` follows the majority of the whole document; the other modes work paragraph by paragraph
    (in a large file cleaned piece by piece, ``keep`` flags a mix of scripts within each piece)."""
    return "document" if options.variant == "auto" and options.enabled(NAME) else "paragraph"

TARGET_CONFIG = {"simplified": "t2s", "traditional": "s2t", "taiwan": "s2tw", "hongkong": "s2hk"}
SIMPLIFIED_ONLY = ("s2t", "s2tw", "s2hk")  # a form all three change exists in no traditional standard
MAX_FLAGS = 100

_HAN_RUN = regex.compile(r"[\p{Han}〇々]+")


@lru_cache(maxsize=None)
def converter(config: str) -> opencc.OpenCC:
    """One OpenCC converter per configuration per process: creating one costs 2-75 ms."""
    return opencc.OpenCC(f"{config}.json")


def setup(options: Options) -> Callable[[Document], None]:
    mode = options.variant
    glossary = load_glossary(options.terms) if options.terms else None
    forms = sorted({f for t in glossary.terms for f in (t.zh, *t.zh_variants)}, key=len, reverse=True) \
        if glossary else []
    # One automaton for all the glossary's Chinese forms, the longest at each place (a regex alternation
    # of 10,000 forms took seconds a megabyte).
    terms = AhoCorasick(forms, matchkind=MatchKind.LeftmostLongest) if forms else None
    for config in ({"keep": ("t2s",), "auto": ("t2s", *SIMPLIFIED_ONLY)}.get(mode)
                   or (TARGET_CONFIG[mode], "t2s")):  # (t2s: ``_from_simplified``)
        converter(config)  # created now, not in the middle of the first document
    convert_on = options.enabled("variant-convert")
    flag_on = options.enabled("variant-mixed")

    def run(doc: Document) -> None:
        if not _HAN_RUN.search(doc.text):
            return
        if may_hold_urls(doc.text):
            protect_urls(doc)
        pieces = list(chinese_pieces(doc, terms))
        if mode in TARGET_CONFIG:
            if convert_on:
                doc.apply(NAME, conversion_edits(doc.text, pieces, TARGET_CONFIG[mode]))
            return
        traditional = changed_spans(doc.text, pieces, "t2s")
        if not traditional:
            return  # nothing traditional-only: the document cannot be mixed
        simplified = simplified_only_spans(doc.text, pieces)
        if not simplified:
            return
        n_trad = sum(e - s for s, e in traditional)
        n_simp = sum(e - s for s, e in simplified)
        if mode == "auto":
            if convert_on:
                config, spans = ("t2s", traditional) if n_simp >= n_trad else ("s2t", simplified)
                doc.apply(NAME, conversion_edits(doc.text, pieces, config, only=spans))
        elif flag_on:
            minority, name = (traditional, "traditional") if n_simp >= n_trad else (simplified, "simplified")
            for s, e in minority[:MAX_FLAGS]:
                doc.flag(NAME, "variant-mixed", s, e,
                         f"{name} form {doc.text[s:e]} in a document that mixes scripts ({n_simp} simplified-only "
                         f"and {n_trad} traditional-only characters); --variant auto converts the minority")

    return run


# ``typography.url_spans`` finds nothing in a text without ``://``, ``www.`` or ``@``. It looks for them
# with ``in``, which looks for a string of several characters four times as slowly as ``re`` does (15 ms
# per 10 MB, most of this stage when the text has no URL); ``/`` and ``@`` alone are found faster still.
_SCHEME = re.compile("://")
_WWW = re.compile(r"www\.")


def may_hold_urls(text: str) -> bool:
    """False when ``typography.url_spans(text)`` is sure to find nothing (tests/test_variant.py)."""
    return "@" in text or ("/" in text and _SCHEME.search(text) is not None) or _WWW.search(text) is not None


def chinese_pieces(doc: Document, terms) -> Iterator[tuple[int, int]]:
    """Spans of Han text in Chinese runs, cut around the glossary's Chinese terms."""
    if terms is None:  # the loop below, without terms (twice as fast)
        yield from [(seg.start, seg.end) for seg in doc.segments if seg.lang == "zh" and seg.end > seg.start]
        return
    for seg in doc.segments:
        if seg.lang != "zh":
            continue
        pos = seg.start
        if terms is not None:
            for _, start, end in terms.find_matches_as_indexes(doc.text[seg.start:seg.end]):
                if seg.start + start > pos:
                    yield pos, seg.start + start
                pos = seg.start + end
        if seg.end > pos:
            yield pos, seg.end


def changed_spans(text: str, pieces: list[tuple[int, int]], config: str) -> list[tuple[int, int]]:
    """Stretches of Han characters that ``config`` would change, in context."""
    return [(s, e) for s, e, _ in _changes(text, pieces, config)]


def simplified_only_spans(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Positions that every simplified-to-traditional configuration changes, as stretches."""
    positions = None
    for config in SIMPLIFIED_ONLY:
        changed = {p for s, e, _ in _changes(text, pieces, config) for p in range(s, e)}
        positions = changed if positions is None else positions & changed
    return _stretches(sorted(positions or ()))


def conversion_edits(text: str, pieces, config: str, only: list[tuple[int, int]] | None = None) -> list[Edit]:
    allowed = {p for s, e in only for p in range(s, e)} if only is not None else None
    edits = []
    for s, e, after in _changes(text, pieces, config):
        if allowed is not None:
            # Keep only the characters counted as the minority script (a stretch may hold both kinds).
            for i in range(s, e):
                if i in allowed and len(after) == e - s:
                    edits.append(Edit(i, i + 1, after[i - s], "variant-convert"))
            continue
        edits.append(Edit(s, e, after, "variant-convert"))
    return edits


def _changes(text: str, pieces, config: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, after)`` for each stretch of Han characters that OpenCC changes."""
    texts, outs = _converted(text, pieces, config)
    refs = _from_simplified(texts, config) if config in SIMPLIFIED_ONLY else None
    for k, ((ps, pe), piece, out) in enumerate(zip(pieces, texts, outs)):
        if refs is not None and len(refs[k]) == len(out) == len(piece):
            out = "".join(o if o == r else p for p, o, r in zip(piece, out, refs[k]))
        if out == piece:
            continue
        if len(out) == len(piece):
            opcodes = _equal_length_opcodes(piece, out)
        else:  # a phrase converted to one of another length: align the two
            opcodes = [(a1, a2, b1, b2) for tag, a1, a2, b1, b2 in
                       difflib.SequenceMatcher(None, piece, out, autojunk=False).get_opcodes() if tag != "equal"]
        for a1, a2, b1, b2 in opcodes:
            before, after = piece[a1:a2], out[b1:b2]
            if _all_han(before) and _all_han(after):  # never a mark, a space or a Latin letter
                yield ps + a1, ps + a2, after


_SEPARATOR = "\uffff"  # a noncharacter: no OpenCC phrase spans it


def _from_simplified(texts: list[str], config: str) -> list[str]:
    """The conversion of each text's simplified form. OpenCC's s2t reads its input as simplified: on
    text converted already it can find another phrase (``發明了`` holds ``明了``, ``明瞭`` when simplified,
    though ``发明了`` made it), so cleaning the output again would change it. A character changes only
    where the conversion of the simplified form agrees."""
    convert, simplify = converter(config).convert, converter("t2s").convert
    return _convert_each(texts, lambda t: convert(simplify(t)))


def _converted(text: str, pieces, config: str) -> tuple[list[str], list[str]]:
    """The pieces and their conversions. One OpenCC call for all of them, joined by a separator no
    phrase crosses (a call per piece costs three times as much on a long document); one call each if
    the text holds the separator or the answer does not split back into as many pieces."""
    texts = [text[s:e] for s, e in pieces]
    return texts, _convert_each(texts, converter(config).convert)


def _convert_each(texts: list[str], convert: Callable[[str], str]) -> list[str]:
    """``convert`` of each text: one call for all of them, joined by a separator no phrase crosses, or
    one call each if a text holds the separator or the answer does not split back into as many."""
    if not any(_SEPARATOR in t for t in texts):
        outs = convert(_SEPARATOR.join(texts)).split(_SEPARATOR)
        if len(outs) == len(texts):
            return outs
    return [convert(t) if _HAN_RUN.search(t) else t for t in texts]


def _equal_length_opcodes(a: str, b: str) -> list[tuple[int, int, int, int]]:
    out = []
    i = 0
    n = len(a)
    while i < n:
        if a[i] == b[i]:
            i += 1
            continue
        j = i
        while j < n and a[j] != b[j]:
            j += 1
        out.append((i, j, i, j))
        i = j
    return out


def _all_han(s: str) -> bool:
    return bool(s) and _HAN_RUN.fullmatch(s) is not None


def _stretches(positions: list[int]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for p in positions:
        if out and out[-1][1] == p:
            out[-1][1] = p + 1
        else:
            out.append([p, p + 1])
    return [(s, e) for s, e in out]
