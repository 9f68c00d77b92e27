"""Spam rules are data: user files extend them, bad files are errors naming the file and the entry."""

import json
import subprocess

import pytest

from conftest import duet_command
from pipeline import Pipeline
from pipeline.rules import ConfigError
from pipeline.spam import Detector, load_rules


def write(tmp_path, text, name="extra.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_rules_load_and_cover_the_issue():
    rules = load_rules()
    words = {w for s in rules.signals for w in s.words}
    for word in ["欧洲杯", "世界杯", "美洲杯", "亚洲杯", "英超", "nba", "下注", "投注", "买球", "押注", "竞猜", "博彩",
                 "平台", "app", "官网", "网址", "入口", "官方网站", "下载", "注册", "登录", "排名", "开云", "半岛",
                 "华体会", "乐鱼", "九游会", "亚博", "米乐", "星空", "爱游戏", "bet365", "kaiyun", "体育", "娱乐",
                 "真人", "警方", "破获", "打击", "非法", "依法", "取缔"]:
        assert word in words, word
    assert {s.name for s in rules.signals if s.pattern} >= {"url", "domain", "handle", "bonus", "year"}
    assert rules.settings.threshold == 1.0


def test_a_user_file_adds_a_brand(tmp_path):
    path = write(tmp_path, '[[signal]]\nname = "新品牌"\nfamily = "brand"\nrole = "anchor"\nweight = 0.6\n'
                           'words = ["鸿运来"]\n')
    text = "各单位认真学习《鸿运来体育官网》精神。"
    assert Pipeline(disable=("structure",)).clean(text).text == text
    assert Pipeline(disable=("structure",), rules=(str(path),)).clean(text).text == "各单位认真学习精神。"


def test_a_user_file_replaces_an_entry_by_name_and_sets_the_threshold(tmp_path):
    path = write(tmp_path, '[settings]\nthreshold = 3.0\n\n[[signal]]\nname = "开云"\nfamily = "brand"\n'
                           'role = "anchor"\nweight = 0.1\nwords = ["开云"]\n')
    detector = Detector(load_rules([path]))
    assert detector.settings.threshold == 3.0
    assert detector.by_word["开云"].weight == 0.1
    assert "kaiyun" not in detector.by_word  # the entry was replaced, not merged
    assert detector.find("《2024欧洲杯下注平台》") == []


def test_a_folder_contributes_its_spam_subfolder(tmp_path):
    (tmp_path / "spam").mkdir()
    write(tmp_path / "spam", '[[signal]]\nname = "extra-bet"\nfamily = "bet"\nrole = "anchor"\nweight = 0.4\n'
                             'words = ["押宝"]\n')
    assert "押宝" in Detector(load_rules([tmp_path])).by_word


def test_a_file_of_another_stage_is_skipped(tmp_path):
    path = write(tmp_path, '[[term]]\nzh = "关工委"\nen = "Committee"\n')
    assert len(load_rules([path]).signals) == len(load_rules().signals)


BAD = [
    ('[[signal]]\nname = "x"\nrole = "anchor"\nweight = 0.5\nword = ["赌"]\n', "[[signal]] #1 ('x'): unknown key 'word'"),
    ('[[signal]]\nname = "x"\nrole = "magic"\nweight = 0.5\nwords = ["赌"]\n', "role must be one of"),
    ('[[signal]]\nname = "x"\nrole = "anchor"\nweight = 1.5\nwords = ["赌神"]\n',
     "[[signal]] #1 ('x'): weight 1.5 reaches the threshold 1.0: a single signal must never decide"),
    ('[[signal]]\nname = "x"\nrole = "anchor"\nwords = ["赌神"]\n', "needs weight = a number"),
    ('[[signal]]\nname = "x"\nrole = "anchor"\nweight = 0.5\n', "needs either words = [...] or pattern"),
    ('[[signal]]\nname = "x"\nrole = "promo"\nweight = 0.5\npattern = "(unclosed"\n', "bad pattern"),
    ('[[signal]]\nname = "x"\nrole = "promo"\nweight = 0.5\npattern = "a*"\n', "matches the empty string"),
    ('[[signal]]\nname = "x"\nrole = "anchor"\nweight = 0.5\nwords = ["下注"]\n', "word '下注' is already in"),
    ('[[signal]]\nname = "x"\nrole = "anchor"\nweight = 0.5\nwords = []\n', "non-empty list of strings"),
    ('[[signal]]\nname = "x"\nrole = "neutral"\nweight = 0.5\nwords = ["某某"]\n', "weight must be 0"),
    ('[[signal]]\nname = "x"\nfamily = "bet"\nrole = "attach"\nweight = 0.5\nwords = ["某某"]\n',
     "family 'bet' mixes roles"),
    ('[settings]\nthreshhold = 2\n', "[settings]: unknown key 'threshhold'"),
    ('[settings]\ntitle_marks = ["《"]\n', "title_marks must be a list of two-character strings"),
    ('[settings]\nthreshold = "high"\n', "threshold must be a number"),
    ('[[signals]]\nname = "x"\n', "unknown table [signals]: did you mean [signal]?"),
    ('[[signal]\n', "not valid TOML"),
]


@pytest.mark.parametrize("text,message", BAD)
def test_a_bad_file_names_the_file_and_the_entry(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_rules([path])
    assert str(err.value).startswith(str(path)), err.value
    assert message in str(err.value)


def test_the_cli_exits_2_with_one_line(tmp_path):
    path = write(tmp_path, '[[signal]]\nname = "x"\nrole = "anchor"\nweight = 2\nwords = ["赌神"]\n')
    r = subprocess.run([*duet_command(), "clean", "--rules", str(path)], input="正文。".encode(),
                       capture_output=True, timeout=120)
    assert r.returncode == 2
    lines = r.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "[[signal]] #1 ('x')" in lines[0]


def test_the_cli_check_lists_flagged_spam_and_exits_1(tmp_path):
    path = write(tmp_path, "纳入学校2024欧洲杯下注平台工作计划。\n", name="doc.txt")
    r = subprocess.run([*duet_command(), "check", "--spam", "flag", str(path)], capture_output=True, timeout=120)
    assert r.returncode == 1
    out = r.stdout.decode()
    assert f"{path}:1:5: spam-phrase: spam phrase (score 1.40" in out


# -- traditional spellings, kept in the cache folder ----------------------------------------------------

def test_traditional_spellings_are_kept_and_read_back(private_cache, monkeypatch):
    import opencc

    from pipeline.spam import TRADITIONAL, traditional_spellings

    words = ["欧洲杯下注平台", "bet365", "开云体育"]
    first = traditional_spellings(words)
    assert set(first) == {"欧洲杯下注平台", "开云体育"}  # words without Chinese have none
    assert first["欧洲杯下注平台"] == [opencc.OpenCC(c).convert("欧洲杯下注平台") for c in TRADITIONAL]
    assert "歐洲盃下注平臺" in first["欧洲杯下注平台"]
    (stored,) = (private_cache / "spam").iterdir()
    # Read back without building a converter; other words are another entry.
    with monkeypatch.context() as m:
        m.setattr(opencc, "OpenCC", lambda config: (_ for _ in ()).throw(AssertionError(config)))
        assert traditional_spellings(words) == first
        with pytest.raises(AssertionError):
            traditional_spellings(["乐鱼体育"])
    stored.write_text("{not json", encoding="utf-8")  # a damaged file is made again
    assert traditional_spellings(words) == first
    assert json.loads(stored.read_text(encoding="utf-8")) == first


def test_traditional_spellings_without_a_writable_cache(tmp_path, monkeypatch):
    from pipeline.spam import traditional_spellings

    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("DUET_CACHE_DIR", str(blocked / "cache"))  # under a file: nothing can be written
    assert "歐洲盃下注平臺" in traditional_spellings(["欧洲杯下注平台"])["欧洲杯下注平台"]
