"""Glossary files: loading, lookup, and errors that name the file and the entry."""

import pytest

from pipeline import ConfigError
from pipeline.glossary import load

GOOD = '''
[[term]]
zh = "关工委"
en = "Working Committee for Caring for the Next Generation"
variants = ["Customs Work Committee"]
zh_variants = ["关心下一代工作委员会"]

[[term]]
zh = "五老"
en = "five elders"
variants = ["five old men"]
case = "keep"
'''


def write(tmp_path, text, name="g.toml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_load_and_lookup(tmp_path):
    g = load([write(tmp_path, GOOD)])
    assert [t.zh for t in g.terms] == ["关工委", "五老"]
    assert g.by_zh()["关心下一代工作委员会"].en.endswith("Next Generation")
    assert [t.zh for t in g.required_in("省关工委组织五老参加")] == ["关工委", "五老"]


@pytest.mark.parametrize("text,message", [
    ("[[term]]\nzh = \"关工委\"\n", "#1 ('关工委'): missing 'en'"),
    ("[[term]\nzh=1", "not valid TOML"),
    ("[[term]]\nzh = \"a\"\nen = \"b\"\ncase = \"upper\"\n", "case must be one of"),
    ("[[term]]\nzh = \"a\"\nen = \"b\"\nvariants = \"c\"\n", "'variants' must be a list"),
    ("[[term]]\nzh = \"a\"\nen = \"b\"\ncolour = 1\n", "unknown key(s) colour"),
    ("[[term]]\nzh = \"a\"\nen = \"Alpha\"\n[[term]]\nzh = \"b\"\nen = \"Beta\"\nvariants = [\"alpha\"]\n",
     "#2 ('b'): variant 'alpha' is the canonical English of"),
])
def test_bad_files_name_the_file_and_entry(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        load([path])
    assert str(exc.value).startswith(path)
    assert message in str(exc.value)


def test_unknown_shipped_name():
    with pytest.raises(ConfigError, match="no such glossary"):
        load(["does-not-exist"])
