"""The shared helpers of pipeline/typography.py against the plain forms they replace: ``url_spans`` reads
only the lines that hold ``://``, ``www.`` or ``@`` (the plain form runs the pattern over the whole text)."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import typography as T

from strategies import mixed_text

SEED = (Path(__file__).resolve().parent.parent / "samples" / "gov-report-2023.txt").read_text(encoding="utf-8")

# What URLs and addresses are made of, and many ``:`` and ``.`` without one: the search by one character
# gives way to the search for the whole needle after enough of them.
URL_PIECES = ["http://", "https://", "ftp://", "www.", "@", "a", "leyu88", "com", "cn", ".", ":", "/", "//",
              "w", "ww", "-", "+", "_", "中国", "，", " ", "\n", "\r\n", "。", ")", "...", "::::::::", "........",
              "user.name", "a@b.cn", "一a@b.cn", "https://example.org/a?b=1", "www.leyu88.com，注册", "(www.x.cn)"]
url_text = st.lists(st.sampled_from(URL_PIECES), max_size=80).map("".join)


def plain_url_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in T._URL.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.one_of(url_text, mixed_text, st.text(alphabet="w.:/@a中 \n", max_size=80)))
def test_url_spans_as_the_pattern_over_the_whole_text(text):
    assert T.url_spans(text) == plain_url_spans(text)


@given(st.integers(0, 2000), st.sampled_from(["x@y.org", "see https://a.b/c.", "www.leyu88.com"]))
@settings(max_examples=30, deadline=None)
def test_url_spans_after_many_dots_and_colons(at, url):
    # Past the point where the search by ``.`` or ``:`` gives way to the search for the needle.
    filler = ("a. b: " * 600)
    text = filler[:at] + url + filler[at:] + "\n" + SEED[:3000]
    assert T.url_spans(text) == plain_url_spans(text)
    assert T.url_spans(text)


def test_find_all_as_str_find():
    text = ("a." * 3000) + "www." + ("w." * 100) + "www.www." + "x://y" + "::" * 900 + "://"
    for needle, key in (("www.", 3), ("://", 0), ("@", 0)):
        plain, j = [], text.find(needle)
        while j >= 0:
            plain.append(j)
            j = text.find(needle, j + 1)
        assert T._find_all(text, needle, key) == plain


def test_url_spans_on_the_seed():
    text = SEED + "\n联系 a@b.cn 或 www.leyu88.com，\nhttps://example.org/x\n" + SEED
    assert T.url_spans(text) == plain_url_spans(text)
    assert len(T.url_spans(text)) >= 3


FOLD = T.form_fold()
fold_text = st.text(alphabet="".join(FOLD.table) + "。。。0123456789１２３中文ab .,\n", max_size=60)


@settings(max_examples=400)
@given(st.one_of(fold_text, mixed_text))
def test_the_fold_in_one_pass_as_the_plain_fold(text):
    assert FOLD.one_pass is not None  # (the shipped conventions allow it)
    assert FOLD(text) == FOLD.plain(text)


def test_the_fold_on_the_seed_and_stops_between_digits():
    text = SEED + "\n１。５ 2。3 ２。x 。1 1。 “引号”（括号）\u3000ＡＢＣ"
    assert FOLD(text) == FOLD.plain(text)
    assert "1.5 2.3 2。x 。1 1。" in FOLD(text)


def test_no_one_pass_where_it_would_differ():
    assert T._one_pass({"｡": "。"}) is None  # a form that becomes a stop: the stop would be read before
    assert T._one_pass({"①": "1"}) is None  # a digit only once replaced
    assert T._one_pass({"＂": '"', '"': "'"}) is None  # a form that becomes another form
    assert T._one_pass({"＂": '"', "１": "1"}) is not None
