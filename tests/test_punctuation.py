"""Punctuation per language run: input/expected pairs for each rule, the mixed lines other tools miss."""

import pytest

from pipeline import Pipeline

NORMALIZE = Pipeline(disable=("structure",))

CASES = [
    # (rule, input, expected)
    # punct-width: a mark takes the language of the clause it ends, also inside one mixed line
    ("punct-width", "1. Education for young people was further deepened。围绕立德树人",
     "1. Education for young people was further deepened. 围绕立德树人"),
    ("punct-width", "深入学习贯彻,各方面", "深入学习贯彻，各方面"),
    ("punct-width", "English，with a comma。", "English, with a comma."),
    ("punct-width", "坚持以服务为根本目标,Focus on serving the overall situation,关心下一代工作。",
     "坚持以服务为根本目标，Focus on serving the overall situation, 关心下一代工作。"),
    ("punct-width", "2023,省关工委对乡村振兴进行了表彰。", "2023，省关工委对乡村振兴进行了表彰。"),
    ("punct-width", "使用GitLab,部署。", "使用 GitLab，部署。"),  # a word inside a Chinese clause
    ("punct-width", "省委宣传部;省教育厅:好吗?", "省委宣传部；省教育厅：好吗？"),
    ("punct-width", "teachers、parents and others", "teachers, parents and others"),
    ("punct-width", "作出批示: “市关工委在齐齐哈尔", "作出批示：“市关工委在齐齐哈尔"),
    # quotes: Chinese runs pair curly quotes, English runs use ASCII ones
    ("quotes", "三是”中华魂”主题教育", "三是“中华魂”主题教育"),
    ("quotes", "三是” 中华魂”主题教育", "三是“中华魂”主题教育"),
    ("quotes", "采取”一帮一”、”多帮一”形式", "采取“一帮一”、“多帮一”形式"),
    ("quotes", '开展"暖蜂行动"和\'明亮眼睛\'活动', "开展“暖蜂行动”和‘明亮眼睛’活动"),
    ("quotes", "the “Chinese soul” theme, the Party’s ‘soul’", "the \"Chinese soul\" theme, the Party's 'soul'"),
    # brackets: a matched pair takes the form of what it encloses
    ("brackets", "(二)助力青少年成长成才工作", "（二）助力青少年成长成才工作"),
    ("brackets", "阿里巴巴(BABA.N)旗下", "阿里巴巴（BABA.N）旗下"),
    ("brackets", "in the plan（2021-2025）to add", "in the plan (2021-2025) to add"),
    # doubled marks
    ("doubled-mark", "and take targeted measures.。", "and take targeted measures."),
    ("doubled-mark", "中文，,中文。。中文", "中文，中文。中文"),
    ("doubled-mark", 'worth learning and promoting."。Jixi City', 'worth learning and promoting." Jixi City'),
    # space-before-mark (English only)
    ('the express industry in our Province" : "Heilongjiang', None, None),
]


@pytest.mark.parametrize("rule,before,after", [c for c in CASES if c[1]])
def test_rule(rule, before, after):
    doc = NORMALIZE.clean(before)
    assert doc.text == after
    assert rule in {c.rule for c in doc.changes}


def test_a_tab_before_a_mark_that_turns_english_goes():
    doc = NORMALIZE.clean("Customs\t，")  # no other odd space in the text: the tab alone is looked for
    assert doc.text == "Customs,"
    assert {c.rule for c in doc.changes} == {"space-before-mark", "punct-width"}


def test_space_before_an_english_mark_goes():
    doc = NORMALIZE.clean('the express industry in our Province" : "Heilongjiang')
    assert doc.text == 'the express industry in our Province": "Heilongjiang'
    assert {c.rule for c in doc.changes} == {"space-before-mark"}


@pytest.mark.parametrize("text", [
    "Created by 哈铁集团, for the workers.",  # a Chinese name inside an English clause
    "etc., we will give full play",  # an abbreviation before a comma is no doubled mark
    "Wait... and see",
    "cd ../dir",
    "28,232 rural seniors and 35.2 million yuan",  # separators inside numbers
    "1. 加强组织建设",  # a list number stays
    "(4) Actively contribute",
    "Note: see http://example.com/a,b?x=1 here",
    "一。。。二",  # a row of marks is an ellipsis, not a doubled mark
])
def test_left_alone(text):
    assert NORMALIZE.clean(text).text == text


def test_a_quote_takes_the_form_of_the_sentence_around_it():
    assert NORMALIZE.clean("The motto “关爱明天” was used.").text == 'The motto "关爱明天" was used.'
    assert NORMALIZE.clean('他说"the quick brown fox"很好。').text == "他说“the quick brown fox”很好。"


@pytest.mark.parametrize("text", ["“一Customs》 “Customs", "“一 Customs》\"Customs"])
def test_a_closing_mark_before_a_quote_reads_as_a_space(text):
    # The spacing stage takes out the space after ``》``: with it or without, the quote before the English
    # word opens (a second quote that closed would pair with the first and turn it ASCII on a second pass).
    doc = NORMALIZE.clean(text)
    assert doc.text == "“一 Customs》\"Customs"
    assert NORMALIZE.clean(doc.text).changes == []


def test_unmatched_brackets_stay():
    assert NORMALIZE.clean("第一条)规定").text == "第一条)规定"


@pytest.mark.parametrize("rule", ["punct-width", "quotes", "brackets", "doubled-mark"])
def test_each_rule_can_be_switched_off(rule):
    text = "三是”中华魂”主题,(二)进展。。English，with a comma。"
    doc = Pipeline(disable=("structure", rule)).clean(text)
    assert rule not in {c.rule for c in doc.changes}
    assert doc.changes
