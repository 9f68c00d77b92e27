"""The spam stage's fast paths against the plain ones they replace: each must give the same result."""

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from pipeline import spam as spam_module
from strategies import mixed_text, piece

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

import pytest  # noqa: E402

from pipeline import Pipeline  # noqa: E402
from pipeline.document import Document, replay  # noqa: E402
from pipeline.options import Options  # noqa: E402
from pipeline.spam import default_detector  # noqa: E402
from pipeline.stages import spam as stage  # noqa: E402
from pipeline.textview import normalized_view  # noqa: E402
from strategies import SPAM  # noqa: E402

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
    from ahocorasick_rs import AhoCorasick, MatchKind

    view = spam_module._view(normalized_view(text)).text
    for words in (_DETECTOR.words, _DETECTOR.anchor_words):
        reference = AhoCorasick(words.words, matchkind=MatchKind.LeftmostLongest)
        assert words.automaton.find_matches_as_indexes(view) == reference.find_matches_as_indexes(view)
    anchors = [w for w, s in _DETECTOR.by_word.items() if s.role == "anchor"]
    plain = {w for w in anchors if spam_module._PLAIN_WORD.fullmatch(w)}
    reference = AhoCorasick(sorted({w.replace(" ", "").replace("\t", "") for w in anchors} - plain))
    joined = normalized_view(text).text.replace(" ", "").replace("\t", "")
    assert _DETECTOR.probe_joined.find_matches_as_indexes(joined) == reference.find_matches_as_indexes(joined)
