"""Numbers: a 。 between digits is a decimal point; mixed separators from 万 are flagged, not changed."""

import pytest

from pipeline import Pipeline
from pipeline.stages.numbers import wan_readings

NORMALIZE = Pipeline(disable=("structure",))


def test_a_full_stop_between_digits_is_a_decimal_point():
    doc = NORMALIZE.clean("活动,5。780,000 primary and secondary school students")
    assert doc.text == "活动，5.780,000 primary and secondary school students"
    assert "decimal-point" in {c.rule for c in doc.changes}


@pytest.mark.parametrize("text,number,readings", [
    ("参加普法五老3.40,000 people, and 4.19 million young people", "3.40,000", ["3.4万 = 34,000"]),
    ("5.780,000 primary and secondary school students named", "5.780,000",
     ["5.78万 = 57,800", "57.8万 = 578,000"]),
])
def test_mixed_separators_are_flagged_with_their_readings(text, number, readings):
    doc = NORMALIZE.clean(text)
    assert number in doc.text  # not changed
    [flag] = [f for f in doc.flags if f.rule == "wan-separator"]
    assert doc.text[flag.start:flag.end] == number
    for reading in readings:
        assert reading in flag.message


@pytest.mark.parametrize("number,readings", [
    ("12.0,000", ["12万 = 120,000"]),
    ("2.35,000", []),  # no 0,000 tail: flagged without a guess
])
def test_wan_readings(number, readings):
    assert wan_readings(number) == readings


@pytest.mark.parametrize("text", ["28,232 rural seniors", "35.2 million", "1,234.5 yuan", "v1.2.3,000"])
def test_ordinary_numbers_are_not_flagged(text):
    assert not [f for f in NORMALIZE.clean(text).flags if f.rule == "wan-separator"]


# -- the fast search against the pattern it stands for ------------------------------------------------

from pathlib import Path  # noqa: E402

from hypothesis import example, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pipeline.stages import numbers  # noqa: E402
from strategies import mixed_text  # noqa: E402

# Digits (an Arabic-Indic one and one above the BMP too), the marks of a number, what lies around them,
# and the parts of the numbers the pattern looks for.
_NUMBER_EDGE = "0159٣\U0001d7d9.,。 a中%"
_DIGITS = st.text(alphabet="19٣\U0001d7d9", min_size=1, max_size=3)
# The shape looked for (digits, a point, digits, groups of three), with what may spoil it on either side.
_NUMBER = st.tuples(st.sampled_from(["", "1.", "1,", "a", " ", "。"]), _DIGITS, st.sampled_from([".", ","]), _DIGITS,
                    st.lists(st.text(alphabet="09٣", min_size=3, max_size=3).map(",".__add__),
                             max_size=2).map("".join),
                    st.sampled_from(["", ".5", ",", "5", ".", " "])).map("".join)
_NUMBER_PARTS = st.lists(st.one_of(_NUMBER, st.sampled_from([".", ",", " ", "a", "。", "中"])),
                         max_size=8).map("".join)


def _spans(matches):
    return [(m.start(), m.end(), m.groups()) for m in matches]


def test_mixed_numbers_is_the_pattern_on_real_text(seed_text):
    samples = Path(__file__).resolve().parent.parent / "samples"
    texts = [seed_text] + [p.read_text(encoding="utf-8") for p in sorted(samples.glob("*.*"))]
    texts += ["3.40,000 people, 5.780,000 students, 1.2,345,678 and 12.5,000.5 or 1.2,3456 x1.5,000 "
              "or 12.5,000, 1.2.5,000 and 4.5,000.12.5,000 or 12.5,000 people"]
    assert any(numbers.mixed_numbers(t) for t in texts)
    for text in texts:
        assert _spans(numbers.mixed_numbers(text)) == _spans(numbers._MIXED.finditer(text))


@given(st.one_of(st.text(alphabet=_NUMBER_EDGE, max_size=30), _NUMBER_PARTS, mixed_text))
def test_mixed_numbers_is_the_pattern(text):
    assert _spans(numbers.mixed_numbers(text)) == _spans(numbers._MIXED.finditer(text))


# -- the URLs a decimal point may end ------------------------------------------------------------------

from pipeline.typography import url_spans  # noqa: E402

_URL_PARTS = st.lists(st.sampled_from(["http://", "https://a", "www.", "x@y.cn", "@", "a", ".com", "/", "?x=1",
                                       "5", "。", "5。7", "\n", " ", "中", "，", ":"]), max_size=12).map("".join)


def _plain_may_end_urls(text, points):
    return any(mark in text[text.rfind("\n", 0, p) + 1:p] for p in points for mark in numbers._URL_MARKS)


@given(st.one_of(_URL_PARTS, mixed_text))
def test_every_url_end_is_found_by_the_quick_test(text):
    """What the quick test relies on: a URL holds a mark and no line break."""
    for s, e in url_spans(text):
        assert "\n" not in text[s:e] and any(mark in text[s:e] for mark in numbers._URL_MARKS)
        assert numbers._may_end_urls(text, [e])


@given(st.one_of(_URL_PARTS, mixed_text), st.data())
@example("ab://c", [3, 6])  # a mark across the point before
def test_may_end_urls_walks_as_the_plain_search(text, data):
    points = data if isinstance(data, list) else data.draw(st.lists(st.integers(0, len(text)), max_size=8))
    points = sorted(set(points))
    assert numbers._may_end_urls(text, points) == _plain_may_end_urls(text, points)


def test_a_point_after_a_url_stays_and_others_change():
    doc = NORMALIZE.clean("见 http://x.cn/?a=15。780 与 5。780 人\n另见 www.x.cn 页 3。5 倍")
    assert "?a=15。780" in doc.text and "与5.780人" in doc.text and "3.5倍" in doc.text
