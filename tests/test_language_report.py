"""What the language runs give users: ``duet check --expect en|zh`` and the per-document language stats."""

import json
import subprocess

import pytest

from conftest import duet_command
from pipeline import Pipeline
from pipeline.document import Block, Document
from pipeline.report import language_stats
from pipeline.stages.segment import segment

ENGLISH_WITH_LEFTOVERS = (
    "Daqing Municipal Working Committee took the anniversary as an opportunity.\n"
    "Education for young people was deepened. 围绕立德树人这一根本任务，we carried out activities.\n"
    "Created by 哈铁集团 for the workers.\n"
)


def duet(*args, cwd=None):
    return subprocess.run([*duet_command(), *map(str, args)], capture_output=True, cwd=cwd, timeout=120)


@pytest.fixture
def english_doc(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(ENGLISH_WITH_LEFTOVERS, encoding="utf-8")
    return path


def test_expect_en_lists_every_chinese_run_even_when_nothing_would_change(english_doc):
    assert duet("check", english_doc).returncode == 0  # clean as far as the stages go
    r = duet("check", "--expect", "en", english_doc)
    assert r.returncode == 1
    assert r.stdout.decode("utf-8").splitlines() == [
        f'{english_doc}:2:42: untranslated-zh: "围绕立德树人这一根本任务，" is Chinese in a document meant to be in '
        f"English (13 characters)",
        f'{english_doc}:3:12: untranslated-zh: "哈铁集团" is Chinese in a document meant to be in English '
        f"(4 characters)",
    ]
    assert r.stderr == b""


def test_expect_zh_lists_every_english_run_one_finding_per_line(english_doc):
    r = duet("check", "--expect", "zh", english_doc)
    assert r.returncode == 1
    places = [line.split(": untranslated-en: ")[0].rsplit(":", 2)[1:] for line in r.stdout.decode().splitlines()]
    assert places == [["1", "1"], ["2", "1"], ["2", "55"], ["3", "1"], ["3", "17"]]


def test_expect_a_document_already_in_that_language_exits_0(tmp_path):
    path = tmp_path / "zh.txt"
    path.write_text("关心下一代工作总体呈现强劲发展态势，GDP 增长5.2%。\n", encoding="utf-8")
    r = duet("check", "--expect", "zh", path)
    assert (r.returncode, r.stdout) == (0, b"")


def test_other_languages_are_not_untranslated(tmp_path):
    path = tmp_path / "fr.txt"
    path.write_text("The motto was written in French.\nLes cinq anciens aident les enfants.\n", encoding="utf-8")
    assert duet("check", "--expect", "en", path).returncode == 0
    r = duet("check", "--expect", "zh", path)
    assert r.returncode == 1 and len(r.stdout.decode().splitlines()) == 1  # the English line only


def test_findings_point_into_the_input_after_other_changes(tmp_path):
    path = tmp_path / "zw.txt"
    path.write_text("Eng\u200blish text here。中文。\n", encoding="utf-8")
    lines = duet("check", "--expect", "en", path).stdout.decode().splitlines()
    assert [line.split(": ")[0].split(":", 1)[1] for line in lines] == ["1:4", "1:19", "1:20"]
    assert "zero-width" in lines[0] and "punct-width" in lines[1] and 'untranslated-zh: "中文。"' in lines[2]


def test_expect_from_the_config_file_and_bad_values(english_doc, tmp_path):
    (tmp_path / "duet.toml").write_text('expect = "en"\n', encoding="utf-8")
    assert duet("check", english_doc.name, cwd=tmp_path).returncode == 1
    r = duet("check", "--expect", "fr", english_doc)
    assert r.returncode == 2 and b"expect" in r.stderr


def test_report_carries_language_stats(english_doc, tmp_path):
    report = tmp_path / "r.jsonl"
    assert duet("clean", english_doc, "--report", report).returncode == 0
    stats = json.loads(report.read_text(encoding="utf-8"))["stats"]
    assert stats["chars_by_lang"]["zh"] == 13 + 4
    assert stats["chars_by_lang"]["other"] == 0
    assert stats["lang_switches"] == 4
    assert stats["paragraphs"] == 1  # three lines, one paragraph
    assert stats["mixed_paragraphs"] == 1 and stats["mixed_paragraph_share"] == 1.0


def doc_with_segments(text, blocks=()):
    doc = Document(text, blocks=list(blocks))
    doc.segments = segment(text)
    return doc


def test_language_stats_count_non_space_characters_and_switches():
    stats = language_stats(doc_with_segments("Focus on work,关心下一代。 Again here."))
    assert stats["chars_by_lang"] == {"zh": 6, "en": 11 + 11, "other": 0}
    assert stats["lang_switches"] == 2


def test_paragraphs_are_blank_line_separated_without_blocks():
    text = "中文段落。\n\nEnglish paragraph.\n\n\n混合的段落,with English in it.\n\n"
    stats = language_stats(doc_with_segments(text))
    assert (stats["paragraphs"], stats["mixed_paragraphs"], stats["mixed_paragraph_share"]) == (3, 1, 0.3333)


def test_paragraphs_are_the_blocks_when_there_are_some():
    text = "中文。English here.\n"
    one = language_stats(doc_with_segments(text, [Block(0, len(text), "paragraph")]))
    two = language_stats(doc_with_segments(text, [Block(0, 3, "heading"), Block(3, len(text), "paragraph")]))
    assert (one["paragraphs"], one["mixed_paragraphs"]) == (1, 1)
    assert (two["paragraphs"], two["mixed_paragraphs"]) == (2, 0)


def test_empty_document_stats():
    assert language_stats(Pipeline().clean("")) == {
        "chars_by_lang": {"zh": 0, "en": 0, "other": 0}, "lang_switches": 0, "paragraphs": 0,
        "mixed_paragraphs": 0, "mixed_paragraph_share": 0.0}


def test_detect_other_rule_switches_off_from_the_command_line(tmp_path):
    path = tmp_path / "fr.txt"
    path.write_text("中文。Les cinq anciens aident les enfants des villages.\n", encoding="utf-8")
    langs = {}
    for args in ((), ("--disable", "detect-other")):
        report = tmp_path / "r.jsonl"
        assert duet("clean", path, "--report", report, *args).returncode == 0
        langs[args] = [s["lang"] for s in json.loads(report.read_text(encoding="utf-8"))["segments"]]
    assert langs[()] == ["zh", "other"]
    assert langs[("--disable", "detect-other")] == ["zh", "en"]
