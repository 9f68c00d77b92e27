"""The punctuation stage's one scan (``Scanner``) against the plain searches it replaces: every clause
mark (``mark_finder``), one pattern per quote and bracket convention. The scan leaves out the marks its
neighbours settle; ``width_edits`` must then decide exactly as when it looks at every mark, on real text
and on generated text with any language labels (an ASCII letter may be in a Chinese run)."""

import re
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.document import Segment
from pipeline.stages import punctuation as P
from pipeline.typography import LangIndex, load_conventions

from strategies import mixed_text

CONV = load_conventions()
SCAN = P.Scanner(CONV)
FINDER = P.mark_finder(CONV)
SEED = (Path(__file__).resolve().parent.parent / "samples" / "gov-report-2023.txt").read_text(encoding="utf-8")
LANGS = ("zh", "en", "other")


def plain_positions(pattern: re.Pattern, text: str) -> list[int]:
    return [m.start() for m in pattern.finditer(text)]


def every_quote_and_bracket(text: str):
    quotes = [plain_positions(re.compile("[" + re.escape(zo + zc + en + also) + "]"), text)
              for zo, zc, en, also in CONV.quotes]
    brackets = [plain_positions(re.compile("[" + re.escape("".join(b)) + "]"), text) for b in CONV.brackets]
    return quotes, brackets


def runs(text: str, cuts: list[int], langs: list[str]) -> list[Segment]:
    """A partition of ``text`` into runs at ``cuts``, labelled in turn by ``langs``."""
    bounds = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    return [Segment(s, e, langs[k % len(langs)]) for k, (s, e) in enumerate(zip(bounds, bounds[1:]))]


def plain_width_edits(text: str, langs: LangIndex, keep: set[int]) -> list:
    """The width rule without its shortcuts: every mark, and ``mark_lang`` asked whenever its
    neighbours do not settle it."""
    edits = []
    for i in plain_positions(FINDER, text):
        c = text[i]
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if c in CONV.en_to_zh:
            if P.is_latin(prev) and langs(i - 1) != "zh":
                continue
        elif P.is_han(prev) and P.is_han(nxt):
            continue
        if prev.isdigit() and nxt.isdigit() or c in ".:" and c in (prev, nxt):
            continue
        if c in ".;:" and P._in_ascii_pair(text, i) or i in keep:
            continue
        lang = P.mark_lang(text, i, langs)
        if lang == "zh" and c in CONV.en_to_zh:
            if c != "." or P._ends_chinese_sentence(text, i):
                edits.append(P.Edit(i, i + 1, CONV.en_to_zh[c], "punct-width"))
        elif lang == "en" and c in CONV.zh_to_en:
            space = nxt and nxt not in P.SPACES + "\n" + P.CLOSING + P.CLAUSE_MARKS
            edits.append(P.Edit(i, i + 1, CONV.zh_to_en[c] + (" " if space else ""), "punct-width"))
    return edits


def in_a_word(text: str, i: int) -> bool:
    """An apostrophe between two ASCII letters: the scan leaves it out."""
    return text[i] == "'" and 0 < i < len(text) - 1 and (text[i - 1] + text[i + 1]).isascii() \
        and (text[i - 1] + text[i + 1]).isalpha()


def assert_same_decisions(text: str, segments: list[Segment]) -> None:
    langs = LangIndex(segments, len(text))
    found = SCAN(text)
    every_quote, every_bracket = every_quote_and_bracket(text)
    assert found.brackets == every_bracket
    assert found.quotes == [[i for i in at if not in_a_word(text, i)] for at in every_quote]
    for (zo, zc, en, _also), scanned, every in zip(CONV.quotes, found.quotes, every_quote):
        assert P.quote_edits(text, langs, scanned, zo, zc, en) == P.quote_edits(text, langs, every, zo, zc, en)
    zh_runs = [(s.start, s.end) for s in segments if s.lang == "zh"]
    marks = SCAN.marks(text, found, zh_runs)
    assert set(marks) <= set(plain_positions(FINDER, text)) and marks == sorted(marks)
    keep = P.marker_marks(text, P.load_patterns()[1])
    fast = P.width_edits(text, langs, marks, CONV, keep)
    assert fast == P.width_edits(text, langs, plain_positions(FINDER, text), CONV, keep)
    assert fast == plain_width_edits(text, langs, keep)


@settings(max_examples=300)
@given(mixed_text, st.lists(st.integers(min_value=0, max_value=400), max_size=12),
       st.lists(st.sampled_from(LANGS), min_size=1, max_size=4))
def test_the_scan_decides_as_every_mark_on_generated_text(text, cuts, langs):
    assert_same_decisions(text, runs(text, cuts, langs) if text else [])


@given(st.integers(min_value=0, max_value=len(SEED)), st.integers(min_value=1, max_value=3000),
       st.lists(st.integers(min_value=0, max_value=3000), max_size=30),
       st.lists(st.sampled_from(LANGS), min_size=1, max_size=3))
def test_the_scan_decides_as_every_mark_on_the_seed(start, size, cuts, langs):
    text = SEED[start:start + size]
    assert_same_decisions(text, runs(text, cuts, langs) if text else [])


def test_the_scan_on_the_runs_the_pipeline_finds():
    """The whole seed with its own runs: hundreds of each case the scan settles or leaves to the rule."""
    from pipeline import Pipeline

    doc = Pipeline(disable=("punctuation", "spacing")).clean(SEED)
    found = SCAN(doc.text)
    every = plain_positions(FINDER, doc.text)
    assert 0 < len(found.marks) < len(every) * 0.7  # the scan leaves out a real share of them
    assert_same_decisions(doc.text, doc.segments)


def test_an_apostrophe_in_a_word_is_left_out_of_the_scan():
    text = "the Party's work, 'quoted' and it' s"
    assert SCAN(text).quotes[1] == [i for i, c in enumerate(text) if c == "'" and i != text.index("'s")]


def test_no_letter_is_a_digit_nor_a_han_character():
    """What the shortcuts of ``width_edits`` rest on: after a letter, the tests for numbers cannot hold."""
    assert not [c for c in P.LATIN_CHARS if c.isdigit() or P.is_han(c)]


def test_an_ascii_mark_after_a_letter_of_a_chinese_run_is_decided():
    text = "使用GitLab,部署"
    segments = [Segment(0, len(text), "zh")]
    langs = LangIndex(segments, len(text))
    found = SCAN(text)
    assert found.marks == []  # settled by the letter before it, were the letter English
    marks = SCAN.marks(text, found, [(0, len(text))])
    assert marks == [text.index(",")]
    assert [e.after for e in P.width_edits(text, langs, marks, CONV)] == ["，"]


def plain_content_lang(text: str, i: int, step: int, langs: LangIndex):
    """The nearest letter or Han character on the line, looked for one character at a time."""
    j = i + step
    while 0 <= j < len(text) and abs(j - i) < P.LOOK:
        c = text[j]
        if c == "\n":
            return None
        if c in P.LATIN_CHARS:
            return langs(j)
        if P.is_han(c):
            return "zh"
        j += step
    return None


def plain_neighbour(text: str, i: int, step: int) -> str:
    j = i + step
    while 0 <= j < len(text) and text[j] in P._SKIPPED:
        j += step
    return "" if not 0 <= j < len(text) or text[j] == "\n" else text[j]


@settings(max_examples=300)
@given(mixed_text, st.lists(st.integers(min_value=0, max_value=400), max_size=8),
       st.lists(st.sampled_from(LANGS), min_size=1, max_size=3))
def test_the_quick_looks_at_a_quote_s_neighbours_answer_as_the_searches(text, cuts, langs):
    """``_content_lang`` and ``_neighbour_and_lang`` look one and two characters away before they search;
    the second reads the language from the neighbour it found when it can."""
    index = LangIndex(runs(text, cuts, langs) if text else [], len(text))
    skipped = P._Skip(text, P._SKIPPED.__contains__)
    for i in range(len(text)):
        for step in (-1, +1):
            assert P._content_lang(text, i, step, index) == plain_content_lang(text, i, step, index), (i, step)
            assert P._neighbour_and_lang(text, i, step, skipped, index) == (
                plain_neighbour(text, i, step), plain_content_lang(text, i, step, index)), (i, step)


DOUBLED = P._doubled_pattern(CONV)
HEADING = P.load_patterns()[1]
# Marks, quotes, brackets and spaces packed close: doubled pairs, rows of them and near misses, markers.
packed = st.lists(st.sampled_from(list("。.,，;；:：、!？ \u3000\t\"“”'’)）(a中1\n")
                                  + ["..", "。。", ".。", "，,", "\n1、", "\n1. ", "\n一、", "\nOne，", "\n(二)"]),
                  max_size=30).map("".join)
texts = st.one_of(mixed_text, packed)


@settings(max_examples=300)
@given(texts)
def test_pairs_read_back_from_the_scan_are_the_pairs_searched(text):
    plain = [m.start() for m in DOUBLED[2].finditer(text)]
    assert P.pair_starts(text, SCAN(text).marks, DOUBLED) == plain


@settings(max_examples=300)
@given(texts, st.lists(st.integers(min_value=0, max_value=400), max_size=6),
       st.lists(st.sampled_from(LANGS), min_size=1, max_size=3))
def test_what_the_scan_found_moves_through_the_doubled_marks_taken_out(text, cuts, langs):
    """Moved through the ``doubled-mark`` edits, the scan's findings are those of a scan of the result
    (the marks may be more: ``中。。中`` -> ``中。中`` leaves a mark its neighbours settle, decided as any)."""
    from pipeline.document import Document

    doc = Document(text)
    found = SCAN(text)
    markers = P.marker_marks(text, HEADING)
    applied = doc.apply("punctuation", P.doubled_edits(text, DOUBLED, markers))
    moved = SCAN.moved(found, doc.changes[-applied:]) if applied else found
    if applied:
        assert P.moved_markers(markers, doc.changes[-applied:], doc.text, HEADING) == P.marker_marks(doc.text, HEADING)
    fresh = SCAN(doc.text)
    assert (moved.quotes, moved.brackets) == (fresh.quotes, fresh.brackets)
    assert set(fresh.marks) <= set(moved.marks) <= set(plain_positions(FINDER, doc.text))
    assert moved.marks == sorted(set(moved.marks))
    segments = runs(doc.text, cuts, langs) if doc.text else []
    zh_runs = [(s.start, s.end) for s in segments if s.lang == "zh"]
    langs_index = LangIndex(segments, len(doc.text))
    assert (P.width_edits(doc.text, langs_index, SCAN.marks(doc.text, moved, zh_runs), CONV)
            == P.width_edits(doc.text, langs_index, plain_positions(FINDER, doc.text), CONV))


def test_a_doubled_mark_taken_out_moves_what_follows():
    text = '他说“好”。。然后,"the end".'
    from pipeline.document import Document

    doc = Document(text)
    found = SCAN(text)
    applied = doc.apply("punctuation", P.doubled_edits(text, DOUBLED, set()))
    assert applied == 1 and doc.text == '他说“好”。然后,"the end".'
    moved = SCAN.moved(found, doc.changes[-1:])
    assert moved.quotes == SCAN(doc.text).quotes == [[2, 4, 9, 17], []]


@settings(max_examples=300)
@given(texts)
def test_the_marks_after_a_space_read_from_the_scan_are_those_searched(text):
    assert P.marks_after_space(text, SCAN(text).marks) == P.marks_after_space(text)
    doc_marks = SCAN(SEED[:3000]).marks
    assert P.marks_after_space(SEED[:3000], doc_marks) == P.marks_after_space(SEED[:3000])


def test_a_marker_on_a_line_with_a_doubled_mark_is_found_again():
    from pipeline.document import Document

    text = "序\n1、工作。。好\n2、学习"
    doc = Document(text)
    markers = P.marker_marks(text, HEADING)
    assert markers == {3, 11}
    applied = doc.apply("punctuation", P.doubled_edits(text, DOUBLED, markers))
    assert applied == 1 and doc.text == "序\n1、工作。好\n2、学习"
    assert P.moved_markers(markers, doc.changes[-1:], doc.text, HEADING) == {3, 10}


def plain_clause_first_content(text: str, k: int) -> int:
    """The first letter or Han character of the clause of ``k``, the clause's start walked back to one
    character at a time (a line break, or a clause mark that is no separator inside a number)."""
    start = k
    while start > max(0, k - P.LOOK) and not (text[start - 1] == "\n" or P._is_boundary(text, start - 1)):
        start -= 1
    return next(j for j in range(start, k + 1) if P.is_han(text[j]) or P.is_latin(text[j]))


clauses = st.lists(st.sampled_from(list("中a 1,，。.\n、;") + ["1,000", "3.5", "Focus", "目标", "\u3000", "〇"]),
                   max_size=40).map("".join)


@settings(max_examples=300)
@given(st.one_of(mixed_text, clauses))
@example("中1,中 Focus")  # a mark after a digit ends the clause unless a digit follows it
@example("目标 1,000。 ,Focus")
def test_a_clause_s_first_content_as_walked_back(text):
    for k, c in enumerate(text):
        if P.is_han(c) or P.is_latin(c):
            assert P._clause_first_content(text, k) == plain_clause_first_content(text, k), k
