"""After the terms stage repairs words, the earlier stages see again only what a repair can change
(pipeline/polish.py). The result must be the one of running all of them again over the whole document,
as the stage used to: the same text, changes, runs, blocks and flags."""

from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
import regex
from hypothesis import example, given
from hypothesis import strategies as st

from pipeline import Pipeline
from pipeline import polish as polish_module
from pipeline.document import Document
from pipeline.polish import Polish
from pipeline.spam import _view, default_detector
from pipeline.stages import segment
from pipeline.stream import boundary
from pipeline.textview import normalized_view
from spam_cases import load_cases
from strategies import DIGITS, HAN, HEADINGS, MARKS, SPACES, SPAM, WORDS, mixed_text

DETECT = segment.english_or_other()
LATIN_LETTER = regex.compile(r"\p{Latin}")
GLOSSARY = str(Path(__file__).parent / "data" / "polish-terms.toml")
PIPELINES = [Pipeline(terms=[GLOSSARY]), Pipeline(terms=["next-generation"]),
             Pipeline(terms=[GLOSSARY], spam="flag"), Pipeline(terms=[GLOSSARY], disable=["detect-other"]),
             Pipeline(terms=[GLOSSARY], variant="simplified"), Pipeline(terms=[GLOSSARY], disable=["segment"])]
# Every variant and canonical form of the test glossary, and what stands around them in the seed.
PHRASES = ["Customs Work Committee", "Customs and Works Committee", "Wulo", "five old men", "five old men's",
           "delivery boys", "delivery boys'", "Ten little stars", "America office", "the United States",
           "Guan building", "full office", "basketball office", "Primary", "Primary,", "Customs Care Committee",
           "Beta", "Working Committee for Caring for the Next Generation", "five elders", "couriers",
           "the", "and", "of the", " in the five old men team", "'", "’s", "provincial", "Five Old Men"]
glossary_text = st.lists(st.one_of(
    st.text(alphabet=HAN, min_size=1, max_size=6), st.sampled_from(WORDS), st.sampled_from(MARKS),
    st.sampled_from(PHRASES), st.sampled_from(PHRASES), st.sampled_from(SPACES), st.sampled_from(HEADINGS),
    st.sampled_from(DIGITS), st.sampled_from(SPAM), st.sampled_from([" ", " ", ", ", ". ", "，", "。"]),
), max_size=40).map("".join)


@contextmanager
def whole_polish():
    """The earlier stages run again over the whole document after every repairing sweep."""
    with mock.patch.object(Polish, "__call__", lambda self, doc, first: self.whole(doc)):
        yield


EARLIER = {"markup", "invisible", "structure", "segment", "spam", "width", "numbers", "punctuation", "spacing",
           "variant"}


def result(doc: Document):
    """What must not differ. The flags of the earlier stages may: those they made on their first run
    stay unless they run again over the whole document (then they are those they make again; a few
    rules do not flag the text they have cleaned as they flagged the text before: ``5。780,000，``)."""
    return (doc.text, [c.to_dict() for c in doc.changes], [s.to_dict() for s in doc.segments],
            [(b.start, b.end, b.kind) for b in doc.blocks],
            sorted(tuple(f.to_dict().values()) for f in doc.flags if f.stage not in EARLIER))


def assert_same_as_whole(pipeline: Pipeline, text: str) -> Document:
    doc = pipeline.clean(text)
    with whole_polish():
        whole = pipeline.clean(text)
    assert result(doc) == result(whole)
    return doc


@example("five old men's ’s", 5)  # the repair puts an apostrophe beside a space the spacing stage now takes
@given(glossary_text, st.sampled_from(range(len(PIPELINES))))
def test_polishing_where_repairs_matter_gives_the_whole_run(text, which):
    assert_same_as_whole(PIPELINES[which], text)


@given(mixed_text.map(lambda t: t + " Customs Work Committee。" + t), st.sampled_from(range(len(PIPELINES))))
def test_polishing_mixed_text_gives_the_whole_run(text, which):
    assert_same_as_whole(PIPELINES[which], text)


@pytest.mark.parametrize("text", [
    "Primary, we met.\nThe Wulo came.",  # a heading word written at the start of a line ("First,")
    "他们说‘the five old men's plan 很好",  # a possessive that becomes a quote: "five elders'"
    "The delivery boys' 工作 “关 爱 小哥” 开展",  # the quote next to Han, a slogan's spaces
    "In Qiqihar the Customs Work Committee 齐齐哈尔, and more",  # a clause that ends in Chinese
    "Hire Wulo volunteer Internet cafe supervisors，网吧",  # a short phrase, no "the": its runs checked
    "2024欧洲杯下注平台 and the Wulo 下注",  # spam words in the paragraph of a repair
    "morality, intelligence, the United States and labor, 等",  # a repair that writes a comma
    "Top Ten little stars 5。780,000 people",  # one that writes a digit
    "使用Beta和Beta Gamma Delta的Beta。",  # one word inside Chinese
    "the " + "very " * 60 + "long Customs Work Committee clause 会",  # beyond the punctuation stage's reach
])
def test_hard_cases_give_the_whole_run(text):
    for pipeline in PIPELINES:
        assert_same_as_whole(pipeline, text)


def test_the_seed_is_not_cleaned_again_whole(seed_text):
    """On the seed every repair is read where it stands: the earlier stages never run again over the
    whole document, and only the paragraph of "five elders'" (a possessive that became a quote) is
    cleaned again."""
    pipeline = PIPELINES[1]
    again = []
    real = Polish._part

    def part(doc, a, b, fresh):
        again.append(doc.text[a:b])
        return real(doc, a, b, fresh)

    with mock.patch.object(Polish, "whole", side_effect=AssertionError("whole run")), \
            mock.patch.object(Polish, "_part", staticmethod(part)):
        doc = pipeline.clean(seed_text)
    assert len(again) == 1 and "five elders'" in again[0]
    assert sum(c.stage == "terms" for c in doc.changes) > 80
    with whole_polish():
        assert result(pipeline.clean(seed_text)) == result(doc)


def test_flags_are_not_made_twice(seed_text):
    """The stages run again used to add their flags a second time (the seed's two numbers flags
    were reported four times with a glossary)."""
    plain = Pipeline().clean(seed_text)
    doc = PIPELINES[1].clean(seed_text)
    for stage in ("numbers", "spacing", "variant"):
        assert [(f.rule, f.message) for f in doc.flags if f.stage == stage] == \
               [(f.rule, f.message) for f in plain.flags if f.stage == stage]
    with whole_polish():
        whole = PIPELINES[1].clean(seed_text)
    assert sum(f.stage == "numbers" for f in whole.flags) == sum(f.stage == "numbers" for f in plain.flags) == 2


# -- the pieces -------------------------------------------------------------------------------------

@pytest.mark.parametrize("before, after, kind", [
    ("Customs Work Committee", "Working Committee for Caring for the Next Generation", "plain"),
    ("five old men's", "five elders'", "quoted"),
    ("Committee's", "Generation's", "plain"),
    ("Ten little stars", "Top 10 Stars", None),
    ("the United States", "aesthetics, arts", None),
    ("morality, the United States and labor", "morality, aesthetics and labor", "plain"),
    ("Guan building", "Guan 关 building", None),
    ("party building", "Party building", "plain"),
])
def test_what_a_change_is(before, after, kind):
    assert polish_module._shape(before, after)[0] == kind


def test_the_words_that_stay_english_anywhere():
    english = polish_module._english_phrase
    text = "Working Committee for Caring for the Next Generation"
    assert english(text, 0, len(text))
    assert not english("five elders", 0, 11)  # may be given to Chinese beside Han
    assert not english("Weiyuanhui Guanxin Xiayidai Gongzuo", 0, 34)  # may be judged another language


@given(glossary_text)
def test_a_window_is_segmented_as_in_the_whole_text(text):
    """``_window``: around a Latin letter (a change writes some), the segment stage finds the same runs
    in it, segmented alone, as in the whole text."""
    whole = segment.segment(text, DETECT)
    labels = "".join(g.lang[0] * (g.end - g.start) for g in whole)
    for m in LATIN_LETTER.finditer(text):
        a, b = polish_module._window(text, m.start(), m.end())
        part = segment.segment(text[a:b], DETECT)
        assert "".join(g.lang[0] * (g.end - g.start) for g in part) == labels[a:b]


def test_text_with_spam_may_hold_an_anchor():
    """Every case of the spam test set, and each with spaces, full-width letters or invisible
    characters inside it: where ``find`` finds something, ``may_hold_anchor`` says so."""
    detector = default_detector()
    texts = [c.text for c in load_cases()] + SPAM
    for text in texts + [t.replace("体育", "体 育") for t in texts] + [t.upper() for t in texts]:
        if detector.find(text):
            assert detector.may_hold_anchor(text), text


@given(st.lists(st.one_of(st.sampled_from(SPAM + WORDS + MARKS + SPACES), st.text(alphabet=HAN, max_size=4),
                          st.text(max_size=3)), max_size=20).map("".join))
def test_no_anchor_means_no_spam(text):
    """``may_hold_anchor`` is False only when the view holds no anchor: then ``find`` finds nothing."""
    detector = default_detector()
    if not detector.may_hold_anchor(text):
        assert detector.find(text) == []
        assert detector._candidates(_view(normalized_view(text)).text) == []  # no candidate: no anchor in the view


CUTS = {trailing: (Polish("terms", Pipeline(terms=[GLOSSARY], disable=() if trailing else ("trailing-space",)).options)
                   .cut_at_lf, boundary(True, trailing)) for trailing in (True, False)}


@given(st.lists(st.sampled_from(["a", "\n", " ", "\t", "\u3000", "b\n", "\n\n", " \n"]), max_size=30).map("".join),
       st.booleans())
def test_paragraphs_start_where_a_large_file_is_cut(text, trailing_space):
    """Without CR, the polish's quicker pattern cuts paragraphs where the streamer's does."""
    quick, streamer = CUTS[trailing_space]
    assert polish_module._paragraph_starts(text, quick) == polish_module._paragraph_starts(text, streamer)


# -- the quicker forms of the patterns, against the plain ones --------------------------------------

# (Few characters, so that marks between digits and dots before letters come up often.)
PHRASE_TEXT = st.lists(st.sampled_from(["a", "é", "1", ".", ",", "，", "。", " ", "\n", "中", "-"]),
                       max_size=16).map("".join)
PLAIN_BOUNDARY_AFTER = regex.compile(rf"\n|(?<!\d){polish_module._CLAUSE_MARK}|{polish_module._CLAUSE_MARK}(?!\d)")


@given(PHRASE_TEXT, st.data())
def test_boundary_after_is_the_plain_pattern(text, data):
    """``_BOUNDARY_AFTER`` (one character class first) finds what the plain alternation finds, within
    any bounds (a mark between digits, or at a bound, is where they could differ)."""
    pos = data.draw(st.integers(0, len(text)))
    endpos = data.draw(st.integers(pos, len(text)))
    quick = polish_module._BOUNDARY_AFTER.search(text, pos, endpos)
    plain = PLAIN_BOUNDARY_AFTER.search(text, pos, endpos)
    assert (quick and quick.span()) == (plain and plain.span())


@given(PHRASE_TEXT, st.data())
def test_phrase_start_is_the_reverse_match(text, data):
    """``_phrase_start`` (``re`` on the reversed text) finds where ``regex``'s reverse match of a phrase
    starts, from any position back to any bound (a dot or a mark between digits at either end is where
    they could differ)."""
    pos = data.draw(st.integers(0, len(text)))
    lo = data.draw(st.integers(0, pos))
    assert polish_module._phrase_start(text, lo, pos) == polish_module._PHRASE_BEFORE.match(text, lo, pos).start()


@pytest.mark.parametrize("text", ["1,1 a.b", "a1.1,1 b", "x.Y 1,2", "中,1.a", "1.\n2,3"])
def test_the_quick_patterns_at_every_bound(text):
    """Every bound of a few texts with marks between digits and dots before letters."""
    for pos in range(len(text) + 1):
        for end in range(pos, len(text) + 1):
            quick = polish_module._BOUNDARY_AFTER.search(text, pos, end)
            plain = PLAIN_BOUNDARY_AFTER.search(text, pos, end)
            assert (quick and quick.span()) == (plain and plain.span())
            assert polish_module._phrase_start(text, pos, end) == polish_module._PHRASE_BEFORE.match(text, pos, end).start()
