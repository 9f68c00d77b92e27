"""Output documents built from the document model: Markdown, HTML, JSON Lines, TMX and XLIFF, each either
of the cleaned document or (``--bilingual``) of both languages side by side.

Every writer reads the same translation units (``pipeline/translation/units.py``): a block is shown in
Chinese and in English by taking, for each unit, its side in that language, and the text between units
(spaces, numbering, marks) as it is. A missing side is marked ``untranslated``, never filled with the
other language. The HTML writer shows what cleaning changed (spam removed, terms repaired, ...) at its
place, visible on hover, from the change log.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterator

import regex
from lxml import etree

from .document import Block, Document
from .options import Options
from .positions import change_spans
from .report import json_value
from .translation.exchange import Pair, XliffUnit, tmx_bytes, xliff_bytes, xml_text
from .translation.units import Unit, build_units, needs_space

UNTRANSLATED = "untranslated"
LANG_LABELS = {"zh": "中文", "en": "English"}
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
# Stages whose changes are only spacing and line ends: not worth a marker in HTML.
QUIET_STAGES = {"decode", "invisible", "structure", "segment", "translate"}


@dataclass(frozen=True)
class Piece:
    """Part of a block on one side: text from the document (``doc_span`` set, changes can be shown
    there), a unit's side from elsewhere, or a missing side (``missing``)."""

    text: str
    unit: Unit | None = None
    doc_span: tuple[int, int] | None = None
    missing: bool = False


def units_of(doc: Document) -> list[Unit]:
    """The units the translate stage left on the document, or fresh untranslated ones."""
    units = doc.stats.get("_units")
    return units if units is not None else build_units(doc)


def blocks_of(doc: Document) -> list[Block]:
    return doc.blocks or ([Block(0, len(doc.text), "paragraph")] if doc.text.strip() else [])


def sides(doc: Document, units: list[Unit], block_index: int, block: Block, lang: str | None) -> list[Piece]:
    """A block as pieces in ``lang`` (None: the document's text as it is)."""
    text = doc.text
    pieces: list[Piece] = []
    pos = block.start
    for u in (u for u in units if u.block == block_index):
        if u.start > pos:
            pieces.append(Piece(text[pos : u.start], doc_span=(pos, u.start)))
        in_doc = u.target if u.placed else u.text
        shown = in_doc if lang is None else u.side(lang)
        if shown is None:
            pieces.append(Piece("", u, missing=True))
        elif shown == in_doc:
            pieces.append(Piece(text[u.start : u.end], u, doc_span=(u.start, u.end)))
        else:
            pieces.append(Piece(shown, u))
        pos = max(pos, u.end)
    if pos < block.end:
        pieces.append(Piece(text[pos : block.end], doc_span=(pos, block.end)))
    return _spaced(pieces) if lang == "en" else pieces


def _spaced(pieces: list[Piece]) -> list[Piece]:
    """A space where a translation now touches English (``sentence.The``)."""
    out: list[Piece] = []
    for p in pieces:
        if out and not p.missing and not out[-1].missing and needs_space(out[-1].text, p.text) \
                and (p.doc_span is None or out[-1].doc_span is None):
            out.append(Piece(" "))
        out.append(p)
    return out


def _rows(doc: Document, units: list[Unit]) -> Iterator[tuple[Block, list[Piece], list[Piece]]]:
    for i, block in enumerate(blocks_of(doc)):
        yield block, sides(doc, units, i, block, "zh"), sides(doc, units, i, block, "en")


# -- plain text and Markdown ----------------------------------------------------------------------

def bilingual_text(doc: Document, options: Options) -> str:
    """Alternating paragraphs: each block in Chinese, then in English."""
    out = []
    for _block, zh, en in _rows(doc, units_of(doc)):
        for pieces in (zh, en):
            out.append("".join(f"[{UNTRANSLATED}]" if p.missing else p.text for p in pieces).strip())
    return "\n\n".join(out) + "\n" if out else ""


_MD_INLINE = regex.compile(r"([\\`*_\[\]<>|])")
_MD_LINE_MARK = regex.compile(r"^([ \t]*)([#>+=-])", regex.MULTILINE)
_MD_LIST_NUMBER = regex.compile(r"^([ \t]*\d{1,9})([.)])(?=[ \t])", regex.MULTILINE)


def md_escape(s: str) -> str:
    """Text that Markdown shows as it is: inline marks escaped, and line starts that would make a
    heading, quote or list (``1. ``: ``1\\. ``)."""
    s = _MD_INLINE.sub(r"\\\1", s)
    s = _MD_LINE_MARK.sub(r"\1\\\2", s)
    return _MD_LIST_NUMBER.sub(r"\1\\\2", s)


def _md_pieces(pieces: list[Piece], *, cell: bool) -> str:
    parts = []
    for p in pieces:
        parts.append(f"*[{UNTRANSLATED}]*" if p.missing else md_escape(p.text))
    s = "".join(parts).strip()
    return s.replace("\n", "<br>") if cell else s


def _md_heading_level(block: Block, first_heading: list[bool]) -> str:
    if block.kind != "heading":
        return ""
    level = "# " if first_heading[0] else "## "
    first_heading[0] = False
    return level


def markdown(doc: Document, options: Options) -> str:
    if options.bilingual:
        lines = [f"| {LANG_LABELS['zh']} | {LANG_LABELS['en']} |", "| --- | --- |"]
        for block, zh, en in _rows(doc, units_of(doc)):
            strong = "**" if block.kind == "heading" else ""
            cells = [_md_pieces(side, cell=True) for side in (zh, en)]
            lines.append("| " + " | ".join(f"{strong}{c}{strong}" if c else "" for c in cells) + " |")
        return "\n".join(lines) + "\n"
    out = []
    first = [True]
    for block in blocks_of(doc):
        level = _md_heading_level(block, first)
        body = md_escape(doc.text[block.start : block.end].strip())
        out.append(level + body.replace("\n", " ") if level else body)
    return "\n\n".join(out) + "\n" if out else ""


# -- HTML -----------------------------------------------------------------------------------------

CSS = """
body{font:16px/1.6 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
.row{display:grid;grid-template-columns:1fr 1fr;gap:2rem;margin:0 0 1rem}
.row>div,article p{white-space:pre-wrap;margin:0 0 1rem}
.heading{font-weight:700;font-size:1.15em}.meta{color:#666;font-size:.9em}
.untranslated{color:#a00;font-style:italic;border:1px dashed #a00;padding:0 .3em}
del.removed{text-decoration:line-through;color:#a00;background:#fee;font-size:0}
del.removed::before{content:"\\2716";font-size:12px;vertical-align:super}
del.removed:hover{font-size:inherit}
ins.repaired{text-decoration:none;border-bottom:2px solid #2a7;cursor:help}
span.unit:hover{background:#ffc}
""".strip()


def _add_text(el, s: str) -> None:
    if not s:
        return
    s = xml_text(s)
    if len(el):
        el[-1].tail = (el[-1].tail or "") + s
    else:
        el.text = (el.text or "") + s


@dataclass(frozen=True)
class Marker:
    start: int
    end: int  # == start for a removal
    title: str
    removed: str


def markers(doc: Document) -> list[Marker]:
    """Changes worth showing, at their place in the output, without overlaps."""
    found = []
    for c, (s, e) in zip(doc.changes, change_spans(doc)):
        if c.stage in QUIET_STAGES:
            continue
        if c.after:
            title = f"{c.stage}/{c.rule}: was “{c.before}”" if c.before else f"{c.stage}/{c.rule}: added"
            found.append(Marker(s, e, title, ""))
        elif c.before.strip():
            found.append(Marker(s, s, f"{c.stage}/{c.rule}: removed “{c.before}”", c.before))
    found.sort(key=lambda m: (m.start, m.end))
    kept: list[Marker] = []
    for m in found:
        if kept and (m.start < kept[-1].end or (m.start == kept[-1].start and m.end == kept[-1].end)):
            continue  # inside a marker already shown
        kept.append(m)
    return kept


def _html_doc_text(parent, doc: Document, start: int, end: int, marks: list[Marker], starts: list[int],
                   shown: set[int]) -> None:
    """``doc.text[start:end]`` with the change markers that fall in it (each shown once)."""
    pos = start
    i = bisect_right(starts, start - 1)
    while i < len(marks) and marks[i].start <= end:
        m, k = marks[i], i
        i += 1
        if k in shown or m.start < pos or m.end > end:
            continue
        shown.add(k)
        _add_text(parent, doc.text[pos : m.start])
        if m.removed:
            el = etree.SubElement(parent, "del", {"class": "removed", "title": xml_text(m.title)})
            el.text = xml_text(m.removed)
            pos = m.start
        else:
            el = etree.SubElement(parent, "ins", {"class": "repaired", "title": xml_text(m.title)})
            el.text = xml_text(doc.text[m.start : m.end])
            pos = m.end
    _add_text(parent, doc.text[pos:end])


def _html_pieces(parent, doc: Document, pieces: list[Piece], marks: list[Marker], starts: list[int],
                 shown: set[int]) -> None:
    for p in pieces:
        if p.missing:
            el = etree.SubElement(parent, "span", {"class": UNTRANSLATED, "title": f"{p.unit.id}: no translation"})
            el.text = UNTRANSLATED
            continue
        target = parent
        if p.unit is not None:
            title = f"{p.unit.id} ({p.unit.lang}" + (f", {p.unit.origin})" if p.unit.origin else ")")
            target = etree.SubElement(parent, "span", {"class": "unit", "data-unit": p.unit.id, "title": title})
        if p.doc_span is not None:
            _html_doc_text(target, doc, *p.doc_span, marks, starts, shown)
        else:
            _add_text(target, p.text)


def html(doc: Document, options: Options) -> str:
    units = units_of(doc)
    marks = markers(doc)
    starts = [m.start for m in marks]
    shown: set[int] = set()
    root = etree.Element("html", lang="zh-Hans" if _majority(units) == "zh" else "en")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "meta", charset="utf-8")
    etree.SubElement(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    title = etree.SubElement(head, "title")
    title.text = xml_text(_title(doc))
    etree.SubElement(head, "style").text = CSS
    body = etree.SubElement(root, "body")
    if options.bilingual:
        for block, zh, en in _rows(doc, units):
            row = etree.SubElement(body, "div", {"class": f"row {block.kind}"})
            for lang, pieces in (("zh", zh), ("en", en)):
                cell = etree.SubElement(row, "div", {"class": lang, "lang": HTML_LANG[lang]})
                _html_pieces(cell, doc, pieces, marks, starts, shown)
    else:
        article = etree.SubElement(body, "article")
        first = True
        for i, block in enumerate(blocks_of(doc)):
            tag = ("h1" if first else "h2") if block.kind == "heading" else "p"
            first = first and block.kind != "heading"
            el = etree.SubElement(article, tag, {"class": block.kind})
            _html_pieces(el, doc, sides(doc, units, i, block, None), marks, starts, shown)
    return "<!DOCTYPE html>\n" + etree.tostring(root, method="html", encoding="unicode") + "\n"


def _title(doc: Document) -> str:
    for block in blocks_of(doc):
        if block.kind == "heading":
            return doc.text[block.start : block.end].strip()
    return doc.source if doc.source != "-" else "duet"


def _majority(units: list[Unit]) -> str:
    zh = sum(len(u.text) * 3 for u in units if u.lang == "zh")
    return "zh" if zh >= sum(len(u.text) for u in units if u.lang == "en") else "en"


# -- units: JSON Lines, TMX, XLIFF ----------------------------------------------------------------

def jsonl(doc: Document, options: Options) -> str:
    lines = []
    for u in units_of(doc):
        record = {"id": u.id, "lang": u.lang, "zh": u.side("zh"), "en": u.side("en"), "origin": u.origin,
                  "start": u.start, "end": u.end, "block": u.block, "kind": u.kind}
        if u.missing_terms:
            record["missing_terms"] = list(u.missing_terms)
        lines.append(json_value(record))
    return "".join(line + "\n" for line in lines)


def tmx(doc: Document, options: Options) -> str:
    pairs = [Pair(u.id, u.lang, u.side("zh"), u.side("en"), f"origin: {u.origin}" if u.origin else "")
             for u in units_of(doc) if u.target]
    return tmx_bytes(pairs).decode("utf-8")


def xliff_direction(options: Options) -> tuple[str, str]:
    """One direction per XLIFF file: towards ``--to``, else Chinese to English."""
    return ("en", "zh") if options.to == "zh" else ("zh", "en")


def xliff(doc: Document, options: Options) -> str:
    source, target = xliff_direction(options)
    units = [XliffUnit(u.id, u.text, u.target, f"origin: {u.origin}" if u.origin else "")
             for u in units_of(doc) if u.lang == source]
    return xliff_bytes(units, source, target, doc.source).decode("utf-8")
