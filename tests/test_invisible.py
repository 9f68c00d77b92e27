"""Invisible characters and line ends: input/expected pairs, each rule by name."""

import pytest

from pipeline import Pipeline

only = Pipeline(disable=("structure", "segment", "variant", "width", "numbers", "punctuation", "spacing"))

CASES = [
    # (rule, input, expected)
    ("line-end", "a\r\nb\rc\n", "a\nb\nc\n"),
    ("zero-width", "欧\u200b洲杯", "欧洲杯"),
    ("zero-width", "word\u2060joiner", "wordjoiner"),
    ("zero-width", "中\u200d文", "中文"),
    ("bom", "中\ufeff文", "中文"),
    ("soft-hyphen", "hyphen\u00adation", "hyphenation"),
    ("control-char", "bell\x07 and\x1b esc", "bell and esc"),
    ("odd-space", "Customs\u3000Work", "Customs Work"),
    ("odd-space", "five\u2002old", "five old"),
    ("trailing-space", "态势。\u2002\n下一行  \n", "态势。\n下一行\n"),
    ("trailing-space", "end \t", "end"),
    ("blank-lines", "\n\n第一段\n\n\n\n第二段\n\n\n", "第一段\n\n第二段\n"),
]


@pytest.mark.parametrize("rule,before,after", CASES)
def test_rule(rule, before, after):
    doc = only.clean(before)
    assert doc.text == after
    assert {c.rule for c in doc.changes} == {rule}


@pytest.mark.parametrize("text", [
    "👨\u200d👩\u200d👧 family",  # ZWJ inside an emoji sequence does real work
    "क्\u200dष",  # Devanagari half-form
    "第一段\n\n第二段\n",
    "中文\u3000中文",  # U+3000 inside Chinese text: the normalization stage decides
])
def test_legitimate_text_is_kept(text):
    assert only.clean(text).text == text


@pytest.mark.parametrize("rule", ["zero-width", "trailing-space", "line-end"])
def test_each_rule_can_be_switched_off(rule):
    text = "a\u200bb  \r\nc"
    doc = Pipeline(disable=("structure", "segment", rule)).clean(text)
    assert rule not in {c.rule for c in doc.changes}
    assert doc.changes  # the other rules still work


# -- the fast searches against the patterns they stand for ---------------------------------------------

from pathlib import Path  # noqa: E402

from hypothesis import example, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pipeline.stages import invisible  # noqa: E402
from strategies import mixed_text  # noqa: E402

_ODD_SPACES = invisible.load_chars()[1]
# Each control range's ends and neighbours, Latin-1 letters, what Latin-1 cannot encode, a surrogate.
_CONTROL_EDGE = "\x00\x08\x09\x0a\x0b\x0c\x0d\x0e\x1f\x20\x7e\x7f\x9f\xa0\xffa中\u2002\ud800\U0001d7d9"
# The odd spaces, runs of them, and what the look-arounds accept or refuse on either side.
_SPACE_EDGE = st.lists(st.sampled_from([*_ODD_SPACES, " ", "a", "Z", "5", "中", ".", ",", ")", "(", "\"", "'",
                                        "é", "\n", "\u3000\u2002", "。"]), max_size=16).map("".join)


def _real_texts(seed_text):
    samples = Path(__file__).resolve().parent.parent / "samples"
    texts = [seed_text] + [p.read_text(encoding="utf-8") for p in sorted(samples.glob("*.*"))]
    return texts + [t.replace(" ", s) for t in texts[:2] for s in _ODD_SPACES]


def test_has_control_is_the_pattern(seed_text):
    for text in _real_texts(seed_text) + [seed_text + c for c in _CONTROL_EDGE]:
        assert invisible.has_control(text) == (invisible._ANY_CONTROL.search(text) is not None)


@given(st.one_of(st.text(alphabet=_CONTROL_EDGE, max_size=8), mixed_text, st.text(max_size=20)))
def test_has_control_is_the_pattern_on_generated_text(text):
    assert invisible.has_control(text) == (invisible._ANY_CONTROL.search(text) is not None)


def _odd_spans(spaces, text):
    return [m.span() for m in invisible.odd_space_pattern(spaces).finditer(text)]


def test_odd_space_finder_is_the_pattern_on_real_text(seed_text):
    find = invisible.odd_space_finder(_ODD_SPACES)
    texts = _real_texts(seed_text)
    assert any(find(t) for t in texts)
    for text in texts:
        assert find(text) == _odd_spans(_ODD_SPACES, text)


@given(st.one_of(_SPACE_EDGE, mixed_text), st.sampled_from([_ODD_SPACES, "\u2002", "\u3000a", "\u2009."]))
@example("中aa\u3000b", "\u3000a")  # a match inside a run: the look-behind accepts the space before it
def test_odd_space_finder_is_the_pattern(text, spaces):
    """Also with spaces that the look-arounds accept (a letter, a mark), which the finder searches for
    with the pattern itself."""
    assert invisible.odd_space_finder(spaces)(text) == _odd_spans(spaces, text)


def _plain_blank_line_edits(text, at_start, at_end):
    """The blank-line rule as first written, with ``str.find``."""
    edits, n, pos = [], len(text), 0
    while at_start and pos < n and text[pos] == "\n":
        pos += 1
    if pos:
        edits.append((0, pos, ""))
    end = n
    while at_end and end > pos and text[end - 1] == "\n":
        end -= 1
    while (i := text.find("\n\n\n", pos, end)) >= 0:
        j = i + 3
        while j < end and text[j] == "\n":
            j += 1
        edits.append((i, j, "\n\n"))
        pos = j
    if n - end >= 2:
        edits.append((end, n, "\n"))
    return edits


@given(st.text(alphabet="\na中 ", max_size=24), st.booleans(), st.booleans())
def test_blank_line_edits_are_the_plain_ones(text, at_start, at_end):
    got = [(e.start, e.end, e.after) for e in invisible._blank_line_edits(text, at_start, at_end)]
    assert got == _plain_blank_line_edits(text, at_start, at_end)
