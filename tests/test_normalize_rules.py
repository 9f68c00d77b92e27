"""rules/normalize.toml: validated on load, extended by the user's --rules files."""

import pytest

from pipeline import Pipeline
from pipeline.rules import ConfigError


def test_a_user_file_overrides_a_setting(tmp_path):
    extra = tmp_path / "house.toml"
    extra.write_text('[digit_spacing]\nno_space_before = "年月日号时点分秒万"\n', encoding="utf-8")
    p = Pipeline(disable=("structure",), digit_spacing=True, rules=(str(extra),))
    assert p.clean("有135万名学生").text == "有 135万名学生"


def test_a_bad_entry_names_the_file_and_the_entry(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[mark]]\nzh = "，，"\nen = ","\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml: \[\[mark\]\] #1 \('，，'\): 'zh' must be one character"):
        Pipeline(rules=(str(bad),))


def test_an_unknown_setting_is_an_error(tmp_path):
    bad = tmp_path / "typo.toml"
    bad.write_text("[chinese_spaces]\nmax_lenght = 9\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"typo\.toml: \[chinese_spaces\] max_lenght: unknown setting"):
        Pipeline(rules=(str(bad),))


def test_a_file_for_another_stage_is_not_read_as_conventions(tmp_path):
    other = tmp_path / "spam.toml"
    other.write_text('[[pattern]]\nname = "x"\n', encoding="utf-8")
    assert Pipeline(rules=(str(other),)).clean("中文,测试").text == "中文，测试"


def test_the_cli_exits_2_on_a_bad_rule_file(tmp_path):
    import subprocess

    from conftest import duet_command

    bad = tmp_path / "bad.toml"
    bad.write_text("[fullwidth]\nsymbols = 3\n", encoding="utf-8")
    r = subprocess.run([*duet_command(), "clean", "--rules", str(bad)], input=b"x", capture_output=True)
    assert r.returncode == 2
    assert b"bad.toml: [fullwidth] symbols: must be a string" in r.stderr
