"""Large files piece by piece (pipeline/stream.py): the same output, a report that replays on the whole
file, bounded pieces, incremental decoding."""

import io
import json
import re
from collections import Counter

import pytest
from hypothesis import example, given, strategies as st

from pipeline import Pipeline
from pipeline.document import Document, Edit, replay
from pipeline.registry import DOCUMENT, PARAGRAPH, context, whole_document_stages
from pipeline.report import LineIndex, findings
from pipeline.stages.decode import DecodeError, decode
from pipeline.stream import Piece, StreamDecoder, boundary, clean_stream, pieces, settled
from strategies import SPAM, mixed_text

PIPELINE = Pipeline()  # the defaults: --spam remove
PIPELINES = {"remove": PIPELINE, "mask": Pipeline(spam="mask"), "flag": Pipeline(spam="flag")}


def stream(text_or_bytes, size, pipeline=PIPELINE, check=False):
    data = text_or_bytes.encode("utf-8") if isinstance(text_or_bytes, str) else text_or_bytes
    sink = io.BytesIO()
    result = clean_stream(pipeline, io.BytesIO(data), "big.txt", None if check else sink, chunk_size=size,
                          report=True, check=check)
    with open(result.report_path, encoding="utf-8") as f:
        report = json.loads(f.read())
    findings = open(result.findings_path, encoding="utf-8").read().splitlines() if check else []
    return sink.getvalue().decode("utf-8"), report, result, findings


def same_as_whole(text, size, pipeline=PIPELINE):
    data = text.encode("utf-8")
    try:
        whole = pipeline.clean_bytes(data)
    except DecodeError:  # binary-looking input: an error either way
        with pytest.raises(DecodeError):
            stream(data, size, pipeline)
        return None
    out, report, _, _ = stream(data, size, pipeline)
    assert out == whole.text
    assert replay(decode(data).text, report["changes"]) == out  # the replay law on the whole file
    key = lambda c: (c["stage"], c["rule"], c["before"], c["after"])  # noqa: E731
    assert Counter(map(key, report["changes"])) == Counter(key(c.to_dict()) for c in whole.changes)
    assert report["segments"] == [s.to_dict() for s in whole.segments]
    assert report["flags"] == [f.to_dict() for f in whole.flags]
    return report


# Paragraphs of mixed text, and paragraphs of nothing but spam (with the marks, years and spaces that
# stand around it), so that removing it empties whole pieces, the first and the last ones included.
spam_paragraph = st.lists(st.sampled_from([*SPAM, "，", "。", "2023", " ", "\n", "\u200b"]), min_size=1, max_size=4)
paragraphs = st.lists(st.one_of(mixed_text, spam_paragraph.map("".join)), min_size=1, max_size=8).map(
    lambda ps: "".join(p + sep for p, sep in zip(ps, ["\n\n", "\r\n\r\n", "\n \n\n", "\n\n\n\n", "\n"] * 2)))


@given(paragraphs, st.integers(min_value=1, max_value=60), st.sampled_from(sorted(PIPELINES)))
def test_pieces_clean_like_the_whole_document(text, size, spam):
    same_as_whole(text, size, PIPELINES[spam])


SPAM_AT_THE_EDGES = [
    "X好。\n\n开云体育官网\n",  # the last piece emptied: the blank line before it goes too
    "X好。\n\n开云体育官网\n\n开云体育官网\n\u200b\n",  # the last two pieces emptied
    "X好。\n\n开云体育官网\n\n开云体育官网\n\nY好。\n",  # two emptied paragraphs, a change each
    "开云体育官网\n\n开云体育官网\n\nY好。\n",  # the first pieces emptied
    "“开云体育官网”，\n\nHello, world.\n",  # masked: the first piece loses its only letters
    "开云体育官网 2023，\n\n开云体育官网\n\nHello, world.\n",
]


def whole_findings(text, pipeline):
    """``duet check`` lines for the document cleaned whole."""
    index = LineIndex(text)
    return [f"big.txt:{':'.join(map(str, index.line_col(f.offset)))}: {f.rule}: {f.message}"
            for f in findings(pipeline.clean(text))]


@pytest.mark.parametrize("spam", ["remove", "mask"])
@pytest.mark.parametrize("text", SPAM_AT_THE_EDGES)
def test_spam_emptying_a_piece_cleans_like_the_whole_document(text, spam):
    for size in (1, 8, 20):
        same_as_whole(text, size, PIPELINES[spam])
        assert stream(text, size, PIPELINES[spam], check=True)[3] == whole_findings(text, PIPELINES[spam])


def settle(texts):
    """``settled`` on pieces of these texts, with a stage that removes every S with the line breaks after
    it: (pieces given out, texts cleaned, in order)."""
    raw, start = [], 0
    for i, text in enumerate(texts):
        raw.append(Piece(text, start, i == 0, i == len(texts) - 1))
        start += len(text)
    seen = []

    def clean(piece, lang_before):
        seen.append(piece.text)
        doc = Document(piece.text, at_start=piece.at_start, at_end=piece.at_end, lang_before=lang_before)
        doc.apply("test", [Edit(m.start(), m.end(), "", "S") for m in re.finditer(r"S\n*", piece.text)])
        return PIPELINE.run(doc)

    return [(p.text, p.start, p.at_start, p.at_end, d.text) for p, d in settled(raw, clean)], seen


def test_the_first_pieces_without_letters_are_cleaned_again_as_one():
    given, seen = settle(["2023\n\n", "S\n\n", "abc\n\n", "def\n"])
    assert given == [("2023\n\nS\n\nabc\n\n", 0, True, False, "2023\n\nabc\n\n"), ("def\n", 14, False, True, "def\n")]
    assert seen == ["2023\n\n", "S\n\n", "abc\n\n", "2023\n\nS\n\nabc\n\n", "def\n"]


def test_emptied_pieces_at_the_end_are_cleaned_again_with_the_last_visible_one():
    given, seen = settle(["abc\n\n", "S\n\n", "def\n\n", "S\n\n", "S\n"])
    assert given == [("abc\n\n", 0, True, False, "abc\n\n"), ("S\n\n", 5, False, False, ""),  # text follows
                     ("def\n\nS\n\nS\n", 8, False, True, "def\n")]  # the end keeps one line break
    assert seen == ["abc\n\n", "S\n\n", "def\n\n", "S\n\n", "S\n", "def\n\nS\n\nS\n"]
    assert settle(["S\n\n", "S\n"])[0] == [("S\n\nS\n", 0, True, True, "")]


def test_cuts_fall_after_blank_lines_before_a_visible_line():
    text = "aaaa\n\nbbbb\n\n\u200b\n\ncccc\n \n\ndddd\n"
    got = [(p.text, p.at_start, p.at_end) for p in pieces([text], 1)]
    assert got == [("aaaa\n\n", True, False), ("bbbb\n\n\u200b\n\n", False, False),
                   ("cccc\n \n\n", False, False), ("dddd\n", False, True)]
    assert "".join(p for p, _, _ in got) == text


def test_without_trailing_space_a_line_of_spaces_is_not_blank():
    text = "aaaa\n \nbbbb\n\ncccc\n"
    got = [p.text for p in pieces([text], 1, cut_at=boundary(trailing_space=False))]
    assert got == ["aaaa\n \nbbbb\n\n", "cccc\n"]


def test_the_first_piece_has_a_letter_and_an_invisible_tail_joins_the_last_piece():
    got = [p.text for p in pieces(["2023\n\n", "1.5\n\nabc\n\nd", "ef\n\n\u200b  \n"], 1)]
    assert got == ["2023\n\n1.5\n\nabc\n\n", "def\n\n\u200b  \n"]


def test_pieces_stay_near_the_chunk_size():
    text = ("一段话。" * 50 + "\n\n") * 200
    sizes = [len(p.text) for p in pieces([text[i:i + 1000] for i in range(0, len(text), 1000)], 1000)]
    assert "".join(p.text for p in pieces([text], 1000)) == text
    assert max(sizes) < 1000 + 210 and len(sizes) > 30


def test_a_paragraph_without_a_blank_line_is_never_cut():
    text = "line\n" * 1000
    assert [p.text for p in pieces([text], 10)] == [text]


def test_check_findings_point_into_the_whole_input():
    text = "第一段。\n\n第二段\u200b。\n\n" * 3
    _, report, result, findings = stream(text, 5, check=True)
    whole = [f"big.txt:{n}:4: zero-width: " for n in (3, 7, 11)]
    assert [f[: len(w)] for f, w in zip(findings, whole)] == whole
    assert result.findings == len(findings) == len(report["changes"])


# -- decoding ------------------------------------------------------------------------------------


def decoded(data, block=7):
    import pipeline.stream as s

    old = s.SNIFF_BYTES, s.READ_BYTES
    s.SNIFF_BYTES, s.READ_BYTES = 16, block  # tiny blocks: characters are cut between them
    try:
        d = StreamDecoder(io.BytesIO(data))
        return "".join(d.blocks()), d
    finally:
        s.SNIFF_BYTES, s.READ_BYTES = old


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "big5", "utf-16", "utf-8-sig"])
def test_incremental_decoding_of_every_encoding(encoding):
    text = "香港特別行政區政府新聞公報：關心下一代工作。\nEnglish line.\n" * 5
    got, d = decoded(text.encode(encoding))
    assert got == text
    assert d.encoding.replace("-le", "") == {"utf-8-sig": "utf-8", "utf-16": "utf-16"}.get(encoding, encoding)


def test_broken_utf8_becomes_a_flag_at_its_place():
    data = "第一段。\n".encode() * 20 + b"\xff" + "第二段。\n".encode() * 100
    text, d = decoded(data)
    assert text.count("\ufffd") == 1
    assert d.problems == [(text.index("\ufffd"), "bytes 260-260 are not valid UTF-8 and were replaced by U+FFFD")]
    _, report, _, _ = stream(data, 10)
    assert [f["rule"] for f in report["flags"]] == ["invalid-utf8"]


# Files the fuzz profile found: ``decode`` reads them as UTF-8 with U+FFFD; the streaming decoder refused
# them as mixed encodings (it judged a line cut inside a character at the end of a block).
@pytest.mark.parametrize("data", [b"\xe4\xb8\xb5\xc4\xd6", b"\n\xe4\xb8\xb5\xc4\xa4\xa4\xe6\x96",
                                  b"\xe4\xb8\xad\xd6\xd0\xb5\xc4"])
def test_the_streaming_decoder_reads_what_decode_reads(data):
    assert "".join(StreamDecoder(io.BytesIO(data)).blocks()) == decode(data).text


UTF8_LINE = "第一段是UTF-8编码的中文内容。\n".encode()
GB_LINE = "第二段是GBK编码的中文内容，这一行比较长。\n".encode("gb18030")


@pytest.mark.parametrize("gb_starts", [-200, -len(GB_LINE) // 2, 0, 3 << 20])  # from the end of the first MB
def test_mixed_encodings_in_a_large_file_are_the_same_error_as_in_a_whole_file(gb_starts):
    """Real block sizes: the GB18030 line before, across and after the end of the first megabyte (the
    encoding is decided there), and megabytes later. The same message as ``decode`` gives."""
    import pipeline.stream as s

    before = s.SNIFF_BYTES + gb_starts
    data = UTF8_LINE * (before // len(UTF8_LINE)) + b"x" * (before % len(UTF8_LINE)) + GB_LINE + UTF8_LINE * 10
    with pytest.raises(DecodeError) as whole:
        decode(data)
    assert str(whole.value).startswith("mixed encodings: line 1 is UTF-8 but line ")
    with pytest.raises(DecodeError) as streamed:
        "".join(StreamDecoder(io.BytesIO(data)).blocks())
    assert str(streamed.value) == str(whole.value)


def test_binary_data_after_the_start_is_an_error():
    with pytest.raises(DecodeError, match="NUL byte at offset 3000"):
        decoded(b"text\n" * 600 + b"\x00\x01\x02")
    with pytest.raises(DecodeError, match="not gb18030 after byte"):
        decoded("中文编码".encode("gb18030") * 10 + b"\n\xff\xff")


# -- the stage protocol -----------------------------------------------------------------------------


def test_stages_on_main_work_on_paragraphs_and_undeclared_ones_need_the_document():
    from types import SimpleNamespace

    from pipeline.options import Options

    assert whole_document_stages(Options()) == []
    assert whole_document_stages(Options(spam="mask")) == []
    assert whole_document_stages(Options(to="en")) == ["translate"]  # units belong to the whole document
    assert context(SimpleNamespace(NAME="x"), Options()) == DOCUMENT
    auto = SimpleNamespace(NAME="variant", context=lambda o: DOCUMENT if o.variant == "auto" else PARAGRAPH)
    assert context(auto, Options(variant="auto")) == DOCUMENT
    assert context(auto, Options()) == PARAGRAPH


# -- large documents in memory, a few paragraphs at a time (Pipeline._run_in_pieces) ----------------


def cut_small(pipeline: Pipeline) -> Pipeline:
    pipeline.piece_chars = 20  # every document of a few paragraphs is cut
    return pipeline


IN_PIECES = {mode: cut_small(Pipeline(spam=mode)) for mode in PIPELINES}


def same_in_pieces(data: bytes, spam: str = "remove"):
    whole = PIPELINES[spam].clean_bytes(data)
    cut = IN_PIECES[spam].clean_bytes(data)
    assert cut.text == whole.text
    assert replay(decode(data).text, [c.to_dict() for c in cut.changes]) == cut.text
    key = lambda c: (c.stage, c.rule, c.before, c.after)  # noqa: E731 (same changes, piece after piece)
    assert Counter(map(key, cut.changes)) == Counter(map(key, whole.changes))
    assert [s.to_dict() for s in cut.segments] == [s.to_dict() for s in whole.segments]
    assert [f.to_dict() for f in cut.flags] == [f.to_dict() for f in whole.flags]
    assert [(b.start, b.end, b.kind) for b in cut.blocks] == [(b.start, b.end, b.kind) for b in whole.blocks]
    public = lambda stats: {k: v for k, v in stats.items() if not k.startswith("_")}  # noqa: E731
    assert public(cut.stats) == public(whole.stats)  # the spam count among them
    # ``duet check`` places every change at the same place of the input.
    from pipeline.report import findings
    assert sorted((f.offset, f.rule) for f in findings(cut)) == sorted((f.offset, f.rule) for f in findings(whole))
    return cut


@given(paragraphs, st.sampled_from(sorted(PIPELINES)))
# Found by the fuzz profile: a heading pattern's ``\s*`` read ``7\n\n.`` as a marker across the blank line
# in the whole document, while the piece starting at ``.`` saw none (``.。`` kept whole, doubled in pieces).
@example("\n\n\r\n\r\n\n \n\n\n\n\n\n【乐鱼体育】官方网站：www.leyu88.com，注册即送58元彩金！\n７\n\n.。\r\n\r\n", "flag")
# The spam handle pattern's ``\s?`` matched ``加微信\n\nyabo88`` across the blank line in the whole document:
# one promotion over two paragraphs, two phrases in pieces.
@example("本次会议圆满结束，各单位认真落实，继续推进各项工作。开云体育官网加微信\n\nyabo88体育官网下注平台，欢迎。\n", "remove")
def test_a_large_document_is_cleaned_in_pieces_like_the_whole(text, spam):
    try:
        same_in_pieces(text.encode("utf-8"), spam)
    except DecodeError:
        pass  # binary-looking input: an error either way (the whole document's error is raised first)


def test_the_seed_repeated_is_cleaned_in_pieces_like_the_whole(seed_text):
    data = ((seed_text + "\n\n") * 3 + "\xff").encode("utf-8", "surrogateescape")
    data = data.replace("\xff".encode("utf-8", "surrogateescape"), b"\xff")  # a broken byte: a flag to place
    cut = same_in_pieces(data)
    assert len(cut.batches) > 3 * len(PIPELINE.clean(seed_text).batches)  # it was cut


def test_a_document_that_a_stage_needs_whole_is_not_cut(seed_text):
    whole = cut_small(Pipeline(variant="auto"))  # the majority script of the whole document decides
    doc = whole.clean(seed_text * 2)
    assert len(doc.batches) == len(whole.clean(seed_text).batches)


def test_the_command_line_streams_a_large_file_with_the_default_options(tmp_path, seed_text):
    import subprocess

    from conftest import duet_command

    big = tmp_path / "big.txt"
    big.write_text(seed_text * 3 + "\n\n开云体育官网\n", encoding="utf-8")  # the file ends with spam
    outs = {}
    for name, extra in (("whole", []), ("pieces", ["--stream-above", "1KB", "--chunk-size", "4KB"])):
        r = subprocess.run([*duet_command(), "clean", str(big), "-o", str(tmp_path / name),
                            "--report", str(tmp_path / f"{name}.jsonl"), *extra], capture_output=True)
        assert r.returncode == 0, r.stderr
        outs[name] = json.loads((tmp_path / f"{name}.jsonl").read_text(encoding="utf-8"))
    assert outs["pieces"]["stats"]["streamed"] is True and "streamed" not in outs["whole"]["stats"]
    out = (tmp_path / "pieces" / "big.txt").read_text(encoding="utf-8")
    assert out == (tmp_path / "whole" / "big.txt").read_text(encoding="utf-8") and out.endswith("。\n")
    assert replay(big.read_text(encoding="utf-8"), outs["pieces"]["changes"]) == out
    assert outs["pieces"]["segments"] == outs["whole"]["segments"]


# -- a text in memory cut as its stream would be -------------------------------------------------------

from pipeline.stream import VISIBLE, _BREAK, _LETTER, text_pieces  # noqa: E402


def plain_pieces(blocks, size, cut_at):
    """The cutting as first written: the buffer copied at each block and each cut."""
    buf, offset, held, first, scanned = "", 0, None, True, 0

    def cut_in(buf, pos, need_letter):
        while True:
            m = cut_at.search(buf, pos)
            if m is None:
                return None
            line_end = _BREAK.search(buf, m.end())
            if line_end is None:
                return None
            if VISIBLE.search(buf, m.end(), line_end.start()) and (not need_letter or _LETTER.search(buf, 0, m.end())):
                return m.end()
            pos = m.end()

    for block in blocks:
        buf += block
        while len(buf) > size:
            cut = cut_in(buf, max(size, scanned - 4096), first)
            if cut is None:
                scanned = len(buf)
                break
            scanned = 0
            if held is not None:
                yield held
            held = Piece(buf[:cut], offset, first, False)
            first = False
            offset += cut
            buf = buf[cut:]
    if held is None:
        yield Piece(buf, offset, True, True)
    elif not VISIBLE.search(buf):
        yield Piece(held.text + buf, held.start, held.at_start, True)
    else:
        yield held
        yield Piece(buf, offset, False, True)


def _blocks(text, size):
    return [text[i:i + size] for i in range(0, len(text), size)]


_CUT_ATS = [boundary(), boundary(trailing_space=False), boundary(line_end=False)]


def test_text_pieces_are_the_stream_pieces_on_real_text(seed_text):
    # A line longer than the margin the search keeps (4096) after the last blank line of a block, CRLF.
    long_line = "x" * 5000 + "\n\n" + "y" * 9000
    texts = [seed_text, seed_text.replace("\n", "\r\n"), (seed_text + "\n\n") * 3, long_line + "\n\n" + seed_text,
             "\n\n  \n" + seed_text + "\n\n\u200b \n"]
    for text in texts:
        for size in (1, 300, 4000, 20000):
            for cut_at in _CUT_ATS:
                want = list(plain_pieces(_blocks(text, size), size, cut_at))
                assert list(text_pieces(text, size, cut_at=cut_at)) == want
                assert list(pieces(_blocks(text, size), size, cut_at=cut_at)) == want
    assert len(want) > 1


_LINES = st.lists(st.sampled_from(["abc", "中文", "2023", "\u200b", " ", "\n", "\n\n", "\r\n", "\r", " \n", "\n \n"]),
                  max_size=30).map("".join)


@given(st.one_of(_LINES, mixed_text), st.integers(1, 30), st.lists(st.integers(1, 30), max_size=12),
       st.sampled_from(range(len(_CUT_ATS))))
def test_text_pieces_are_the_stream_pieces(text, size, splits, which):
    """In memory and from blocks of any lengths, against the cutting as first written."""
    cut_at = _CUT_ATS[which]
    assert list(text_pieces(text, size, cut_at=cut_at)) == list(plain_pieces(_blocks(text, size), size, cut_at))
    blocks, pos = [], 0
    for n in splits:
        blocks.append(text[pos:pos + n])
        pos += n
    blocks.append(text[pos:])
    blocks = [b for b in blocks if b]
    assert list(pieces(blocks, size, cut_at=cut_at)) == list(plain_pieces(blocks, size, cut_at))
