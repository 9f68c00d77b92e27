"""Decode: every supported encoding gives the same text; binary input is an error, never garbage."""

import os

import pytest

from pipeline import Pipeline
from pipeline.stages.decode import DecodeError, decode

SIMPLIFIED = "关心下一代工作总体呈现强劲发展态势。The province cares for the next generation,坚持以服务为根本目标。"
TRADITIONAL = "香港特別行政區政府新聞公報：關心下一代工作，教育局與學校合作。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "gbk", "gb2312"])
def test_simplified_in_every_encoding(encoding):
    d = decode(SIMPLIFIED.encode(encoding))
    assert d.text == SIMPLIFIED
    assert d.problems == []


@pytest.mark.parametrize("encoding", ["big5", "utf-8", "utf-16", "gb18030"])
def test_traditional_in_every_encoding(encoding):
    assert decode(TRADITIONAL.encode(encoding)).text == TRADITIONAL


def test_encoding_is_named():
    assert decode(TRADITIONAL.encode("big5")).encoding == "big5"
    assert decode(SIMPLIFIED.encode("gbk")).encoding == "gb18030"
    assert decode(b"\xef\xbb\xbfabc").encoding == "utf-8"


def test_bom_is_not_part_of_the_text():
    assert decode("\ufeff中文".encode("utf-8")).text == "中文"


def test_gb18030_twin_cleans_to_the_same_output(seed_text):
    p = Pipeline()
    utf8 = p.clean_bytes(seed_text.encode("utf-8"))
    gb = p.clean_bytes(seed_text.encode("gb18030"))
    assert gb.text == utf8.text
    assert [c.to_dict() for c in gb.changes] == [c.to_dict() for c in utf8.changes]


def test_nul_bytes_are_binary():
    with pytest.raises(DecodeError, match="binary"):
        decode(b"PK\x03\x04\x00\x00\x08\x00abc")


def test_random_bytes_are_not_text():
    data = bytes(range(128, 256)) * 4 + os.urandom(64).replace(b"\x00", b"")
    with pytest.raises(DecodeError):
        decode(data)


def test_broken_utf8_is_flagged_at_its_place():
    data = "正常的文本，".encode() + b"\xff\xfe" + "后面也正常。".encode()
    d = decode(data)
    assert d.text.startswith("正常的文本，\ufffd")
    assert d.text.endswith("后面也正常。")
    assert [offset for offset, _ in d.problems] == [6, 7]
    doc = Pipeline().clean_bytes(data)
    assert [(f.rule, doc.text[f.start:f.end]) for f in doc.flags] == [("invalid-utf8", "\ufffd")] * 2


def test_truncated_utf8_keeps_everything_before_the_cut():
    data = SIMPLIFIED.encode("utf-8")[:-1]
    d = decode(data)
    assert d.text[:-1] == SIMPLIFIED[:-1] and d.text[-1] == "\ufffd"
    assert len(d.problems) == 1


def test_a_replacement_character_already_in_the_file_is_not_a_problem():
    d = decode("已有\ufffd字符".encode() + b"\xff")
    assert [offset for offset, _ in d.problems] == [5]


def test_utf16_without_bom():
    text = "Hello, this is mostly English with 中文 inside."
    assert decode(text.encode("utf-16-le")).text == text


# -- no lone surrogate ever comes out of decoding (the pipeline does not search decoded text for one) --

import io  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pipeline.stream import StreamDecoder  # noqa: E402


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def _decoded_texts(data: bytes) -> list[str]:
    """What ``decode`` and the streaming decoder make of ``data`` (nothing where they refuse it)."""
    out = []
    try:
        out.append(decode(data).text)
    except DecodeError:
        pass
    try:
        out.append("".join(StreamDecoder(io.BytesIO(data)).blocks()))
    except DecodeError:
        pass
    return out


_SURROGATES = [chr(c) for c in (0xD800, 0xDBFF, 0xDC00, 0xDFFF)]
# A lone surrogate written as each encoding would write it (``surrogatepass``), after each byte order mark.
_ENCODED_SURROGATES = [
    bom + (text + s + text).encode(encoding, "surrogatepass")
    for s in _SURROGATES
    for text in ("", "中文 text", "\ud83d")
    for encoding, bom in (("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                          ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b""), ("utf-32-le", b"\xff\xfe\x00\x00"),
                          ("utf-32-be", b"\x00\x00\xfe\xff"))
]


def test_encoded_surrogates_never_decode_to_one():
    decoded = [t for data in _ENCODED_SURROGATES for t in _decoded_texts(data)]
    assert decoded  # most are decoded (with U+FFFD in UTF-8), the rest refused
    assert not any(_has_surrogate(t) for t in decoded)


def test_no_legacy_character_is_a_surrogate():
    """Every two-byte GB18030 and Big5 character, and every four-byte GB18030 one of the BMP."""
    for encoding in ("gb18030", "big5"):
        for a in range(0x81, 0xFF):
            data = b"".join(bytes([a, b]) for b in range(0x40, 0xFF) if b != 0x7F)
            assert not _has_surrogate(data.decode(encoding, "replace"))
    for a in range(0x81, 0x85):
        for b in range(0x30, 0x3A):
            data = b"".join(bytes([a, b, c, d]) for c in range(0x81, 0xFF) for d in range(0x30, 0x3A))
            assert not _has_surrogate(data.decode("gb18030", "replace"))


@given(st.one_of(st.binary(max_size=64),
                 st.tuples(st.sampled_from(_ENCODED_SURROGATES), st.binary(max_size=16)).map(lambda t: t[0] + t[1])))
def test_decoded_bytes_hold_no_surrogate(data):
    assert not any(_has_surrogate(t) for t in _decoded_texts(data))
