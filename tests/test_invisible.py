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
