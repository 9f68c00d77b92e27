"""Structure: paragraphs, headings and the metadata header; re-join paragraphs split mid-sentence.

A line is joined to the next one (rule ``join-broken-line``) only when
- it does not end with terminal punctuation (``。！？.!?…；;：:``, optionally followed by closing quotes),
- it is long enough to be part of a paragraph (a short line is more likely a title or an address line),
- neither line is metadata, and the next line does not start with a heading or list marker.
The line break (with the next line's indentation) becomes a space between two Latin words or digits
and nothing otherwise.

The blocks it finds (``doc.blocks``: ``meta``, ``heading``, ``paragraph``) are what writers and the
translation units use; a heading that leads a paragraph (``(二)助力...进展。In terms of ...``) is its own
block, followed by the paragraph.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

import regex

from ..document import Block, Document, Edit
from ..options import Options
from ..rules import ConfigError, entry_name, read_toml, require, rules_dir

NAME = "structure"
# Works on any run of whole paragraphs (large files are cleaned piece by piece): see docs/batch.md.
CONTEXT = "paragraph"
RULES = ("join-broken-line",)

MIN_JOIN_LENGTH = 20  # characters in the line before the break
MAX_HEADING_LENGTH = 80  # characters in a heading sentence
_TERMINAL = regex.compile(r"[。！？.!?…；;：:][\"”’'）)」』]*\Z")  # what ``ends_terminal`` answers
_TERMINAL_MARKS = "。！？.!?…；;：:"
_CLOSERS = "\"”’'）)」』"
_SENTENCE_END = regex.compile(r"[！？!?]|(?<!\d)。|。(?!\d)|\.(?=\s|\Z|\p{Han})")  # 5。780 is a number
_LATIN_END = regex.compile(r"[\p{Latin}\p{N},;)\"'%]\Z")
_LATIN_START = regex.compile(r"[\p{Latin}\p{N}(\"']")


def ends_terminal(text: str) -> bool:
    """``_TERMINAL.search(text)``, read from the end: a search tries every position of a line (a third
    of the stage's time). The closing quotes are no terminal marks, so the mark is the character before
    them (tests/test_structure.py compares the two)."""
    body = text.rstrip(_CLOSERS)
    return body != "" and body[-1] in _TERMINAL_MARKS


def load_patterns(path=None) -> tuple[regex.Pattern, regex.Pattern]:
    path = path or rules_dir() / "structure.toml"
    data = read_toml(path)
    compiled = {}
    for table in ("meta", "heading"):
        parts = []
        for i, entry in enumerate(data.get(table, [])):
            where = f"{path}: {entry_name(table, i, entry)}"
            require(isinstance(entry, dict) and isinstance(entry.get("pattern"), str), where, "needs pattern")
            try:
                regex.compile(entry["pattern"])
            except regex.error as exc:
                raise ConfigError(f"{where}: bad pattern: {exc}") from None
            parts.append(f"(?:{entry['pattern']})")
        compiled[table] = regex.compile("|".join(parts) or r"(?!)")
    return compiled["meta"], compiled["heading"]


def setup(options: Options) -> Callable[[Document], None]:
    meta, heading = load_patterns()
    join = options.enabled("join-broken-line")

    def run(doc: Document) -> None:
        if doc.format != "text":  # Markdown/HTML: the markup stage found the blocks; lines are layout
            return
        if join:
            doc.apply(NAME, _join_edits(doc.text, meta, heading))
        doc.blocks = find_blocks(doc.text, meta, heading)

    return run


def _join_edits(text: str, meta, heading) -> list[Edit]:
    """One pass, so that a paragraph broken into several lines is joined whole (idempotence)."""
    edits = []
    pos = 0
    start = 0  # start of the logical line: the current line plus those already joined to it
    lines = text.split("\n")
    for i, line in enumerate(lines[:-1]):
        nxt = lines[i + 1]
        line_start = pos
        brk = pos + len(line)
        pos = brk + 1
        # Blank: ``not line.strip()``, without copying the line. The logical line is this line unless
        # lines were joined to it (the slice would copy it).
        if not line or line.isspace() or not nxt or nxt.isspace():
            start = pos
            continue
        logical = line if start == line_start else text[start:brk]
        # Spaces do not count: the spacing stage adds some after this stage, and cleaning the output
        # again must not find the line long enough to join.
        if (len(logical) - logical.count(" ") < MIN_JOIN_LENGTH
                or ends_terminal(line.rstrip()) or meta.match(logical) or meta.match(nxt)
                or heading.match(nxt)):
            start = pos
            continue
        indent = len(nxt) - len(nxt.lstrip())  # the next line's indentation goes with the break
        # The pattern ends at \Z: matched at the last character (the line is not blank), not searched for.
        sep = " " if _LATIN_END.match(line, len(line) - 1) and _LATIN_START.match(nxt, indent) else ""
        edits.append(Edit(brk, brk + 1 + indent, sep, "join-broken-line"))
    return edits


# ``str.find`` looks for two line breaks four times as slowly as ``re`` does (it cannot skip ahead).
_BLANK_LINE = re.compile("\n\n")


def _find_blank_line(text: str, pos: int) -> int:
    """``text.find("\\n\\n", pos)``."""
    m = _BLANK_LINE.search(text, pos)
    return m.start() if m else -1


def paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the paragraphs: text between blank lines, without the newlines around it."""
    pos = 0
    n = len(text)
    while pos < n:
        while pos < n and text[pos] == "\n":
            pos += 1
        if pos >= n:
            return
        brk = _find_blank_line(text, pos)
        end = brk if brk >= 0 else (n - 1 if text.endswith("\n") else n)
        yield pos, end
        pos = end


def find_blocks(text: str, meta, heading) -> list[Block]:
    blocks: list[Block] = []
    for start, end in paragraph_spans(text):
        para = text[start:end]
        if meta.match(para) and "\n" not in para:
            blocks.append(Block(start, end, "meta"))
            continue
        marker = heading.match(para)
        if marker or (len(para) <= MAX_HEADING_LENGTH and "\n" not in para and not ends_terminal(para)):
            if len(para) <= MAX_HEADING_LENGTH and not _SENTENCE_END.search(para, marker.end() if marker else 0,
                                                                           len(para) - 1):
                blocks.append(Block(start, end, "heading"))
                continue
            if marker:
                stop = _SENTENCE_END.search(para, marker.end())
                if stop and stop.end() <= MAX_HEADING_LENGTH:
                    cut = start + stop.end()
                    blocks.append(Block(start, cut, "heading"))
                    rest = len(text[cut:end]) - len(text[cut:end].lstrip())
                    if cut + rest < end:
                        blocks.append(Block(cut + rest, end, "paragraph"))
                    continue
        blocks.append(Block(start, end, "paragraph"))
    return blocks
