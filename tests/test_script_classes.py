"""The script ranges the segment stage scans with ``re`` agree with the ``regex`` module's properties."""

import re

import regex

from pipeline.script_classes import HAN, LATIN, OTHER_SCRIPTS

ALL = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)


def chars(pattern, module) -> set[str]:
    return set("".join(module.findall(pattern + "+", ALL)))


def test_every_han_character_is_in_the_han_class():
    # A superset: the blocks reserved for CJK count too, so later Unicode versions stay covered.
    han = chars(r"\p{Han}", regex)
    ours = chars(f"[{HAN}]", re)
    assert han <= ours
    assert ours - han <= chars(r"\p{Cn}", regex)  # and otherwise only unassigned code points


def test_latin_and_other_classes_are_those_scripts():
    latin = chars(f"[{LATIN}]", re)
    assert latin <= chars(r"\p{Latin}", regex)
    assert set("AZaz") | set("éüǚǜāōßøłŁ") <= latin
    other = chars(f"[{OTHER_SCRIPTS}]", re)
    assert other <= chars(r"[\p{Hiragana}\p{Katakana}\p{Hangul}\p{Cyrillic}\p{Greek}\p{Arabic}\p{Hebrew}"
                          r"\p{Thai}\p{Devanagari}]", regex)
    assert set("ひカ한Яλ") <= other


def test_is_han_agrees_with_the_han_script_everywhere():
    # The fast comparisons must never disagree with the script property: CJK radicals (U+2E80-U+2FDF)
    # are Han although they lie below the ideographic comma.
    from pipeline.typography import is_han

    assert {c for c in ALL if is_han(c)} == chars(r"[\p{Han}〇々]", regex)


def test_a_cjk_radical_between_digits_is_cleaned_once():
    from pipeline import Pipeline

    p = Pipeline()
    first = p.clean("2⺉4")  # found by the atheris pipeline target: a space was added on every pass
    assert p.clean(first.text).changes == []
