"""The report (one JSON object per input document) and ``duet check`` findings."""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass

import regex

from .document import LANGS, Document


def report_object(doc: Document, input_name: str, stats: dict | None = None) -> dict:
    """The contract's report object, plus per-document ``stats`` (``document_stats``, when the caller
    has them already)."""
    return {
        "input": input_name,
        "changes": [c.to_dict() for c in doc.changes],
        "flags": [f.to_dict() for f in doc.flags],
        "segments": [s.to_dict() for s in doc.segments],
        "stats": document_stats(doc) if stats is None else stats,
    }


def report_line(doc: Document, input_name: str, stats: dict | None = None) -> str:
    return json_value(report_object(doc, input_name, stats)) + "\n"


# Valid in JSON, but line breaks for readers that split lines the Unicode way (Python's ``splitlines``,
# JavaScript before ES2019): escaped, so that one JSON Lines record is always one line.
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def json_value(value) -> str:
    """Compact JSON with the text readable (not ``\\uXXXX``) but no character a reader takes for a line
    break. A file name that is not UTF-8 (lone surrogates in Python) is written as ``\\udcXX`` escapes,
    which read back to the same name."""
    s = json.dumps(value, ensure_ascii=False)
    if any(c in s for c in _LINE_BREAKS):
        for c, escaped in _LINE_BREAKS.items():
            s = s.replace(c, escaped)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        s = json.dumps(value, ensure_ascii=True)
    return s


def document_stats(doc: Document) -> dict:
    by_stage: dict[str, int] = {}
    for c in doc.changes:
        by_stage[c.stage] = by_stage.get(c.stage, 0) + 1
    stats = {k: v for k, v in doc.stats.items() if not k.startswith("_")}
    stats["changes_by_stage"] = by_stage
    stats["output_chars"] = len(doc.text)
    stats.update(language_stats(doc))
    return stats


_BLANK_LINES = regex.compile(r"\n[^\S\n]*\n\s*")
_NON_SPACE = regex.compile(r"\S")
_SPACES = regex.compile(r"\s")


def language_stats(doc: Document) -> dict:
    """Non-space characters per language, language switches, and the share of mixed paragraphs.

    Paragraphs are ``doc.blocks`` (from the structure stage), or the blank-line separated parts of the
    text. A paragraph is mixed when it holds non-space characters of more than one language.
    """
    text, segs = doc.text, doc.segments
    chars = {lang: 0 for lang in LANGS}
    for s in segs:
        chars[s.lang] += s.end - s.start - len(_SPACES.findall(text, s.start, s.end))
    if doc.blocks:
        paragraphs = [(b.start, b.end) for b in doc.blocks]
    else:
        cuts = [(m.start(), m.end()) for m in _BLANK_LINES.finditer(text)]
        bounds = [0] + [x for cut in cuts for x in cut] + [len(text)]
        paragraphs = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
        paragraphs = [(a, b) for a, b in paragraphs if _NON_SPACE.search(text, a, b)]
    mixed = 0
    k = 0  # first segment that may overlap the paragraph (paragraphs are in order)
    for start, end in paragraphs:
        while k < len(segs) and segs[k].end <= start:
            k += 1
        langs = set()
        j = k
        while j < len(segs) and segs[j].start < end:
            if _NON_SPACE.search(text, max(start, segs[j].start), min(end, segs[j].end)):
                langs.add(segs[j].lang)
            j += 1
        mixed += len(langs) > 1
    return {
        "chars_by_lang": chars,
        "lang_switches": max(len(segs) - 1, 0),
        "paragraphs": len(paragraphs),
        "mixed_paragraphs": mixed,
        "mixed_paragraph_share": round(mixed / len(paragraphs), 4) if paragraphs else 0.0,
    }


@dataclass(frozen=True)
class Finding:
    offset: int  # in the decoded input
    rule: str
    message: str


UNTRANSLATED = "untranslated-"
_LANG_NAMES = {"zh": "Chinese", "en": "English"}
_LINE_CONTENT = regex.compile(r"[^\s](?:[^\n]*[^\s])?")  # a line's text without the spaces around it


def findings(doc: Document, expect: str | None = None) -> list[Finding]:
    """What ``duet check`` prints: every change, and every flag, at its place in the input; with
    ``expect`` (``en`` or ``zh``), every run of the other language too."""
    out = [
        Finding(doc.change_input_offset(i), c.rule, f"{_show(c.before)} -> {_show(c.after)} ({c.stage}"
                + (f", score {c.score:.2f})" if c.score is not None else ")"))
        for i, c in enumerate(doc.changes)
    ]
    out += [Finding(doc.to_input_offset(f.start), f.rule, f"{f.message} ({f.stage})") for f in doc.flags]
    out += untranslated(doc, expect)
    out.sort(key=lambda f: f.offset)
    return out


def untranslated(doc: Document, expect: str | None) -> list[Finding]:
    """``untranslated-zh`` (or ``-en``): each run of the language the document is not meant to be in,
    one finding per line it spans, at its first non-space character. ``other`` runs (pinyin, other
    languages) are not listed."""
    if expect is None:
        return []
    foreign = "zh" if expect == "en" else "en"
    rule = UNTRANSLATED + foreign
    out = []
    for s in doc.segments:
        if s.lang != foreign:
            continue
        for m in _LINE_CONTENT.finditer(doc.text, s.start, s.end):
            run = m.group()
            out.append(Finding(doc.to_input_offset(m.start()), rule,
                               f"{_show(run)} is {_LANG_NAMES[foreign]} in a document meant to be in "
                               f"{_LANG_NAMES[expect]} ({len(run)} characters)"))
    return out


def _show(s: str, limit: int = 40) -> str:
    """Quoted, shortened, with invisible characters spelled out (``\\u200b``)."""
    s = s if len(s) <= limit else s[: limit - 1] + "…"
    shown = "".join(c if c.isprintable() and c not in "\u00ad\u3000" or c == " " else
                    c.encode("unicode_escape").decode("ascii") for c in s)
    return '"' + shown.replace('"', '\\"') + '"'


class LineIndex:
    """Offsets to 1-based ``line:col`` (columns count characters)."""

    def __init__(self, text: str):
        self.starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def line_col(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1
