"""Adversarial strings for the linear-time checks: long runs of what each rule's patterns look for.

Each entry is a short unit repeated to the requested length, so that a pattern that backtracks, or a
loop that scans the rest of a line for each match, shows up as time growing faster than the text.
Used by tests/test_patterns.py (100,000 characters) and benchmarks/adversarial.py (which measures).
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline import Pipeline
from pipeline.document import Document

# Whole units: marks the rules know, the shapes of numbers, URLs, quotes, spam words, headings.
UNITS = [
    # single characters the rules treat specially
    "a", "中", " ", "\t", "\n", "\r", "\r\n", "\u200b", "\u200d", "\u3000", "\u00ad", "\ufeff", "1", "１", "Ａ",
    ".", "。", ",", "，", "、", ";", "：", "?", "！", "…", "—", "-", "_", "/", "\\", ":", "@", "%", "#", "+",
    "《", "》", "“", "”", "‘", "’", '"', "'", "(", ")", "（", "）", "【", "】", "〔", "「", "]", "\u0301", "\x00",
    # pairs and shapes
    "a ", "中 ", "a中", "中a", " 中 a", "1.", "1,", "5。", "a.", "中。", "。 ", ". ", "， ", "a，", "中,", "..",
    "。。", ".。", "，,", "a\n", "中\n", "a\n\n", " \n", "\n\n\n", "\r\n\r\n", "“中", '"a', 'a"', "“a”", "‘中’",
    "《a", "《中》", "(中", "（a）", "((", "))", "a\u200d", "👨\u200d", "a\u0301", "e\u0301\u0302", "1 ", "1中",
    "３.４０,０００", "3.40,000 ", "135万", "1,0", "16:3", "a.b", "a@b.", "www.a", "http://a/", "a/b/",
    # structure patterns: metadata and heading markers at the start of a line that never ends
    "source ", "source:", "来源：", "1、", "(一)", "第一章", "One,", "  ",
    # spam words, titles, promotions and stuffing
    "下注", "欧洲杯", "《欧洲杯下注平台》", "2024欧洲杯下注app ", "九游娱乐,", "开云(中国)", "彩金", "app ",
    "www.leyu88.com ", "注册即送58元彩金！", "亚博体育官网、", "-九游会真人官网\n", "警方破获",
    "继续学习《2024欧洲杯下注平台》精神，",  # a removal every 20 characters of one long line
    # glossary words (terms stage, with --terms)
    "Customs Work Committee ", "customs ", "关工委", "Five old men ",
]


def adversarial(unit: str, length: int) -> str:
    """``unit`` repeated to ``length`` characters (a 100,000-character string is 100 KB or more)."""
    return (unit * (length // len(unit) + 1))[:length]


def with_seed_tail(length: int) -> str:
    """The seed as one line: real text with no line break to stop a scan."""
    from conftest import SEED

    text = SEED.read_text(encoding="utf-8").replace("\n", " ")
    return adversarial(text, length)


def stage_times(pipeline: Pipeline, text: str, clock: Callable[[], float]) -> dict[str, float]:
    """Seconds each stage takes on ``text``: every stage in order (each sees what the stages before it
    made), and each normalization or content stage alone right after segmentation (so that an earlier
    stage cannot defuse the string before it gets there). The larger of the two per stage."""
    times: dict[str, float] = {}
    doc = Document(text)
    for name, run in pipeline.stages:
        start = clock()
        run(doc)
        times[name] = clock() - start
    base = Document(text)
    setup_stages = ("structure", "segment")
    for name, run in pipeline.stages:
        if name in setup_stages:
            run(base)
    for name, run in pipeline.stages:
        if name in setup_stages or name == "invisible":
            continue
        doc = Document(base.text, segments=[type(s)(s.start, s.end, s.lang) for s in base.segments],
                       blocks=[type(b)(b.start, b.end, b.kind) for b in base.blocks])
        start = clock()
        run(doc)
        times[name] = max(times[name], clock() - start)
    return times
