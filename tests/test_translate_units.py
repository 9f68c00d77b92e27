"""Translation units: sentences of one language run, never splitting a title or a quoted phrase."""

import pytest

from pipeline import Pipeline
from pipeline.translation.units import build_units

PIPELINE = Pipeline()


def units(text):
    return build_units(PIPELINE.clean(text))


def shape(text):
    return [(u.lang, u.text) for u in units(text)]


@pytest.mark.parametrize("text,expected", [
    # one unit per language run
    ("关工委组织五老参加活动。The committee organised events.",
     [("zh", "关工委组织五老参加活动。"), ("en", "The committee organised events.")]),
    # sentences inside a run are units of their own
    ("今天天气很好。明天下雨。", [("zh", "今天天气很好。"), ("zh", "明天下雨。")]),
    ("It rains. It pours.", [("en", "It rains."), ("en", "It pours.")]),
    # a 《title》 with a full stop inside stays whole
    ("学习《决定。第二部分》精神。", [("zh", "学习《决定。第二部分》精神。")]),
    # a quoted English phrase inside a Chinese clause is part of the Chinese unit
    ("他说“the quick brown fox jumps”很好。", [("zh", "他说“the quick brown fox jumps”很好。")]),
    # ... and a quoted Chinese phrase inside an English sentence part of the English one
    ('He wrote "你好。世界" on the board today.', [("en", 'He wrote "你好。世界" on the board today.')]),
    # numbers are not sentence ends; pieces without letters are not units
    ("(1)\n\n增长3.5个百分点。", [("zh", "增长3.5个百分点。")]),
])
def test_units(text, expected):
    assert shape(text) == expected


def test_ids_positions_and_blocks():
    text = "标题一\n\n第一句。First sentence.\n\n第二段。"
    doc = PIPELINE.clean(text)
    us = build_units(doc)
    assert [u.id for u in us] == ["u1", "u2", "u3", "u4"]
    for u in us:
        assert doc.text[u.start:u.end] == u.text
    assert [u.block for u in us] == [0, 1, 1, 2]
    assert us[0].kind == "heading"


def test_protected_ranges_are_never_inside_a_unit():
    doc = PIPELINE.clean("访问 https://example.com/a 了解更多。")
    url = doc.text.index("https")
    doc.protect([(url, url + len("https://example.com/a"))])
    for u in build_units(doc):
        assert not (u.start < url + 5 and url < u.end), u


def test_units_cover_every_letter_of_the_seed(seed_text):
    doc = PIPELINE.clean(seed_text)
    us = build_units(doc)
    covered = set()
    for u in us:
        covered.update(range(u.start, u.end))
    han_or_latin = [i for i, c in enumerate(doc.text) if c.isalpha()]
    assert all(i in covered for i in han_or_latin)
    assert {u.lang for u in us} == {"zh", "en"}
    assert not any("《" in u.text and "》" not in u.text for u in us)
