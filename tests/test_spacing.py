"""Spacing: input/expected pairs for each rule, Chinese spaces kept only where deliberate."""

import pytest

from pipeline import Pipeline

NORMALIZE = Pipeline(disable=("structure",))
DIGIT_SPACING = Pipeline(disable=("structure",), digit_spacing=True)

CASES = [
    # (rule, input, expected)
    ("space-fullwidth", "落实 《中华魂》精神", "落实《中华魂》精神"),
    ("space-fullwidth", "关爱 “快递小哥” ，成长", "关爱“快递小哥”，成长"),
    ("space-fullwidth", "市委市政府将工作作为 “一把手”工程", "市委市政府将工作作为“一把手”工程"),
    ("space-han-latin", "快递企业Closely cooperate", "快递企业 Closely cooperate"),
    ("space-han-latin", "推进5G网络，PM2.5指数", "推进 5G 网络，PM2.5 指数"),
    ("space-han-latin", "参加普法五老3.40,000 people, and 4.19 million young people received education。",
     "参加普法五老 3.40,000 people, and 4.19 million young people received education."),
    ("space-after-mark", "work,Under the strong leadership", "work, Under the strong leadership"),
    ("space-after-mark", "the Party's 20th National Congress,坚持以习近平", "the Party's 20th National Congress, 坚持以习近平"),
    ("space-in-chinese", "杂志今年以来刊发我省典型宣 传方面的文章超过10篇。", "杂志今年以来刊发我省典型宣传方面的文章超过10篇。"),
    ("space-in-chinese", "北大荒集团 关工委在微信公众号上开设学习专栏", "北大荒集团关工委在微信公众号上开设学习专栏"),
    ("space-in-chinese", "经省关工委 命名的“全省关心下一代教育基地”有15个", "经省关工委命名的“全省关心下一代教育基地”有15个"),
    ("space-in-chinese", "中国关工委命名 我省的教育基地有12个", "中国关工委命名我省的教育基地有12个"),
    ("ideographic-space", "\u3000\u3000第一段。", "第一段。"),
    ("ideographic-space", "Customs Work\u3000委员会", "Customs Work 委员会"),
    ("space-fullwidth", "中文\u3000，中文", "中文，中文"),
    ("collapse-spaces", "two   spaces  here", "two spaces here"),
    ("digit-spacing", "有135 万名学生，2023 年", "有135万名学生，2023年"),
]


@pytest.mark.parametrize("rule,before,after", CASES)
def test_rule(rule, before, after):
    doc = NORMALIZE.clean(before)
    assert doc.text == after
    assert rule in {c.rule for c in doc.changes}


@pytest.mark.parametrize("before,after", [
    ("有135万名学生", "有 135 万名学生"),
    ("增长5%的学生", "增长 5% 的学生"),
    ("于2023年7月14日8时30分开始", "于 2023年7月14日8时30分开始"),  # never inside a date or time
    ("第3章", "第 3 章"),
])
def test_digit_spacing_on(before, after):
    assert DIGIT_SPACING.clean(before).text == after
    assert DIGIT_SPACING.clean(after).changes == []


@pytest.mark.parametrize("text", [
    "积极开展“关爱明天 普法先行”法治宣传教育",  # phrases of a slogan
    "启动“关爱困境生 温暖促成长”助学公益活动",
    "张三 李四 王五",  # a list on its own line
    "第一章 总则",  # a numbered heading
    "2023 The province cares",
    "有135万名学生，2023年7月14日，增长5%的",  # official style: no space between Han and numbers
])
def test_deliberate_spaces_stay(text):
    doc = NORMALIZE.clean(text)
    assert doc.text == text
    assert not doc.flags


def test_unequal_phrases_are_kept_and_flagged():
    doc = NORMALIZE.clean("“绿水青山 就是金山银山”")
    assert doc.text == "“绿水青山 就是金山银山”"
    assert [f.rule for f in doc.flags] == ["kept-space"]
    assert doc.text[doc.flags[0].start:doc.flags[0].end] == " "


def test_a_space_that_would_glue_a_decimal_point_stays():
    assert NORMALIZE.clean("截至2023。 2024年").text == "截至2023。 2024年"


@pytest.mark.parametrize("rule", ["space-fullwidth", "space-in-chinese", "space-han-latin", "digit-spacing"])
def test_each_rule_can_be_switched_off(rule):
    text = "落实 《中华魂》，北大荒集团 关工委使用GitLab，有135 万人"
    doc = Pipeline(disable=("structure", rule)).clean(text)
    assert rule not in {c.rule for c in doc.changes}
    assert doc.changes


def test_seed_keeps_only_deliberate_spaces_between_han(seed_text, default_pipeline):
    import regex

    doc = default_pipeline.clean(seed_text)
    spaced = [m.start() + 1 for m in regex.finditer(r"\p{Han} (?=\p{Han})", doc.text)]
    slogans = {"关爱明天 普法先行", "关爱困境生 温暖促成长"}
    for pos in spaced:
        assert any(s in doc.text[pos - 6:pos + 6] for s in slogans), doc.text[pos - 10:pos + 10]
    assert len(spaced) == 2
