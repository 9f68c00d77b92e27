"""Language runs: clause-level zh/en/other decisions, input/expected pairs per rule, the labelled sets."""

import copy
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
import regex

import labelled
from pipeline import Pipeline
from pipeline.registry import known_names
from pipeline.rules import ConfigError
from pipeline.options import Options
from pipeline.document import Document, Edit
from pipeline.stages.segment import DETECT_OTHER, english_or_other, segment, setup
from pipeline.typography import runs_for
from strategies import SPAM, mixed_text

DETECT = english_or_other()


def runs(text, detect=None):
    return [(text[s.start:s.end], s.lang) for s in segment(text, detect)]


def test_clause_level_switches():
    text = "Focus on serving the overall situation,Continuous innovation and development,关心下一代工作总体呈现强劲发展态势。"
    assert runs(text) == [("Focus on serving the overall situation,Continuous innovation and development,", "en"),
                          ("关心下一代工作总体呈现强劲发展态势。", "zh")]


@pytest.mark.parametrize("text", ["下载app后注册", "空气质量PM2.5指数", "推进5G网络建设", "GDP增长5.2%", "使用GitLab。",
                                  "会议由Wang Zhijun主持。", "观看《Kung Fu Panda》电影。", "发送邮件至info@example.org。",
                                  "全省 GDP 增长 5.2%,"])
def test_short_latin_inside_a_chinese_clause_is_chinese(text):
    assert runs(text) == [(text, "zh")]


def test_two_latin_words_on_one_side_of_han_stay_english():
    assert runs("快递企业Closely cooperate,") == [("快递企业", "zh"), ("Closely cooperate,", "en")]
    assert runs("In Qiqihar 齐齐哈尔, it acted.") == [("In Qiqihar ", "en"), ("齐齐哈尔, ", "zh"), ("it acted.", "en")]


@pytest.mark.parametrize("text", ["Gu Xiulian同志讲话。", "使用Microsoft Teams。", "欢迎使用Microsoft Office 365。"])
def test_names_of_up_to_three_capitalized_words_glued_to_han_are_chinese(text):
    assert runs(text) == [(text, "zh")]


def test_chinese_name_inside_english_is_a_chinese_run():
    assert runs("Created by 哈铁集团 for the workers.") == [("Created by ", "en"), ("哈铁集团 ", "zh"),
                                                        ("for the workers.", "en")]


def test_single_words_around_han_set_off_by_spaces_stay_english():
    # Two Latin phrases around one Han stretch: an English clause naming something in Chinese.
    assert runs("Visit 哈铁集团 now.") == [("Visit ", "en"), ("哈铁集团 ", "zh"), ("now.", "en")]


def test_english_names_stay_english():
    assert runs("Harbin Daoli District Education Committee will act。", DETECT) == [
        ("Harbin Daoli District Education Committee will act。", "en")]


def test_opening_quote_belongs_to_the_run_it_opens():
    assert runs("the spirit of work, 《中华魂》") == [("the spirit of work, ", "en"), ("《中华魂》", "zh")]
    assert runs('中文。 "Chinese soul" theme') == [("中文。 ", "zh"), ('"Chinese soul" theme', "en")]
    assert runs("He said: “我们要坚持。”") == [("He said: ", "en"), ("“我们要坚持。”", "zh")]


def test_closing_marks_and_spaces_belong_to_the_run_they_close():
    assert runs("Read 《中华魂》 magazine.") == [("Read ", "en"), ("《中华魂》 ", "zh"), ("magazine.", "en")]


def test_marks_before_an_opening_bracket_end_the_earlier_clause():
    assert runs("中文(1)。(4) Actively contribute") == [("中文(1)。", "zh"), ("(4) Actively contribute", "en")]


def test_numbers_go_with_their_clause():
    assert runs("活动,5。780,000 primary school students") == [("活动,", "zh"),
                                                            ("5。780,000 primary school students", "en")]


@pytest.mark.parametrize("text, english, chinese", [
    ("The number increased by 2.6万个。", "The number increased by ", "2.6万个。"),
    ("improving the quality of the team。2023年,全省", "improving the quality of the team。", "2023年,全省"),
    ("an increase of 3.5%。 2024年将继续", "an increase of 3.5%。 ", "2024年将继续"),
])
def test_a_number_written_against_han_goes_with_the_han(text, english, chinese):
    assert runs(text) == [(english, "en"), (chinese, "zh")]


def test_lines_keep_their_own_runs():
    text = "About the main work in 2023\n\n2023\n\n关于2023年的主要工作\n"
    assert runs(text) == [("About the main work in 2023\n\n2023\n\n", "en"), ("关于2023年的主要工作\n", "zh")]


def test_other_scripts_and_text_without_letters():
    assert runs("Москва is the capital.") == [("Москва ", "other"), ("is the capital.", "en")]
    assert runs("2023 — 12") == [("2023 — 12", "other")]
    assert runs("") == []


@pytest.mark.parametrize("text", [
    "Le gouvernement provincial a publié un rapport annuel.",
    "Die Jugend ist unsere Zukunft und unsere Hoffnung.",
    "Zhongguo gongchandang di ershi ci quanguo daibiao dahui",
    "wo men yao jian chi dang de ling dao",
])
def test_latin_phrases_of_four_words_or_more_that_are_not_english_are_other(text):
    assert runs(text, DETECT) == [(text, "other")]
    assert runs(text) == [(text, "en")]  # script alone cannot tell


@pytest.mark.parametrize("text", ["Jiamusi", "Wang Zhijun", "Mudanjiang, Qiqihar", "Le rapport annuel"])
def test_latin_phrases_of_one_to_three_words_stay_english(text):
    assert runs(text, DETECT) == [(text, "en")]


@pytest.mark.parametrize("text", ["Install GitLab on Ubuntu.", "Help young people grow into talents,",
                                  "Mudanjiang, Qiqihar and Heihe are cities."])
def test_english_phrases_are_not_flagged(text):
    assert runs(text, DETECT) == [(text, "en")]


def test_detector_only_sees_phrases_without_english_function_words():
    seen = []
    segment("Nous travaillons with the young people. Les cinq anciens aident les enfants,中文。",
            lambda run: seen.append(run) or True)
    assert seen == []  # one Latin phrase, and it has `the`
    segment("中文。Les cinq anciens aident les enfants,中文。Wang Zhijun,中文。", lambda run: seen.append(run) or True)
    assert seen == ["Les cinq anciens aident les enfants"]


@pytest.mark.parametrize("text, asked", [
    ("中文。Wo men, yao jian.", ["Wo men yao jian"]),  # four words over two phrases of one stretch
    ("中文。Wo men yao jian.", ["Wo men yao jian"]),
    ("中文。Wo men, yao.", []),  # three
    ("中文。Wo, men, yao, jian chi.", ["Wo men yao jian chi"]),  # enough after the fourth phrase
    ("中文。Wo men; x = 1; yao jian.", []),  # two stretches of two words
])
def test_the_detector_is_asked_from_four_words_on(text, asked):
    seen = []
    labels = {s.lang for s in segment(text, lambda run: seen.append(run) or True)}
    assert seen == asked
    assert ("other" in labels) == bool(asked)


def test_detector_has_no_opinion_on_text_cld2_refuses():
    assert DETECT("bad \x00 control \x7f characters here") is False
    assert DETECT("lone \ud800 surrogate in a phrase") is False


def test_a_missing_detector_is_a_configuration_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "pycld2", None)  # import fails as if it were not installed
    with pytest.raises(ConfigError, match="pycld2.*--disable detect-other"):
        Pipeline()
    assert Pipeline(disable=[DETECT_OTHER]).clean("中文").segments[0].lang == "zh"


def test_the_stage_uses_the_detector_and_it_can_be_switched_off():
    text = "中文。Le gouvernement provincial a publié un rapport annuel."
    assert DETECT_OTHER in known_names()
    assert [s.lang for s in Pipeline().clean(text).segments] == ["zh", "other"]
    assert [s.lang for s in Pipeline(disable=[DETECT_OTHER]).clean(text).segments] == ["zh", "en"]


def test_segments_cover_the_seed(seed_text):
    segs = segment(seed_text, DETECT)
    assert segs[0].start == 0 and segs[-1].end == len(seed_text)
    assert all(a.end == b.start and a.lang != b.lang for a, b in zip(segs, segs[1:]))
    # Every Han character is in a zh run.
    for m in regex.finditer(r"\p{Han}", seed_text):
        assert any(s.start <= m.start() < s.end and s.lang == "zh" for s in segs)


@pytest.mark.parametrize("name", ["seed", "hard"])
def test_labelled_clauses(name):
    """At least 99.5% of the hand-labelled clauses right, and every Han character in a zh run."""
    result = labelled.score(labelled.load(name), lambda text: segment(text, DETECT))
    assert result.fragments > 250
    assert result.accuracy >= 0.995 if name == "seed" else result.accuracy >= 0.99, result.misses
    assert result.han_outside_zh == []


def test_labelled_clauses_together_reach_the_target():
    cases = labelled.load("seed") + labelled.load("hard")
    result = labelled.score(cases, lambda text: segment(text, DETECT))
    assert result.accuracy >= 0.995, result.misses
    # The set has the hard cases the issue names, in every language.
    langs = [lang for case in cases for lang, _ in case.fragments]
    assert langs.count("other") >= 30 and langs.count("zh") >= 300 and langs.count("en") >= 500


@pytest.mark.parametrize("text", ["1" * 100_000 + "中", "1." * 50_000 + "中", "a" + " " * 100_000 + "中",
                                  "中a" * 50_000, "a1 " * 50_000 + "中", "1。" * 50_000 + "a"])
def test_long_adversarial_input_is_segmented(text):
    """Linear patterns: quadratic backtracking would not finish these."""
    segs = segment(text, DETECT)
    assert segs[-1].end == len(text)


# -- the runs after spam removal ----------------------------------------------------------------------

_UP_TO_SEGMENT = Pipeline(disable=["width", "numbers", "punctuation", "spacing", "variant"])
_SEGMENT = setup(Options())


def _runs_and_fresh(text: str) -> tuple[list, list]:
    """The runs the normalization stages read (the pipeline's, up to them) and the segment stage's runs
    of that text read afresh."""
    doc = _UP_TO_SEGMENT.clean(text)
    again = copy.deepcopy(doc)
    _SEGMENT(again)
    return [s.to_dict() for s in doc.segments], [s.to_dict() for s in again.segments]


@pytest.mark.parametrize("text", [
    "We studied 《2024欧洲杯下注平台》\n\n2023\n\nEnglish text.",  # the paragraph now ends in English,
    "The plan 《2024欧洲杯下注平台》\n\n——\n中文",  # and the line without letters after it follows it
    "《2024欧洲杯下注平台》\n\n2023\n\n中文。",  # nothing left with letters at the start: the language after
    "，\n\nCustoms《2024欧洲杯下注平台》",  # a first paragraph without letters takes the language after it
])
def test_runs_are_those_of_the_text_without_the_spam(text):
    runs, fresh = _runs_and_fresh(text)
    assert runs == fresh


def test_runs_of_the_seed_are_those_of_its_text_without_the_spam(seed_text):
    runs, fresh = _runs_and_fresh(seed_text + "\n\n" + seed_text)
    assert runs == fresh


_paragraph = st.tuples(mixed_text, st.one_of(st.none(), st.sampled_from(SPAM))).map(
    lambda p: p[0] if p[1] is None else p[0][:len(p[0]) // 2] + p[1] + p[0][len(p[0]) // 2:])


@given(st.lists(_paragraph, min_size=1, max_size=8).map("\n\n".join))
def test_runs_after_spam_removal_are_those_of_the_text_as_it_stands(text):
    runs, fresh = _runs_and_fresh(text)
    assert runs == fresh


def test_runs_are_found_again_after_a_stage_out_of_order_changed_words():
    # ``runs_for``: should a stage that changes words edit the text after the segment stage (none does in
    # the registry's order), the normalization stages read runs found again, not the old ones moved.
    doc = Document("中文。")
    _SEGMENT(doc)
    doc.apply("spam", [Edit(0, 2, "English words", "spam-phrase")])
    assert runs_for(doc, None)(0) == "zh"  # moved: the inserted words joined the run they replaced
    assert runs_for(doc, _SEGMENT)(0) == "en"
    assert doc.segmented_at == len(doc.changes)
