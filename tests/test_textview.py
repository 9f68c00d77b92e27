"""The normalized view: NFKC, lower case, invisible characters dropped, offsets mapped back."""

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from pipeline import textview
from pipeline.textview import normalize_char, normalized_view
from strategies import any_text, mixed_text

HAN_SPACES = re.compile(r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])")


def test_full_width_invisible_and_case():
    text = "２０２４欧\u200b洲杯下注ＡＰＰ"
    view = normalized_view(text)
    assert view.text == "2024欧洲杯下注app"
    start = view.text.index("欧洲杯")
    assert view.span(start, start + 3) == (4, 8)  # the zero-width space inside goes with the span
    assert text[slice(*view.span(0, len(view.text)))] == text


def test_expansions_map_to_their_character():
    text = "①ﬁx"
    view = normalized_view(text)
    assert view.text == "1fix"
    assert [view.char_origin(i) for i in range(4)] == [0, 1, 1, 2]
    assert view.span(1, 3) == (1, 2)


def test_dropping_spaces_between_han():
    text = "《开 云 体 育》 and 英文 words"
    view = normalized_view(text, HAN_SPACES)
    assert view.text == "《开云体育》 and 英文 words"
    start = view.text.index("开云体育")
    assert text[slice(*view.span(start, start + 4))] == "开 云 体 育"


def test_plain_text_is_its_own_view():
    text = "关心下一代工作 Customs Work Committee。"
    view = normalized_view(text)
    assert view.text == text.lower()
    assert view.span(3, 7) == (3, 7)


@given(st.one_of(any_text, mixed_text, st.text(alphabet=st.characters(codec="utf-8"), max_size=40)))
def test_each_view_character_comes_from_its_origin(text):
    view = normalized_view(text, HAN_SPACES)
    origins = [view.char_origin(i) for i in range(len(view.text))]
    assert origins == sorted(origins)
    for i, o in enumerate(origins):
        assert view.text[i] in normalize_char(text[o]) or view.text[i] == text[o].lower()
    # What the view leaves out is invisible, or a space between Han characters.
    for o in set(range(len(text))) - set(origins):
        assert normalize_char(text[o]) == "" or text[o] == " " or unicodedata.category(text[o]) == "Zs"


def test_every_character_the_view_changes_fails_the_quick_test():
    """The view's fast path (``_unchanged``) holds only for text without any character that
    normalization changes: each of them, alone and among others, makes the test fail."""
    _, mapping = textview._tables()
    for ch in mapping:
        for text in (ch, "a" + ch, ch + "\u0301", "中" + ch + "b", "\u1100" + ch):
            assert not textview._unchanged(text), (hex(ord(ch)), text)


@given(st.one_of(any_text, mixed_text, st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
                 st.text(alphabet=st.sampled_from("aA中 ，\u200bİ①\u0301ﬁ\ufe0f\u3000"), max_size=20)))
def test_the_fast_view_is_the_scanned_view(text):
    assert textview._nfkc_view(text) == textview._scanned_view(text)


def test_a_character_vanishes_exactly_when_its_view_is_empty():
    """Every code point (``vanishes`` lets a printable one through on one test, ``normalize_char`` does not)."""
    for cp in range(0x110000):
        ch = chr(cp)
        assert textview.vanishes(ch) == (normalize_char(ch) == ""), hex(cp)


def test_the_tables_are_kept_in_the_cache_folder_and_read_back(private_cache, monkeypatch):
    """``_tables`` reads what an earlier process worked out: the same scanner and characters as working
    them out again; a damaged or unwritable copy only costs the time to work them out."""
    scanner, mapping = textview._work_out_tables()
    assert len(mapping) > 5000 and mapping["\u200b"] == "" and mapping["Ⅻ"] == "xii" and mapping["ﬁ"] == "fi"
    textview._tables.cache_clear()
    try:
        assert textview._tables() == (re.compile(scanner), mapping)
        (stored,) = (private_cache / "textview").iterdir()
        textview._tables.cache_clear()
        with monkeypatch.context() as m:  # read back, not worked out again
            m.setattr(textview, "_work_out_tables", lambda: (_ for _ in ()).throw(AssertionError("worked out")))
            assert textview._tables() == (re.compile(scanner), mapping)
        stored.write_text('["[^a]+", {"x": 1}]', encoding="utf-8")  # damaged: made again
        textview._tables.cache_clear()
        assert textview._tables() == (re.compile(scanner), mapping)
        blocked = private_cache.parent / "file"
        blocked.write_text("", encoding="utf-8")
        monkeypatch.setenv("DUET_CACHE_DIR", str(blocked / "cache"))  # under a file: nothing is written
        textview._tables.cache_clear()
        assert textview._tables() == (re.compile(scanner), mapping)
    finally:
        textview._tables.cache_clear()
