"""Width of letters, digits and symbols: full-width forms become half-width."""

import pytest

from pipeline import Pipeline

ONLY = Pipeline(disable=("structure", "segment", "punctuation", "spacing"))


@pytest.mark.parametrize("rule,before,after", [
    ("fullwidth-alnum", "２０２４年", "2024年"),
    ("fullwidth-alnum", "我们将去ＣＢＤ中心", "我们将去CBD中心"),
    ("fullwidth-alnum", "增长３．５个百分点", "增长3.5个百分点"),
    ("fullwidth-alnum", "增长３．5个百分点", "增长3.5个百分点"),
    ("fullwidth-symbol", "提高到９０％", "提高到90%"),
    ("fullwidth-symbol", "关工组织＋教育＋学校", "关工组织+教育+学校"),
])
def test_rule(rule, before, after):
    doc = ONLY.clean(before)
    assert doc.text == after
    assert rule in {c.rule for c in doc.changes}


@pytest.mark.parametrize("text", ["中文，标点。", "5～10岁", "（二）"])
def test_chinese_punctuation_is_not_this_stages_business(text):
    assert ONLY.clean(text).text == text
