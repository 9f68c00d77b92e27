"""Markdown (CommonMark, with tables, strikethrough, front matter and ``$`` math) read by markdown-it-py.

markdown-it-py gives the source lines of each block but no offsets inside a paragraph, so the parser is
instrumented: every inline rule is wrapped to record which part of the paragraph's source it consumed
(``text`` consumed prose; every other rule consumed markup: code spans, emphasis marks, link brackets and
targets, autolinks, inline HTML, entities, escapes, math). A link's label is re-tokenized by the parser
itself, so the wrapper also records the label's range: the anchor text stays prose, the brackets and the
target are markup. Each line of the paragraph's content is then found in its source line (container
prefixes such as ``> `` and list indentation, and trailing spaces, are left out), which maps the prose back
to offsets in the whole file. Anything that cannot be mapped with certainty stays markup.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import regex

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
# (markdown-it itself is imported when the first parser is made: a run over plain text never needs
# it, and importing it was a tenth of every start.)

from ..document import Block
from . import Layout, Link, Span, bare_urls, chars_in, normalize, subtract
from .html_doc import scan_hidden

_ENV_KEY = "duet_spans"
_NEWLINES = ("\r\n", "\r", "\n")
# Full-width forms that a normalizer could fold into Markdown syntax (`＊` → `*`): never edited in prose.
MARKDOWN_LOOKALIKES = "＊＿｀［］＜＞＼｜＃"


@dataclass
class _Frame:
    """What one top-level inline parse consumed: rule spans, link labels, the link tokens."""

    src: str
    markup: list[Span] = field(default_factory=list)
    regions: list[Span] = field(default_factory=list)  # ranges given to ``tokenize`` (link labels)
    links: list[tuple[Span, Span | None, Token]] = field(default_factory=list)  # (link, label, link_open)


@dataclass
class _Recorder:
    stack: list[_Frame] = field(default_factory=list)
    done: list[_Frame] = field(default_factory=list)


@lru_cache(maxsize=1)
def default_parser() -> MarkdownIt:
    """One parser per process (building one takes a few milliseconds); parsing with it is thread-safe."""
    return make_parser()


def make_parser() -> MarkdownIt:
    """The CommonMark parser with the extensions duet understands, instrumented to record offsets."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    # No `$` math next to digits or spaces: `$5 and $10` is money, not math.
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False)
    _instrument(md)
    return md


def _instrument(md: MarkdownIt) -> None:
    inline = md.inline
    parse, tokenize = inline.parse, inline.tokenize

    def recording_parse(src: str, md_: MarkdownIt, env: Any, tokens: list[Token]) -> list[Token]:
        rec = env.get(_ENV_KEY) if isinstance(env, dict) else None
        if rec is None:
            return parse(src, md_, env, tokens)
        frame = _Frame(src)
        rec.stack.append(frame)
        try:
            return parse(src, md_, env, tokens)
        finally:
            rec.stack.pop()
            if not rec.stack:  # nested parses (an image's alt text) have their own source: not ours
                rec.done.append(frame)

    def recording_tokenize(state) -> None:
        frame = state.duet_frame = _frame(state)  # looked up once per parse, not once per rule
        if frame is not None:
            frame.regions.append((state.pos, state.posMax))
        tokenize(state)

    inline.parse = recording_parse
    inline.tokenize = recording_tokenize
    for rule in list(inline.ruler.__rules__):
        inline.ruler.at(rule.name, _recording_rule(rule.name, rule.fn), {"alt": list(rule.alt)})
    table = next(r for r in md.block.ruler.__rules__ if r.name == "table")
    md.block.ruler.at("table", _counting_cells(table.fn), {"alt": list(table.alt)})


def _counting_cells(fn):
    """The table rule, noting on each row (``tr_open.meta["cells"]``) how many cells its source line
    holds. The parser keeps as many cells as the header has, so a row whose first cell an edit empties
    (``x|索||.`` → ``|索||.``) reads the same tokens with its cells shifted: the count tells."""
    from markdown_it.common.utils import mdTrim
    from markdown_it.rules_block.table import escapedSplit, getLine

    def rule(state, start: int, end: int, silent: bool) -> bool:
        n = len(state.tokens)
        ok = fn(state, start, end, silent)
        if ok and not silent:
            for t in state.tokens[n:]:
                if t.type == "tr_open" and t.map:
                    t.meta["cells"] = _cells(escapedSplit(mdTrim(getLine(state, t.map[0]))))
        return ok

    return rule


def _cells(columns: list[str]) -> int:
    """The number of cells of a table row's source line, split (``columns``) as the table rule splits it."""
    return len(columns) - (columns[0] == "") - (len(columns) > 1 and columns[-1] == "")


def _frame(state) -> _Frame | None:
    rec = state.env.get(_ENV_KEY) if isinstance(state.env, dict) else None
    if rec is None or not rec.stack or rec.stack[-1].src is not state.src:
        return None
    return rec.stack[-1]


def _recording_rule(name: str, fn):
    def rule(state, silent: bool) -> bool:
        frame = None if silent else getattr(state, "duet_frame", None)
        if frame is None:
            return fn(state, silent)
        start, ntokens, nregions = state.pos, len(state.tokens), len(frame.regions)
        ok = fn(state, silent)
        if not ok or name == "text":  # the text rule consumed prose
            return ok
        end = state.pos
        if name == "link":
            label = frame.regions[nregions] if len(frame.regions) > nregions else None
            opener = next((t for t in state.tokens[ntokens:] if t.type == "link_open"), None)
            if label is None:
                frame.markup.append((start, end))
            else:
                frame.markup += [(start, label[0]), (label[1], end)]
            if opener is not None:
                frame.links.append(((start, end), label, opener))
        else:
            frame.markup.append((start, end))
        return ok

    return rule


# -- the layout --------------------------------------------------------------------------------------


_LINE_BREAK = regex.compile(r"\r\n?|\n")


def line_starts(text: str) -> list[int]:
    """Offsets where each line starts, for the newline conventions markdown-it accepts."""
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


class _Lines:
    def __init__(self, text: str):
        self.text = text
        self.starts = line_starts(text)

    def span(self, line: int) -> Span:
        """The line's range without its line break."""
        s = self.starts[line] if line < len(self.starts) else len(self.text)
        e = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        while e > s and self.text[e - 1] in "\r\n":
            e -= 1
        return s, e

    def range(self, first: int, stop: int) -> Span:
        """From the start of line ``first`` to the end of line ``stop - 1`` (line break included)."""
        s = self.starts[first] if first < len(self.starts) else len(self.text)
        e = self.starts[stop] if stop < len(self.starts) else len(self.text)
        return s, e


def markdown_layout(md: MarkdownIt, text: str) -> Layout:
    rec = _Recorder()
    env: dict = {_ENV_KEY: rec}
    tokens = md.parse(text, env)
    lines = _Lines(text)
    layout = Layout(references=env.get("references", {}))
    layout.regions = [(t.map[0], t.map[1]) for t in tokens if t.level == 0 and t.nesting >= 0 and t.map]
    inline_tokens = [t for t in tokens if t.type == "inline"]
    frames = rec.done if len(rec.done) == len(inline_tokens) else [None] * len(inline_tokens)
    frame_of = {id(t): f for t, f in zip(inline_tokens, frames)}
    prose: list[Span] = []
    row_cursor: dict[int, int] = {}
    for i, tok in enumerate(tokens):
        if tok.type == "inline":
            opener = tokens[i - 1] if i else tok
            frame = frame_of[id(tok)]
            if frame is None or frame.src != tok.content or tok.map is None:
                continue  # cannot be mapped with certainty: stays markup
            _inline_layout(text, lines, tok, opener, frame, layout, prose, row_cursor)
        elif tok.type == "html_block" and tok.map:
            layout.hidden += scan_hidden(text, *lines.range(*tok.map))
        elif tok.type == "front_matter" and tok.map:
            _front_matter(text, lines, tok.map, layout, prose)
    prose = normalize(prose)
    prose = subtract(prose, bare_urls(text, prose) + chars_in(text, prose, MARKDOWN_LOOKALIKES)
                     + _near_markup(text, prose))
    layout.prose = prose
    layout.blocks.sort(key=lambda b: (b.start, b.end))
    return layout


_TAG_LIKE = regex.compile(r"<[A-Za-z/!?][^<>\n]*+>")


def _near_markup(text: str, prose: list[Span]) -> list[Span]:
    """Prose that an edit could turn into markup, kept as it is: a ``<`` or ``&`` with the character after
    it (``< div>`` without its space is a tag, ``&\u200bamp;`` without its invisible character a
    reference), and a would-be tag the parser did not take (``<div发style="display:none">``, ``<a f=n">``)
    up to its ``>`` on the line: a space inserted, a quote converted or a word removed inside it would
    make it an HTML block or inline HTML on the next cleaning."""
    out = []
    for s, _ in chars_in(text, prose, "<&"):
        m = _TAG_LIKE.match(text, s) if text[s] == "<" else None
        out.append((s, m.end() if m else s + 2))
    return out


def _inline_layout(text: str, lines: _Lines, tok: Token, opener: Token, frame: _Frame, layout: Layout,
                   prose: list[Span], row_cursor: dict[int, int]) -> None:
    content = tok.content
    first = tok.map[0]
    kind = {"heading_open": "heading", "th_open": "cell", "td_open": "cell"}.get(opener.type, "paragraph")
    # Each content line's core (no surrounding blanks) and where it sits in the file.
    cores: list[tuple[int, int, int]] = []  # (content start, content end, file start)
    pos = 0
    for j, line in enumerate(content.split("\n")):
        core = line.strip(" \t")
        cstart = pos + (len(line) - len(line.lstrip(" \t")))
        pos += len(line) + 1
        if not core:
            continue
        ls, le = lines.span(first + j)
        src = text[ls:le]
        if kind == "cell":
            at = src.find(core, row_cursor.get(first, 0))
            if at >= 0:
                row_cursor[first] = at + len(core)
        elif opener.markup.startswith("#"):  # ATX heading: after the opening hashes
            at = src.find(core, len(src) - len(src.lstrip(" \t#")))
        else:  # a paragraph line ends the source line, up to trailing blanks
            lo = len(src.rstrip(" \t")) - len(core)
            at = lo if lo >= 0 and src.startswith(core, lo) else -1
        if at < 0:
            return  # not found where it must be: the whole block stays markup
        if unicodedata.category(core[0]) in ("Cf", "Zs"):
            # An invisible character or odd space opening a line stays: without it, what follows
            # (`-`, `#`, `1.`, `>`) could start a list, a heading or a quote.
            cstart, core, at = cstart + 1, core[1:], at + 1
            if not core:
                continue
        cores.append((cstart, cstart + len(core), ls + at))
    if not cores:
        return

    def to_file(a: int, b: int) -> list[Span]:
        out = []
        for cs, ce, fs in cores:
            s, e = max(a, cs), min(b, ce)
            if s < e:
                out.append((fs + s - cs, fs + e - cs))
        return out

    mine = [span for a, b in subtract([(0, len(content))], frame.markup) for span in to_file(a, b)]
    if not mine:
        return
    prose += mine
    layout.blocks.append(Block(cores[0][2], cores[-1][2] + cores[-1][1] - cores[-1][0],
                               "paragraph" if kind == "cell" else kind))
    for (ls, le), label, link_open in frame.links:
        whole = to_file(ls, le)
        label_spans = to_file(*label) if label else []
        # The anchor can be rewritten only when it is one stretch of plain prose on one line.
        plain = (label is not None and _no_markup_in(label, frame.markup) and len(label_spans) == 1
                 and label_spans[0][1] - label_spans[0][0] == label[1] - label[0])
        layout.links.append(Link(
            start=whole[0][0] if whole else cores[0][2], end=whole[-1][1] if whole else cores[0][2],
            href=str(link_open.attrGet("href") or ""), anchor=_anchor_text(tok.children or [], link_open),
            label=label_spans[0] if plain else None, title=str(link_open.attrGet("title") or ""),
        ))


def _no_markup_in(label: Span, markup: list[Span]) -> bool:
    return all(e <= label[0] or s >= label[1] for s, e in markup)


def _anchor_text(children: list[Token], link_open: Token) -> str:
    """What a reader sees of the link: text, code and image descriptions, up to its ``link_close``."""
    out, inside, depth = [], False, 0
    for t in children:
        if t is link_open:
            inside = True
            continue
        if not inside:
            continue
        if t.type == "link_open":
            depth += 1
        elif t.type == "link_close":
            if depth == 0:
                break
            depth -= 1
        elif t.type in ("text", "code_inline", "text_special"):
            out.append(t.content)
        elif t.type == "image":
            out.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out)


# Front matter: the values of top-level ``key: value`` lines are prose; keys, quotes and YAML syntax are not.
_YAML_SPECIAL_START = "[{&*!|>%@`#-?,"
_YAML_LOOKALIKES = ":#'\"：＃＂＇“”‘’"


def _front_matter(text: str, lines: _Lines, span: list[int], layout: Layout, prose: list[Span]) -> None:
    for n in range(span[0] + 1, span[1] - 1):  # between the fences
        ls, le = lines.span(n)
        line = text[ls:le]
        if not line or line[0] in " \t#" or ": " not in line:
            continue
        key_end = line.index(": ")
        value_start = key_end + 2
        while value_start < len(line) and line[value_start] == " ":
            value_start += 1
        value = line[value_start:].rstrip(" \t")
        if not value or value[0] in _YAML_SPECIAL_START or " #" in value:
            continue
        if value[0] in "'\"":
            if len(value) < 2 or value[-1] != value[0] or value[0] in value[1:-1]:
                continue
            s, e = ls + value_start + 1, ls + value_start + len(value) - 1
        else:
            s, e = ls + value_start, ls + value_start + len(value)
        if s < e:
            prose += subtract([(s, e)], chars_in(text, [(s, e)], _YAML_LOOKALIKES))
            layout.blocks.append(Block(s, e, "meta"))


# -- structure --------------------------------------------------------------------------------------

_VERBATIM = frozenset(("fence", "code_block", "html_block", "math_block", "math_block_label"))
_VERBATIM_INLINE = frozenset(("code_inline", "html_inline", "math_inline", "math_inline_double"))


def markdown_skeleton(md: MarkdownIt, text: str, references: dict | None = None) -> list[tuple[tuple, int | None]]:
    """What the parser sees apart from the prose: every block and inline token with its markup, link
    targets and verbatim content, each with the source line where it starts. Cleaning prose must leave
    it as it was (a removal that empties ``**...**`` would turn the marks into text or a rule).
    ``references``: the document's link reference definitions, to read one block alone."""
    out: list[tuple[tuple, int | None]] = []
    for t in md.parse(text, {"references": dict(references)} if references else {}):
        line = t.map[0] if t.map else None
        if t.type == "inline":
            for c in t.children or []:
                if c.type in ("text", "text_special"):
                    continue
                attrs = (c.attrGet("src"),) if c.type == "image" else tuple(sorted(c.attrs.items()))
                out.append(((c.type, c.tag, c.markup, attrs, c.content if c.type in _VERBATIM_INLINE else ""),
                            line))
        elif t.type != "front_matter":
            out.append(((t.type, t.tag, t.markup, t.info, t.map and t.map[1] - t.map[0],
                         t.content if t.type in _VERBATIM else t.meta.get("cells")), line))
    return out


# -- plain text and HTML out -------------------------------------------------------------------------


def markdown_to_text(md: MarkdownIt, text: str) -> str:
    """The prose of a Markdown document: headings, paragraphs, list items and table rows (cells separated
    by tabs), one block per paragraph; code blocks, HTML blocks, math and front matter left out."""
    blocks: list[str] = []
    row: list[str] | None = None
    for tok in md.parse(text, {}):
        if tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close" and row is not None:
            blocks.append("\t".join(row))
            row = None
        elif tok.type == "inline":
            plain = inline_text(tok.children or [])
            if row is not None:
                row.append(plain)
            elif plain.strip():
                blocks.append(plain)
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def inline_text(children: list[Token]) -> str:
    out = []
    for t in children:
        if t.type in ("text", "code_inline", "text_special", "math_inline"):
            out.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


__all__ = ["default_parser", "make_parser", "markdown_layout", "markdown_to_text"]
