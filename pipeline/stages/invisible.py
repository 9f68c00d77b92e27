"""Invisible characters and line ends: what a reader cannot see but every later stage trips over.

Rules (each a change record, each can be switched off with ``--disable RULE``):
- ``line-end``: CRLF and lone CR become LF.
- ``zero-width``, ``bom``, ``soft-hyphen``, ``direction-mark``: characters listed in ``rules/invisible.toml``.
- ``control-char``: C0/C1 control characters other than tab and newline.
- ``odd-space``: U+3000 and typographic spaces between two Latin words become one space.
- ``trailing-space``: spaces and tabs at the end of a line.
- ``blank-lines``: more than one blank line in a row, blank lines at the start, extra ones at the end.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

import regex

from ..document import Document, Edit
from ..options import Options
from ..rules import ConfigError, entry_name, read_toml, require, rules_dir

NAME = "invisible"
# Works on any run of whole paragraphs (large files are cleaned piece by piece): see docs/batch.md.
CONTEXT = "paragraph"
RULES = (
    "line-end", "zero-width", "bom", "soft-hyphen", "direction-mark", "control-char",
    "odd-space", "trailing-space", "blank-lines",
)

# A joiner does real work next to anything that is not Han, Latin, a digit, punctuation or a space.
_PLAIN = regex.compile(r"[\p{Han}\p{Latin}\p{N}\p{P}\s]")
# The stdlib ``re`` scans simple character classes several times faster than ``regex``.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+")
_ANY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # what ``has_control`` answers
# Every byte but the control characters', for ``bytes.translate`` to delete.
_NOT_CONTROL = bytes(b for b in range(256) if not _ANY_CONTROL.match(chr(b)))
_LINE_END = re.compile(r"\r\n?")
_THREE_BREAKS = re.compile("\n\n\n")


def load_chars(path=None) -> tuple[dict[str, tuple[str, bool]], str]:
    """``{char: (rule, keep_near_joiners)}`` and the string of odd spaces, from rules/invisible.toml."""
    path = path or rules_dir() / "invisible.toml"
    data = read_toml(path)
    chars: dict[str, tuple[str, bool]] = {}
    spaces = []
    for table in ("char", "space"):
        for i, entry in enumerate(data.get(table, [])):
            where = f"{path}: {entry_name(table, i, entry)}"
            require(isinstance(entry, dict) and isinstance(entry.get("code"), str), where, "needs code = \"hex\"")
            try:
                ch = chr(int(entry["code"], 16))
            except (ValueError, OverflowError):
                raise ConfigError(f"{where}: code {entry['code']!r} is not a hex code point") from None
            if table == "space":
                spaces.append(ch)
                continue
            rule = entry.get("rule")
            require(rule in RULES, where, f"rule must be one of {', '.join(RULES)}")
            chars[ch] = (rule, bool(entry.get("keep_near_joiners", False)))
    return chars, "".join(spaces)


def odd_space_pattern(spaces: str):
    """Odd spaces between two Latin words or digits (the ``odd-space`` rule); None without spaces.
    Public: a stage that removes text re-checks the spaces next to what it removed with it."""
    if not spaces:
        return None
    return regex.compile(
        r"(?<=[\p{Latin}\p{N}][.,;:!?)\"']?)[" + regex.escape(spaces) + r"]+(?=[\p{Latin}\p{N}(\"'])"
    )


def has_control(text: str) -> bool:
    """``_ANY_CONTROL.search(text) is not None``, three times as fast: every control character is below
    U+0100, so it is in the Latin-1 encoding of the text without what Latin-1 cannot encode (dropped in
    a tight loop), and ``translate`` leaves only control bytes."""
    return bool(text.encode("latin-1", "ignore").translate(None, _NOT_CONTROL))


def odd_space_finder(spaces: str) -> Callable[[str], list[tuple[int, int]]] | None:
    """The spans of ``odd_space_pattern(spaces).finditer(text)``, as a function of the text; None without
    spaces. The pattern starts with a lookbehind, tried at every position (a tenth of the stage's time).
    A match is a whole run of odd spaces (none is a letter, digit, mark or quote that the look-arounds
    accept), so the pattern is tried only where such a run starts, found with ``str.find``, which is
    many times as fast as any pattern (tests/test_invisible.py compares the two)."""
    pattern = odd_space_pattern(spaces)
    if pattern is None:
        return None
    if regex.search(r"[\p{Latin}\p{N}.,;:!?)(\"']", spaces):  # a space the look-arounds accept: search all
        return lambda text: [m.span() for m in pattern.finditer(text)]

    def spans(text: str) -> list[tuple[int, int]]:
        starts = []
        for c in spaces:
            i = text.find(c)
            while i >= 0:
                if i == 0 or text[i - 1] not in spaces:
                    starts.append(i)
                i = text.find(c, i + 1)
        found = []
        for start in sorted(starts):
            m = pattern.match(text, start)
            if m is not None:
                found.append(m.span())
        return found

    return spans


def setup(options: Options) -> Callable[[Document], None]:
    chars, spaces = load_chars()
    chars = {c: v for c, v in chars.items() if options.enabled(v[0])}
    invisible = regex.compile("[" + regex.escape("".join(chars)) + "]+") if chars else None
    odd_spaces = odd_space_finder(spaces)
    on = options.enabled

    def run(doc: Document) -> None:
        # Each rule first asks whether there is anything to do: most texts are clean of most dirt.
        if on("line-end") and "\r" in doc.text:
            doc.apply(NAME, (Edit(m.start(), m.end(), "\n", "line-end") for m in _LINE_END.finditer(doc.text)))
        if on("control-char") and has_control(doc.text):  # first: joiners are judged by final neighbours
            doc.apply(NAME, (Edit(m.start(), m.end(), "", "control-char") for m in _CONTROL.finditer(doc.text)))
        if invisible is not None and any(c in doc.text for c in chars):
            doc.apply(NAME, _invisible_edits(doc.text, invisible, chars))
        if odd_spaces is not None and on("odd-space") and any(c in doc.text for c in spaces):
            doc.apply(NAME, (Edit(s, e, " ", "odd-space") for s, e in odd_spaces(doc.text)))
        if on("trailing-space"):
            doc.apply(NAME, (Edit(s, e, "", "trailing-space") for s, e in _trailing_spaces(doc.text)))
        if on("blank-lines") and (_THREE_BREAKS.search(doc.text) or doc.text[:1] == "\n" or doc.text[-2:] == "\n\n"):
            doc.apply(NAME, _blank_line_edits(doc.text, doc.at_start, doc.at_end))

    return run


def _invisible_edits(text: str, pattern, chars) -> list[Edit]:
    edits = []
    for m in pattern.finditer(text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        joiner_context = not (_PLAIN.match(before) and _PLAIN.match(after))
        for i in range(m.start(), m.end()):
            rule, keep_near_joiners = chars[text[i]]
            if keep_near_joiners and joiner_context:
                continue
            edits.append(Edit(i, i + 1, "", rule))
    return edits


def _trailing_spaces(text: str) -> Iterator[tuple[int, int]]:
    """White space (other than newlines) at the end of each line, found from the line ends backwards."""
    pos = 0
    while True:
        nl = text.find("\n", pos)
        end = nl if nl >= 0 else len(text)
        start = end
        while start > pos and text[start - 1].isspace():
            start -= 1
        if start < end:
            yield start, end
        if nl < 0:
            return
        pos = nl + 1


def _blank_line_edits(text: str, at_start: bool = True, at_end: bool = True) -> list[Edit]:
    """Blank lines at the start go, runs of blank lines become one, the end keeps one newline.

    A piece of a larger document (``at_start`` or ``at_end`` false) has no start or end of its own there:
    its blank lines at that side are treated as any run in the middle."""
    edits = []
    n = len(text)
    pos = 0
    while at_start and pos < n and text[pos] == "\n":
        pos += 1
    if pos:
        edits.append(Edit(0, pos, "", "blank-lines"))
    end = n
    while at_end and end > pos and text[end - 1] == "\n":
        end -= 1
    while True:
        m = _THREE_BREAKS.search(text, pos, end)  # text.find("\n\n\n", pos, end), twice as fast
        if m is None:
            break
        i = m.start()
        j = i + 3
        while j < end and text[j] == "\n":
            j += 1
        edits.append(Edit(i, j, "\n\n", "blank-lines"))
        pos = j
    if n - end >= 2:
        edits.append(Edit(end, n, "\n", "blank-lines"))
    return edits
