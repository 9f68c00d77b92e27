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


@pytest.mark.parametrize("text,message", [
    ('[[term]]\nzh = "a"\nen = "Alpha"\nvariants = ["x"]\nweak_variants = ["X"]\n',
     "#1 ('a'): variant 'X' is listed twice"),
    ('[[term]]\nzh = "a"\nen = "Alpha"\n[[term]]\nzh = "a"\nen = "Beta"\n', "#2 ('a'): zh 'a' is already the term"),
    ('[[term]]\nzh = "a"\nen = "Alpha"\nvariants = ["x"]\n[[term]]\nzh = "b"\nen = "Beta"\nweak_variants = ["x"]\n',
     "#2 ('b'): variant 'x' is also a variant of"),
    ('[[term]]\nzh = "a"\nen = "Alpha"\nweak_variants = ["beta"]\n[[term]]\nzh = "b"\nen = "Beta"\n',
     "#1 ('a'): variant 'beta' is the canonical English of"),
    ('[[term]]\nzh = "a"\nen = "Alpha"\nplural = 3\n', "'plural' must be a string"),
])
def test_more_bad_files(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        load([path])
    assert str(exc.value).startswith(path) and message in str(exc.value)


def test_weak_variants_plural_and_file_are_data(tmp_path):
    path = write(tmp_path, '[[term]]\nzh = "五老"\nen = "five elders"\nvariants = ["Wulo"]\n'
                           'weak_variants = ["five old men"]\nplural = "five elders"\n')
    (term,) = load([path]).terms
    assert term.all_variants == ("Wulo", "five old men") and term.weak_variants == ("five old men",)
    assert term.plural == "five elders" and term.file == path


def test_same_term_in_two_files_first_file_first(tmp_path):
    a = write(tmp_path, '[[term]]\nzh = "五老"\nen = "Five Veterans"\n', "a.toml")
    b = write(tmp_path, '[[term]]\nzh = "五老"\nen = "five elders"\nvariants = ["Wulo"]\n', "b.toml")
    g = load([a, b])
    assert g.by_zh()["五老"].en == "Five Veterans" and len(g.terms) == 2


def test_shipped_glossary_loads():
    g = load(["next-generation"])
    assert "Next Generation" in g.by_zh()["关工委"].en
    assert {"五老", "党建带关建", "十小明星", "关心下一代", "快递小哥", "五老工作室", "五好关工组织"} <= set(g.by_zh())


def test_forms_are_spaced_as_the_text_is_matched(tmp_path):
    path = write(tmp_path, '[[term]]\nzh = "五老"\nen = "five   elders"\nvariants = ["five\\n old men "]\n')
    (term,) = load([path]).terms
    assert term.en == "five elders" and term.variants == ("five old men",)
