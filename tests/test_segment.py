"""Language runs: clause-level zh/en decisions on the seed's own patterns."""

import pytest
import regex

from pipeline.stages.segment import segment


def runs(text):
    return [(text[s.start:s.end], s.lang) for s in segment(text)]


def test_clause_level_switches():
    text = "Focus on serving the overall situation,Continuous innovation and development,关心下一代工作总体呈现强劲发展态势。"
    assert runs(text) == [("Focus on serving the overall situation,Continuous innovation and development,", "en"),
                          ("关心下一代工作总体呈现强劲发展态势。", "zh")]


@pytest.mark.parametrize("text", ["下载app后注册", "空气质量PM2.5指数", "推进5G网络建设", "GDP增长5.2%", "使用GitLab。"])
def test_short_latin_inside_a_chinese_clause_is_chinese(text):
    assert runs(text) == [(text, "zh")]


def test_chinese_name_inside_english_is_a_chinese_run():
    assert runs("Created by 哈铁集团 for the workers.") == [("Created by ", "en"), ("哈铁集团 ", "zh"),
                                                        ("for the workers.", "en")]


def test_english_names_stay_english():
    assert runs("Harbin Daoli District Education Committee will act。") == [
        ("Harbin Daoli District Education Committee will act。", "en")]


def test_opening_quote_belongs_to_the_run_it_opens():
    assert runs("the spirit of work, 《中华魂》") == [("the spirit of work, ", "en"), ("《中华魂》", "zh")]
    assert runs('中文。 "Chinese soul" theme') == [("中文。 ", "zh"), ('"Chinese soul" theme', "en")]


def test_numbers_go_with_their_clause():
    assert runs("活动,5。780,000 primary school students") == [("活动,", "zh"),
                                                            ("5。780,000 primary school students", "en")]


def test_segments_cover_the_seed(seed_text):
    segs = segment(seed_text)
    assert segs[0].start == 0 and segs[-1].end == len(seed_text)
    assert all(a.end == b.start and a.lang != b.lang for a, b in zip(segs, segs[1:]))
    # Every Han character is in a zh run.
    for m in regex.finditer(r"\p{Han}", seed_text):
        assert any(s.start <= m.start() < s.end and s.lang == "zh" for s in segs)
