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

from typing import Callable

import regex

from ..document import Document, Edit
from ..options import Options
from ..rules import ConfigError, entry_name, read_toml, require, rules_dir

NAME = "invisible"
RULES = (
    "line-end", "zero-width", "bom", "soft-hyphen", "direction-mark", "control-char",
    "odd-space", "trailing-space", "blank-lines",
)

# A joiner does real work next to anything that is not Han, Latin, a digit, punctuation or a space.
_PLAIN = regex.compile(r"[\p{Han}\p{Latin}\p{N}\p{P}\s]")
_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_END = regex.compile(r"\r\n?")
_TRAILING = regex.compile(r"[^\S\n]+(?=\n|\Z)")
_BLANKS = regex.compile(r"\A\n+|\n{3,}|\n{2,}\Z")


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


def setup(options: Options) -> Callable[[Document], None]:
    chars, spaces = load_chars()
    chars = {c: v for c, v in chars.items() if options.enabled(v[0])}
    invisible = regex.compile("[" + regex.escape("".join(chars)) + "]+") if chars else None
    odd_space = odd_space_pattern(spaces)
    on = options.enabled

    def run(doc: Document) -> None:
        if on("line-end"):
            doc.apply(NAME, (Edit(m.start(), m.end(), "\n", "line-end") for m in _LINE_END.finditer(doc.text)))
        if on("control-char"):  # first: a joiner's neighbours must be final when we judge it
            doc.apply(NAME, (Edit(m.start(), m.end(), "", "control-char") for m in _CONTROL.finditer(doc.text)))
        if invisible is not None:
            doc.apply(NAME, _invisible_edits(doc.text, invisible, chars))
        if odd_space is not None and on("odd-space"):
            doc.apply(NAME, (Edit(m.start(), m.end(), " ", "odd-space") for m in odd_space.finditer(doc.text)))
        if on("trailing-space"):
            doc.apply(NAME, (Edit(m.start(), m.end(), "", "trailing-space") for m in _TRAILING.finditer(doc.text)))
        if on("blank-lines"):
            doc.apply(NAME, _blank_line_edits(doc.text))

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


def _blank_line_edits(text: str) -> list[Edit]:
    edits = []
    for m in _BLANKS.finditer(text):
        if m.start() == 0:
            keep = ""
        elif m.end() == len(text):
            keep = "\n"
        else:
            keep = "\n\n"
        edits.append(Edit(m.start(), m.end(), keep, "blank-lines"))
    return edits
