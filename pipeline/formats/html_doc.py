"""HTML read by the standard library's HTML tokenizer (``html.parser``), with the offset of every token.

lxml and selectolax build good trees but neither tells where a node starts in the source, and duet must
edit text nodes in place and keep the markup byte for byte (the change log replays on the raw file).
``html.parser`` is a real tokenizer (tags, attributes, comments, declarations, raw-text ``script``/
``style``, character references) that reports each token's position, so the markup is never matched by
a regex of ours. It never fetches anything and expands no entity outside the document: references are
decoded from the HTML5 table only, and only to read text, never to write it.

On the tokens, a small open-element stack (void elements, implied ends of ``p``/``li``/``td``...) gives
the elements: text nodes outside ``script``/``style``/``pre``/``code``/... are prose (minus character
references and the line breaks of the source layout), and so are the quoted values of ``title``/``alt``
attributes and of ``<meta name="description" content>``. Hidden elements and links are collected on
the way.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..document import Block
from . import Hidden, Layout, Link, Span, chars_in, normalize, subtract
from .hiding import hiding_trick

VOID = frozenset("area base br col embed hr img input link meta param source track wbr keygen frame".split())
# Text inside these is code, data or source, never prose.
NOT_PROSE = frozenset("script style pre code kbd samp var textarea svg math template noscript".split())
BLOCK = frozenset(
    "address article aside blockquote body caption dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html legend li main menu nav ol p pre section "
    "summary table tbody td tfoot th thead title tr ul br".split()
)
# Start tags that close an open ``p`` (the HTML "p end tag implied" rule).
CLOSES_P = BLOCK - {"br", "td", "th", "tr", "tbody", "thead", "tfoot", "caption", "li", "dd", "dt",
                    "body", "html", "head", "title"}
IMPLIED_END = {"li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "tr": {"tr", "td", "th"},
               "td": {"td", "th"}, "th": {"td", "th"}, "option": {"option"}}
PROSE_ATTRIBUTES = frozenset(("title", "alt"))
META_PROSE = frozenset(("description", "og:title", "og:description", "twitter:title", "twitter:description"))
# Characters a normalizer could fold into HTML syntax (`＜` → `<`) or into an attribute's quote.
HTML_LOOKALIKES = "＜＞＆"
QUOTE_LOOKALIKES = "\"'＂＇“”‘’„‟‚‛"
_SPACE = " \t\n\r\f"
_NEWLINE = re.compile("\n")  # html.parser counts lines by LF only
_BROKEN_TAG = re.compile("<[a-zA-Z/!?].")  # a text token starting so: a tag start the tokenizer gave up on


@dataclass
class Token:
    kind: str  # start, startend, end, data, ref, other
    start: int
    end: int
    tag: str = ""
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    data: str = ""


class _Tokenizer(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
        self.raw: list[tuple[str, int, str, list, str]] = []

    def _at(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        self.raw.append(("start", self._at(), tag, attrs, ""))

    def handle_startendtag(self, tag, attrs):
        self.raw.append(("startend", self._at(), tag, attrs, ""))

    def handle_endtag(self, tag):
        self.raw.append(("end", self._at(), tag, [], ""))

    def handle_data(self, data):
        self.raw.append(("data", self._at(), "", [], data))

    def handle_entityref(self, name):
        self.raw.append(("ref", self._at(), "", [], f"&{name};"))

    def handle_charref(self, name):
        self.raw.append(("ref", self._at(), "", [], f"&#{name};"))

    def handle_comment(self, data):
        self.raw.append(("other", self._at(), "", [], ""))

    handle_decl = handle_pi = unknown_decl = handle_comment


def tokenize(text: str) -> list[Token]:
    """Every token of ``text`` with its range; together they cover the text without gaps."""
    parser = _Tokenizer(text)
    parser.feed(text)
    parser.close()
    raw = parser.raw
    tokens = []
    for i, (kind, start, tag, attrs, data) in enumerate(raw):
        end = raw[i + 1][1] if i + 1 < len(raw) else len(text)
        if kind == "data" and (text[start:end] != data or _BROKEN_TAG.match(text, start, end)):
            # Something the tokenizer consumed silently, or a tag it could not read (``<a href="x>``, a
            # quote never closed) and gave as text: not prose (an edit of its quote would make it a tag).
            kind = "other"
        tokens.append(Token(kind, start, end, tag, attrs, data))
    if tokens and tokens[0].start > 0:
        tokens.insert(0, Token("other", 0, tokens[0].start))
    return tokens


def attribute_values(text: str, start: int, end: int) -> list[tuple[str, Span, str]]:
    """``(name, value range, quote)`` of each quoted attribute of the start tag ``text[start:end]``,
    following the tokenizer states of the HTML standard (names end at blanks, ``/``, ``>`` or ``=``)."""
    out = []
    i = start + 1
    while i < end and text[i] not in _SPACE + "/>":  # the tag name
        i += 1
    while i < end:
        while i < end and (text[i] in _SPACE or text[i] == "/"):
            i += 1
        if i >= end or text[i] == ">":
            break
        n0 = i
        i += 1  # a name may start with '='
        while i < end and text[i] not in _SPACE + "/>=":
            i += 1
        name = text[n0:i].lower()
        j = i
        while j < end and text[j] in _SPACE:
            j += 1
        if j >= end or text[j] != "=":
            continue
        j += 1
        while j < end and text[j] in _SPACE:
            j += 1
        if j < end and text[j] in "\"'":
            q = text[j]
            close = text.find(q, j + 1, end)
            if close < 0:
                break
            out.append((name, (j + 1, close), q))
            i = close + 1
        else:
            while j < end and text[j] not in _SPACE + ">":
                j += 1
            i = j
    return out


@dataclass
class _Open:
    tag: str
    start: int
    trick: str | None
    text: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    # for <a>: its tokens between the tags, to tell whether the anchor is one plain text node
    inner: list[Token] = field(default_factory=list)
    attrs: dict = field(default_factory=dict)
    title_span: Span | None = None


class _Builder:
    """One pass over the tokens: prose, blocks, links and hidden elements."""

    def __init__(self, text: str):
        self.text = text
        self.stack: list[_Open] = []
        self.not_prose = 0
        self.layout = Layout()
        self.prose: list[Span] = []
        self.block: list = []  # [start, end, kind] of the block being read

    # -- elements
    def push(self, tok: Token) -> None:
        attrs = {k.lower(): v for k, v in tok.attrs}
        hidden_above = any(o.trick for o in self.stack)
        trick = None if hidden_above else hiding_trick(tok.tag, attrs)
        title = next((span for name, span, _ in attribute_values(self.text, tok.start, tok.end) if name == "title"),
                     None) if tok.tag == "a" and "title" in attrs else None
        self.stack.append(_Open(tok.tag, tok.start, trick, attrs=attrs, title_span=title))
        self.not_prose += tok.tag in NOT_PROSE

    def pop(self, end: int | None) -> None:
        """Close the top element; ``end`` is the end of its end tag, None when the end is implied."""
        el = self.stack.pop()
        self.not_prose -= el.tag in NOT_PROSE
        if el.tag == "a" and end is not None and el.attrs.get("href"):
            label = None
            if len(el.inner) == 1 and el.inner[0].kind == "data":
                s, e = _strip(self.text, el.inner[0].start, el.inner[0].end)
                label = (s, e) if s < e and "\n" not in self.text[s:e] else None
            link = Link(el.start, end, el.attrs["href"] or "", " ".join("".join(el.text).split()), label,
                        el.attrs.get("title") or "", el.title_span)
            self.layout.links.append(link)
            for o in self.stack:
                o.links.append(link)
        if el.trick and end is not None:
            self.layout.hidden.append(Hidden(el.start, end, el.tag, el.trick, " ".join("".join(el.text).split()),
                                             tuple(el.links)))

    def start_tag(self, tok: Token, void: bool) -> None:
        tag = tok.tag
        closes = IMPLIED_END.get(tag, set())
        while self.stack and (self.stack[-1].tag in closes or (self.stack[-1].tag == "p" and tag in CLOSES_P)):
            self.pop(None)
        if tag in BLOCK:
            self.end_block()
        self._attributes(tok)
        for o in self.stack:
            if o.tag == "a":
                o.inner.append(tok)
        if not void and tag not in VOID:
            self.push(tok)

    def end_tag(self, tok: Token) -> None:
        if tok.tag in BLOCK:
            self.end_block()
        for o in self.stack:
            if o.tag == "a" and o.tag != tok.tag:
                o.inner.append(tok)
        if not any(o.tag == tok.tag for o in self.stack):
            return  # a stray end tag
        while self.stack[-1].tag != tok.tag:
            self.pop(None)
        self.pop(tok.end)

    # -- text
    def data(self, tok: Token) -> None:
        for o in self.stack:
            o.text.append(tok.data)
            if o.tag == "a":
                o.inner.append(tok)
        if self.not_prose or (self._in("head") and not self._in("title")):
            return
        spans = _layout_free(self.text, tok.start, tok.end)
        if not spans:
            return
        self.prose += spans
        if any(self.text[s:e].strip() for s, e in spans):
            first, last = spans[0][0], spans[-1][1]
            if self.block:
                self.block[1] = last
            else:
                self.block = [first, last, self._block_kind()]

    def ref(self, tok: Token) -> None:
        char = html.unescape(tok.data)
        for o in self.stack:
            o.text.append(char)
            if o.tag == "a":
                o.inner.append(tok)
        if self.block and not self.not_prose:
            self.block[1] = tok.end

    def end_block(self) -> None:
        if self.block:
            s, e, kind = self.block
            self.layout.blocks.append(Block(s, e, kind))
            self.block = []

    def _in(self, tag: str) -> bool:
        return any(o.tag == tag for o in self.stack)

    def _block_kind(self) -> str:
        for o in reversed(self.stack):
            if o.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                return "heading"
            if o.tag == "title":
                return "meta"
        return "paragraph"

    def _attributes(self, tok: Token) -> None:
        """The prose of ``title``/``alt`` attributes and of a page description."""
        names = {k.lower() for k, _ in tok.attrs}
        wanted = _prose_attribute_names(tok)
        if not wanted & names or self.not_prose:
            return
        for name, (s, e), _quote in attribute_values(self.text, tok.start, tok.end):
            if name not in wanted or s >= e:
                continue
            refs = _references(self.text, s, e)
            holes = refs + chars_in(self.text, [(s, e)], QUOTE_LOOKALIKES + HTML_LOOKALIKES)
            spans = subtract(_layout_free(self.text, s, e), holes)
            if spans:
                self.prose += spans
                kind = "meta" if name == "content" else "attribute"
                self.layout.blocks.append(Block(s, e, kind))


def _strip(text: str, s: int, e: int) -> Span:
    while s < e and text[s] in _SPACE:
        s += 1
    while e > s and text[e - 1] in _SPACE:
        e -= 1
    return s, e


def _layout_free(text: str, s: int, e: int) -> list[Span]:
    """``text[s:e]`` without the blanks around its line breaks: the layout of the source, not prose."""
    out = []
    i = s
    while i < e:
        nl = text.find("\n", i, e)
        if nl < 0:
            out.append((i, e))
            break
        a = nl
        while a > i and text[a - 1] in " \t\r\f":
            a -= 1
        if a > i:
            out.append((i, a))
        i = nl + 1
        while i < e and text[i] in _SPACE:
            i += 1
    return out


def _markup_starts(text: str, prose: list[Span]) -> list[Span]:
    """Each ``<`` and ``&`` of the prose with the character after it: ``<`` before a letter, ``/``, ``!`` or
    ``?`` starts a tag, ``&`` before a name a reference, so an edit of that character (``<\ufeff/a>`` with
    its invisible character removed, ``&ａｍｐ;`` in ASCII) would turn text into markup."""
    return [(s, s + 2) for s, _ in chars_in(text, prose, "<&")]


def _references(text: str, s: int, e: int) -> list[Span]:
    """Character references inside an attribute value (``&amp;``, ``&#8220;``): kept as written."""
    out = []
    i = text.find("&", s, e)
    while i >= 0:
        j = i + 1
        while j < e and (text[j].isalnum() or text[j] == "#") and j - i < 40:
            j += 1
        if j < e and text[j] == ";" and j > i + 1:
            out.append((i, j + 1))
        i = text.find("&", j, e)
    return out


def _build(text: str, tokens: list[Token]) -> _Builder:
    b = _Builder(text)
    for tok in tokens:
        if tok.kind == "start":
            b.start_tag(tok, void=False)
        elif tok.kind == "startend":
            b.start_tag(tok, void=True)
        elif tok.kind == "end":
            b.end_tag(tok)
        elif tok.kind == "data":
            b.data(tok)
        elif tok.kind == "ref":
            b.ref(tok)
    b.end_block()
    return b


def html_layout(text: str) -> Layout:
    b = _build(text, tokenize(text))
    layout = b.layout
    prose = normalize(b.prose)
    layout.prose = subtract(prose, chars_in(text, prose, HTML_LOOKALIKES) + _markup_starts(text, prose))
    layout.blocks.sort(key=lambda bl: (bl.start, bl.end))
    return layout


def scan_hidden(text: str, start: int, end: int) -> list[Hidden]:
    """Hidden elements in a piece of HTML inside another document (a Markdown HTML block)."""
    piece = text[start:end]
    hidden = _build(piece, tokenize(piece)).layout.hidden
    return [Hidden(h.start + start, h.end + start, h.tag, h.trick, h.text,
                   tuple(Link(k.start + start, k.end + start, k.href, k.anchor, _shift(k.label, start), k.title,
                              _shift(k.title_span, start))
                         for k in h.links))
            for h in hidden]


def _shift(span: Span | None, by: int) -> Span | None:
    return (span[0] + by, span[1] + by) if span else None


def html_to_text(text: str) -> str:
    """The prose of an HTML page: the title and the text of each block, whitespace collapsed as a
    browser does; ``script``, ``style``, ``pre``, ``code`` blocks and the like left out."""
    blocks: list[str] = []
    current: list[str] = []
    stack: list[str] = []

    def flush() -> None:
        line = " ".join("".join(current).split())
        if line:
            blocks.append(line)
        current.clear()

    for tok in tokenize(text):
        if tok.kind in ("start", "startend", "end"):
            if tok.tag in BLOCK:
                flush()
            if tok.kind == "start" and tok.tag not in VOID:
                stack.append(tok.tag)
            elif tok.kind == "end" and tok.tag in stack:
                while stack.pop() != tok.tag:
                    pass
            continue
        if tok.kind not in ("data", "ref"):
            continue
        if _not_prose_text(stack):
            continue
        current.append(html.unescape(tok.data) if tok.kind == "ref" else tok.data)
    flush()
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def html_skeleton(text: str) -> list[tuple[tuple, int]]:
    """Every tag, comment and declaration as written (prose attributes left out), and the text inside
    ``script``, ``style``, ``pre``, ``code``..., each with its offset. Cleaning prose must keep it."""
    out: list[tuple[tuple, int]] = []
    stack: list[str] = []
    for tok in tokenize(text):
        if tok.kind == "start" and tok.tag not in VOID:
            stack.append(tok.tag)
        elif tok.kind == "end" and tok.tag in stack:
            while stack.pop() != tok.tag:
                pass
        if tok.kind in ("start", "startend"):
            prose = _prose_attribute_names(tok)
            out.append(((tok.kind, tok.tag, tuple((k, v) for k, v in tok.attrs if k not in prose)), tok.start))
        elif tok.kind in ("end", "other"):
            out.append(((tok.kind, text[tok.start:tok.end]), tok.start))
        elif tok.kind == "data" and any(t in NOT_PROSE for t in stack):
            out.append((("data", tok.data), tok.start))
    return out


def _prose_attribute_names(tok: Token) -> frozenset[str]:
    names = {k.lower(): v for k, v in tok.attrs}
    if tok.tag == "meta" and (names.get("name") or names.get("property") or "").lower() in META_PROSE:
        return PROSE_ATTRIBUTES | {"content"}
    return PROSE_ATTRIBUTES


def _not_prose_text(stack: list[str]) -> bool:
    """Inside script, style, a code block...: left out of the text (inline ``code`` is part of the sentence)."""
    if "head" in stack and "title" not in stack:
        return True
    return any(t in NOT_PROSE and not (t == "code" and "pre" not in stack) for t in stack)


__all__ = ["html_layout", "html_to_text", "scan_hidden", "tokenize", "attribute_values"]
