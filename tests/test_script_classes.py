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
