"""The spam stage's fast paths against the plain ones they replace: each must give the same result."""

import bisect
import itertools
import re

import pytest
from ahocorasick_rs import AhoCorasick, MatchKind
from hypothesis import given
from hypothesis import strategies as st

from pipeline import Pipeline
from pipeline import spam as spam_module
from pipeline.document import Document, Edit, replay
from pipeline.options import Options
from pipeline.spam import default_detector
from pipeline.stages import spam as stage
from pipeline.stream import boundary
from pipeline.textview import normalized_view
from strategies import SPAM, piece

# The pattern of the spaces the detector's view drops, as it was first written (one space not after a
# word or a dot and the spaces after it, or a run not followed by a word): the reference.
_W = spam_module._WORD_CHAR
PLAIN_DROP = re.compile(rf"[ \t](?<![{_W}.][ \t])[ \t]*|[ \t]+(?![ \t{_W}])")


def _drops(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def test_the_drop_pattern_drops_what_the_plain_one_did():
    """Every string of up to 6 characters over the classes that matter (a word character of each kind,
    a dot, both spaces, Chinese, a line break, a mark): the same stretches, not only the same text (the
    map back to the original depends on which space of a run is kept)."""
    for n in range(7):
        for chars in itertools.product("a1é. \t中\n,", repeat=n) if n < 6 else \
                itertools.product("a. \t中", repeat=n):
            text = "".join(chars)
            assert _drops(spam_module._SPACES_TO_DROP, text) == _drops(PLAIN_DROP, text), repr(text)


@given(st.lists(st.one_of(piece, st.sampled_from([" ", "  ", "\t ", " \t", ". ", "a  b", "中 a", "a 中"])),
                max_size=30).map("".join))
def test_the_drop_pattern_on_mixed_text(text):
    text = text.lower()
    assert _drops(spam_module._SPACES_TO_DROP, text) == _drops(PLAIN_DROP, text)


# -- a second look only where the changes are ------------------------------------------------------

_DETECTOR = default_detector()


def _cleaned(text: str, whole: bool, monkeypatch, **options) -> Document:
    """The spam stage alone on ``text``; ``whole``: every look at the whole text (the plain path)."""
    with monkeypatch.context() as m:
        if whole:
            m.setattr(stage, "_may_have_spam", lambda *_: True)
        doc = Document(text)
        stage.setup(Options(**options))(doc)
    assert replay(text, doc.changes) == doc.text
    return doc


def _same(a: Document, b: Document) -> None:
    assert a.text == b.text
    assert [c.to_dict() for c in a.changes] == [c.to_dict() for c in b.changes]
    assert a.flags == b.flags and a.stats == b.stats and a.segments == b.segments and a.blocks == b.blocks


# Text where one look is not the last: removals that bring a phrase together, phrases below the
# threshold that stay, the cuts of a stretch (line breaks, 。 and its other forms) next to spam.
_AROUND = ["开云", "体育", "官网", "下注", "九游", "app", "金沙江", "东亚搏击", "bet365", "eighth", "。", "｡", "︒",
           "\n", "\n\n", " ", "《", "》", "、", "和"]
_second_look_text = st.lists(st.one_of(piece, st.sampled_from(SPAM), st.sampled_from(_AROUND)),
                             max_size=40).map("".join)

EXAMPLES = [
    "开云《2024欧洲杯下注平台》体育官网下注平台。",  # the removal joins 开云 and 体育官网
    "金沙江畔。《2024欧洲杯下注平台》\n警方破获开云体育官网案。",  # an anchor the removal leaves alone
    "开云体育｡《2024欧洲杯下注平台》｡官网",  # the half-width full stop cuts stretches too
    "bet365 和《2024欧洲杯下注app》\n\n下注 app 官网 eighth。",
    "1、《2024欧洲杯下注平台》\n正文开云\n体育官网",  # the structure stage joins lines again
]


@pytest.mark.parametrize("text", EXAMPLES)
@pytest.mark.parametrize("mode", ["remove", "mask"])
def test_the_second_look_finds_what_a_whole_one_finds(text, mode, monkeypatch):
    _same(_cleaned(text, False, monkeypatch, spam=mode), _cleaned(text, True, monkeypatch, spam=mode))


@given(_second_look_text, st.sampled_from(["remove", "mask"]))
def test_the_second_look_finds_what_a_whole_one_finds_on_any_text(text, mode):
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same(_cleaned(text, False, monkeypatch, spam=mode), _cleaned(text, True, monkeypatch, spam=mode))


def test_the_second_look_on_the_seed(seed_text, monkeypatch):
    doc = Document(seed_text * 2)
    for name, run in Pipeline().stages:
        if name == stage.NAME:
            break
        run(doc)
    text = doc.text
    _same(_cleaned(text, False, monkeypatch), _cleaned(text, True, monkeypatch))


@given(_second_look_text)
def test_the_sites_are_where_the_quick_test_finds_a_word(text):
    """``_sites`` is nonempty exactly when the quick test says yes, and each site alone says yes."""
    base = normalized_view(text).text
    sites = _DETECTOR._sites(text, base)
    assert bool(sites) == _DETECTOR._may_hold_anchor(base)
    for a, b in sites:
        assert _DETECTOR.may_hold_anchor(text[a:b]), (text[a:b], sites)
    cut = _DETECTOR.stretches(text, [(0, 0)])[0][1]
    assert cut == len(text) or text[cut - 1] in _DETECTOR.cuts


@given(_second_look_text)
def test_the_anchor_sites_are_the_stretches_whose_own_view_holds_an_anchor(text):
    """A look's sites (``_anchor_sites``) are the stretches that, looked at alone, hold an anchor: what
    lies outside a stretch never changes which anchors are found in it. They lie among the quick test's."""
    assert _DETECTOR.anchor_sites
    view = spam_module._view(normalized_view(text))
    sites = _DETECTOR._anchor_sites(text, view, _DETECTOR._anchor_hits(view.text))
    cuts = [i for i, c in enumerate(text) if c in _DETECTOR.cuts]
    # (``_sites``' form: from the cut before, or the start, to the cut after, included, or the end)
    stretches = list(zip([0] + cuts, [c + 1 for c in cuts] + [len(text)]))
    alone = [(a, b) for a, b in stretches
             if _DETECTOR._anchor_hits(spam_module._view(normalized_view(text[a:b])).text)]
    assert sites == alone
    quick = _DETECTOR._sites(text, normalized_view(text).text)
    assert set(sites) <= set(quick)
    assert _DETECTOR.scan_sites(text)[2] == sites


@given(_second_look_text, st.sampled_from([1, 2, 5, 4096]))
def test_the_quick_test_in_pieces_answers_as_on_the_whole_text(text, size):
    base = normalized_view(text).text
    with pytest.MonkeyPatch.context() as m:
        m.setattr(spam_module, "FIRST_PIECE", size)
        assert _DETECTOR._may_hold_anchor(base) == _DETECTOR._holds_probe_word(base)


@given(_second_look_text)
def test_the_sentence_marks_are_those_re_finds(text):
    """The sentence-end scan runs on ``regex`` (faster here); ``re`` with the same pattern is the reference."""
    pattern = spam_module._SENTENCE_MARK.pattern
    text = normalized_view(text).text
    assert [m.span(1) + m.span() for m in spam_module._SENTENCE_MARK.finditer(text)] == \
        [m.span(1) + m.span() for m in re.finditer(pattern, text)]


@given(st.lists(st.one_of(piece, st.sampled_from(_AROUND + ["下注意", "赌球网", "开云见日", "新澳門", "开云集团"])),
                max_size=30).map("".join))
def test_the_automata_match_what_the_default_automaton_matches(text):
    """The detector's word automata are DFAs (``_automaton``): the library's default one is the reference."""
    view = spam_module._view(normalized_view(text)).text
    for words in (_DETECTOR.words, _DETECTOR.anchor_words):
        reference = AhoCorasick(words.words, matchkind=MatchKind.LeftmostLongest)
        assert words.automaton.find_matches_as_indexes(view) == reference.find_matches_as_indexes(view)
    anchors = [w for w, s in _DETECTOR.by_word.items() if s.role == "anchor"]
    reference = AhoCorasick(sorted({w.replace(" ", "").replace("\t", "") for w in anchors
                                    if not spam_module._PLAIN_WORD.fullmatch(w)}))
    joined = normalized_view(text).text.replace(" ", "").replace("\t", "")
    assert _DETECTOR.probe_joined.find_matches_as_indexes(joined) == reference.find_matches_as_indexes(joined)


# -- the sentence machinery: each window and each context once per sentence --------------------------

def _plain_paragraph(s, pos):
    """The paragraph holding ``pos``: from the end of the blank-line run before it to the start of the one
    after it (a position inside a run is the paragraph's before it), runs as a large file is cut."""
    runs = [(m.start(), m.end()) for m in boundary(line_end=False).finditer(s)]
    return (max((b for a, b in runs if b <= pos), default=0),
            min((a for a, b in runs if b > pos), default=len(s)))


def _plain_windows(scan, anchors):
    """``_Scan.windows`` as first written: three sentence look-ups for every anchor (and the bounds of
    its paragraph)."""
    out = []
    for h in anchors:
        ss, se = scan.sentence(h.start)
        ps, pe = _plain_paragraph(scan.s, h.start)
        ss = scan.sentence(ss - 1)[0] if ss > ps else ss
        se = scan.sentence(scan._next(se))[1] if scan._next(se) < pe else max(se, h.end)
        if out and ss <= out[-1][1]:
            out[-1] = (out[-1][0], max(se, out[-1][1]))
        else:
            out.append((ss, se))
    return out


def _plain_sentence(s, pos):
    """``_Scan.sentence`` as first written (the line found by ``Lines.around``)."""
    line_start, line_end = spam_module.Lines(s).around(pos)
    bounds = [line_start] + [m.end() for m in re.finditer(spam_module._SENTENCE_MARK.pattern, s[:line_end])
                             if line_start <= m.start() and m.end() < line_end
                             and spam_module._ends_sentence(s, m.start(), m.end(1))] + [line_end]
    i = min(max(bisect.bisect_right(bounds, pos) - 1, 0), len(bounds) - 2)
    return bounds[i], bounds[i + 1]


SCAN_EXAMPLES = [
    "警方破获案件。开云体育官网下注平台。彩票开奖\n下注平台。警方通报",
    "开云体育。警方。警方破获，开云体育官网！bet365 下注app。\n\n九游娱乐,九游app,亚博体育官网",
    "《2024欧洲杯下注平台》。竞彩开奖公告。开云集团。东亚搏击。www.leyu88.com注册即送58元彩金!",
    "开云体育官网加微信\n \nyabo88体育官网。警方\n\x0c\n下注平台\n\n\n开云",
]


@pytest.mark.parametrize("text", SCAN_EXAMPLES)
def test_windows_sentences_and_contexts_on_examples(text):
    test_windows_sentences_and_contexts_are_those_of_the_plain_scan.hypothesis.inner_test(text)


@given(_second_look_text)
def test_windows_sentences_and_contexts_are_those_of_the_plain_scan(text):
    view = spam_module._view(normalized_view(text)).text
    hits = _DETECTOR._word_hits(view, _DETECTOR.words)
    anchors = [h for h in hits if h.signal.role == "anchor"]
    scan = spam_module._Scan(view, _DETECTOR.settings, _DETECTOR.title_pairs)
    assert scan.windows(anchors) == _plain_windows(spam_module._Scan(view, _DETECTOR.settings, _DETECTOR.title_pairs),
                                                   anchors)
    for pos in range(len(view) + 1):
        assert scan.sentence(pos) == _plain_sentence(view, pos), pos
    scan.add(sorted(hits))
    for h in hits:  # every context twice (the second from the cache), and as first written
        scan.against_for(h.start)
        assert scan.against_for(h.start) == _plain_against(scan, h.start)


_MARKS_TEXT = st.lists(st.sampled_from(list("!?.。\"'”’」』)a1中 \n") + ["...", "。。", "5。6", "a.b", "。”"]),
                      max_size=50).map("".join)


@given(st.one_of(_MARKS_TEXT, _second_look_text), st.sampled_from([1, 2, 3, 7, 2048]))
def test_sentences_found_by_blocks_are_those_of_the_whole_line(text, block):
    """``_LineSentences`` finds a long line's sentence ends a block at a time (and the whole line when a
    sentence reaches over many blocks): every position's sentence is the plain scan's, for any block size."""
    view = spam_module._view(normalized_view(text)).text
    with pytest.MonkeyPatch.context() as m:
        m.setattr(spam_module, "SENTENCE_BLOCK", block)
        scan = spam_module._Scan(view, _DETECTOR.settings, _DETECTOR.title_pairs)
        for pos in [*range(len(view) + 1), *reversed(range(len(view) + 1))]:  # (blocks found in both orders)
            assert scan.sentence(pos) == _plain_sentence(view, pos), (pos, view)


@pytest.mark.parametrize("text", ["a?b!c", "a!b?c?!d", "?!?!?!x", "..a. b.... 。。c。.”!)", "5。6 a.b..."])
def test_the_sentence_ends_of_a_stretch_on_examples(text):
    test_the_sentence_ends_of_a_stretch_are_those_of_the_pattern_s_scan.hypothesis.inner_test(text, 0, 60)


@given(st.one_of(_MARKS_TEXT, _second_look_text), st.integers(0, 60), st.integers(0, 60))
def test_the_sentence_ends_of_a_stretch_are_those_of_the_pattern_s_scan(text, a, b):
    """``_LineSentences._ends_in`` (the marks found by ``str.find``, of a run only the first) against the
    pattern's own scan of ``[a, b)``."""
    s = spam_module._view(normalized_view(text)).text
    a, b = sorted((min(a, len(s)), min(b, len(s))))
    line = spam_module._LineSentences(s, 0, len(s))
    assert line._ends_in(a, b) == [m.end() for m in spam_module._SENTENCE_MARK.finditer(s, a, b)
                                   if m.end() < len(s) and spam_module._ends_sentence(s, m.start(), m.end(1))]


def _plain_against(scan, start):
    """``_Scan.against_for`` as first written (computed for every span)."""
    ss, se = scan.sentence(start)
    ps, pe = _plain_paragraph(scan.s, start)
    lo = scan.sentence(ss - 1)[0] if ss > ps else ss
    nxt = scan._next(se)
    hi = scan.sentence(nxt)[1] if nxt < pe else se
    out = {}
    for h in scan.against:
        if lo <= h.start < hi:
            weight = h.signal.weight * (1.0 if ss <= h.start < se else scan.settings.neighbour)
            if weight > out.get(h.signal.family, (0.0, ""))[0]:
                out[h.signal.family] = (weight, scan.s[h.start:h.end])
    return out


def test_the_cuts_come_from_the_characters_the_view_writes_so():
    from pipeline.textview import normalize_char, sources

    assert sources("。") == {"。", "｡", "︒"} and sources("\n") == {"\n"}
    assert all(normalize_char(c) == "。" for c in sources("。"))
    with pytest.raises(ValueError):
        sources("a")  # a cased letter: ``A`` is written ``a`` too
    assert set(_DETECTOR.cuts) == {"\n", "。", "｡", "︒"}


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 4), st.text("ab", max_size=3)), max_size=8),
       st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8)), max_size=8), st.booleans())
def test_spans_in_one_walk_are_each_span_mapped(edits, spans, in_order):
    """``PositionMap.spans`` (which ``forward_spans`` uses to move the sites of a look) against ``span``
    of each: spans in order, overlapping, empty, or in any order."""
    from pipeline.document import PositionMap

    chosen, end = [], -1
    for start, length, after in sorted(edits):
        if start > end or start == end and length:  # (adjacent edits too; one insertion per point)
            chosen.append(Edit(start, start + length, after, "r"))
            end = start + length
    mapper = PositionMap(chosen)
    spans = [(s, s + n) for s, n in spans]
    if in_order:
        spans.sort()
    assert mapper.spans(spans) == [mapper.span(s, e) for s, e in spans]


@given(st.text(st.sampled_from("ab\n。｡"), max_size=40),
       st.lists(st.tuples(st.integers(0, 40), st.integers(0, 8)), max_size=6), st.booleans())
def test_the_cuts_around_spans_are_those_of_the_list_of_every_cut(text, spans, in_order):
    """``_Cuts`` searches on from where it left off; the list of every cut is the reference."""
    spans = [(min(s, len(text)), min(s + n, len(text))) for s, n in spans]
    if in_order:
        spans.sort()
    cuts = [i for i, c in enumerate(text) if c in "\n。｡"]
    expected = [(max([c for c in cuts if c < s], default=-1), min([c for c in cuts if c >= e], default=len(text)))
                for s, e in spans]
    cuts = spam_module._Cuts(text, "\n。｡︒")
    assert [cuts.around(s, e) for s, e in spans] == expected


@given(_second_look_text, st.lists(st.tuples(st.integers(0, 60), st.integers(0, 6)), max_size=8))
def test_the_stretches_around_spans_are_each_span_s_joined(text, spans):
    """``Detector.stretches`` skips the spans whose stretch lies in the last one; the reference takes the
    stretch of each span (the cut before its start to the first at or after its end) and joins them."""
    from pipeline.document import merge_spans

    spans = [(min(s, len(text)), min(s + n, len(text))) for s, n in spans]
    cuts = [i for i, c in enumerate(text) if c in _DETECTOR.cuts]
    each = [(max([c for c in cuts if c < s], default=0), min([c + 1 for c in cuts if c >= e], default=len(text)))
            for s, e in spans]
    assert _DETECTOR.stretches(text, spans) == merge_spans(each)


_PROMOS = ["www.leyu88.com", "leyu88.com", "http://x.cc/a?b=1", "加微信abc12345", "qq:1234567", "vx 88888a",
           "注册送58元", "送88元", "首存", "2024年", "1999", "20245", "。", ".", "\n", "欧洲杯", "下注"]


@given(st.lists(st.one_of(piece, st.sampled_from(SPAM), st.sampled_from(_AROUND + _PROMOS)), max_size=40).map("".join))
def test_patterns_run_where_their_literals_are_find_what_they_find_everywhere(text):
    """Each pattern runs only in the windows holding one of its required literals (``_pattern_windows``);
    run in every window, the patterns find the same hits, and the detector the same spans."""
    view = spam_module._view(normalized_view(text)).text
    anchors = _DETECTOR._anchor_hits(view)
    windows = spam_module._Scan(view, _DETECTOR.settings, _DETECTOR.title_pairs).windows(anchors)
    everywhere = lambda s, ws: [ws for _ in _DETECTOR.patterns]  # noqa: E731
    fast = _DETECTOR._pattern_hits(view, windows)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_DETECTOR, "_pattern_windows", everywhere)
        assert _DETECTOR._pattern_hits(view, windows) == fast
        plain = _DETECTOR.find(text)
    assert _DETECTOR.find(text) == plain
