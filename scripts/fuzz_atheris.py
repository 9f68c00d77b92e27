"""Coverage-guided fuzzing with atheris (libFuzzer for Python), run by hand: see docs/reliability.md.

Targets:
  decode    bytes -> text: ``decode`` and the streaming decoder either refuse with a one-line
            ``DecodeError`` or give text that can be written as UTF-8; both agree on UTF-8 input.
  spam      text built from spam words, Chinese, marks and raw code points: the detector's spans are in
            order, inside the text and the text they say; the spam stage keeps the replay law and removes
            letters only in scored removals.
  pipeline  bytes through the whole markup-free pipeline (``clean_bytes``): replay, idempotence,
            segments covering the output.

    pip install atheris
    python scripts/fuzz_atheris.py decode [libFuzzer options, e.g. -max_total_time=600 CORPUS_DIR]

The seed corpus is written to ``fuzz-corpus/TARGET`` (git-ignored) from samples/ and the spam test cases
on the first run. A crash stops the run and leaves ``crash-*`` with the input: turn it into a regression
test (tests/test_fuzz.py, ``REGRESSIONS``).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent

with atheris.instrument_imports(include=["pipeline"]):
    from pipeline import Pipeline
    from pipeline.document import replay
    from pipeline.spam import default_detector
    from pipeline.stages.decode import DecodeError, decode
    from pipeline.stages.spam import REMOVALS
    from pipeline.stream import StreamDecoder

TOKENS = ["《", "》", "2024", "欧洲杯", "下注", "平台", "app", "开云", "体育", "官网", "(中国)", "九游", "娱乐", ",", "，",
          "。", "、", "和", " ", "\n", "\u200b", "www.", ".com", "注册即送", "58元", "彩金", "！", "警方", "破获",
          "关心下一代", "工作", "The ", "committee ", "met.", "-", "|", "：", "“", "”", "亚博", "yabo", "88", "金沙江",
          "东亚搏击", "开云集团", "彩票", "开奖", "\u3000", "e\u0301", "😀", "\r\n", "\x00", "\x07"]


def text_from(data: bytes) -> str:
    """Structure-aware: each byte picks a token, and a byte 0xFF takes the next two as a code point, so
    that the fuzzer reaches the detector's paths (anchors, titles, stuffing) and still meets any text."""
    out, i = [], 0
    while i < len(data):
        b = data[i]
        if b == 0xFF and i + 2 < len(data):
            cp = (data[i + 1] << 8 | data[i + 2]) % 0x10FFFF
            out.append(chr(cp) if not 0xD800 <= cp <= 0xDFFF else "\ufffd")
            i += 3
            continue
        out.append(TOKENS[b % len(TOKENS)])
        i += 1
    return "".join(out)


def check_decode(data: bytes) -> None:
    try:
        decoded = decode(data)
    except DecodeError as exc:
        assert str(exc) and "\n" not in str(exc), exc
        return
    decoded.text.encode("utf-8")  # writable
    assert len(decoded.problems) <= decoded.text.count("\ufffd")
    if decoded.encoding == "utf-8" and not data.startswith(b"\xef\xbb\xbf"):
        streamed = StreamDecoder(io.BytesIO(data))
        try:
            text = "".join(streamed.blocks())
        except DecodeError:
            return  # the stream judges mixed lines block by block; refusing is always allowed
        assert text == decoded.text, "streamed decoding differs"


def check_spam(data: bytes) -> None:
    text = text_from(data)
    hits = default_detector().find(text)
    end = 0
    for h in hits:
        assert end <= h.start < h.end <= len(text) and h.text == text[h.start:h.end], h
        end = h.end
    doc = pipeline().clean(text)
    assert replay(text, doc.changes) == doc.text
    threshold = default_detector().settings.threshold
    for c in doc.changes:
        if c.stage == "spam" and c.rule in REMOVALS:
            assert c.score is not None and c.score >= threshold, c


_PIPELINE: list[Pipeline] = []


def pipeline() -> Pipeline:
    """The markup-free pipeline with the default options, built on first use (once per process)."""
    if not _PIPELINE:
        _PIPELINE.append(Pipeline())
    return _PIPELINE[0]


def check_pipeline(data: bytes) -> None:
    try:
        decoded = decode(data)
    except DecodeError:
        return
    doc = pipeline().clean_bytes(data)
    assert replay(decoded.text, doc.changes) == doc.text
    pos = 0
    for s in doc.segments:
        assert s.start == pos and s.end > s.start
        pos = s.end
    assert pos == len(doc.text)
    again = pipeline().clean(doc.text)
    assert not again.changes, ("not idempotent", doc.text, [c.to_dict() for c in again.changes])


TARGETS = {"decode": check_decode, "spam": check_spam, "pipeline": check_pipeline}


def seed_corpus(target: str) -> Path:
    folder = ROOT / "fuzz-corpus" / target
    if folder.is_dir() and any(folder.iterdir()):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "samples").glob("*.txt")]
    texts += (ROOT / "tests" / "data" / "spam" / "cases.txt").read_text(encoding="utf-8").split("\n\n")
    for i, text in enumerate(t for t in texts if t.strip()):
        for j in range(0, len(text), 2000):
            piece = text[j:j + 2000]
            if target == "spam":
                data = bytes(TOKENS.index(t) for t in TOKENS if t in piece)  # the tokens it holds
            else:
                data = piece.encode("utf-8")
            (folder / f"seed-{i}-{j}").write_bytes(data)
    for enc in ("gb18030", "big5", "utf-16-le", "utf-16"):
        (folder / f"seed-{enc}").write_bytes("關心下一代工作。The committee met.\n".encode(enc))
    return folder


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [libFuzzer options] [CORPUS_DIR]")
    target = sys.argv[1]
    args = [sys.argv[0], *sys.argv[2:]]
    if not any(not a.startswith("-") for a in sys.argv[2:]):
        args.append(str(seed_corpus(target)))
    check = TARGETS[target]
    atheris.Setup(args, lambda data: check(bytes(data)))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
