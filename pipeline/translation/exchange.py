"""The exchange formats of translation tools: TMX 1.4b (written and read with translate-toolkit) and
XLIFF 2.1 (built with lxml, read back by translate-toolkit in the tests).

TMX holds pairs, so only units with both sides go in (one ``<tu>`` per unit, ``tuid`` = unit id,
``srclang`` = the unit's source language, a ``<tuv>`` for zh and for en). XLIFF holds one direction per
file (``srcLang``/``trgLang``): every unit in the source language is a ``<unit>``, with its translation
in ``<target>`` (``state="translated"``) or without one (``state="initial"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import regex
from lxml import etree

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Characters XML 1.0 cannot carry (C0 controls but tab and line ends, U+FFFE, U+FFFF, and lone
# surrogates, which no encoding can write): shown as U+FFFD rather than failing the whole file.
_NOT_XML = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Pair:
    id: str
    source_lang: str  # zh | en
    zh: str
    en: str
    note: str = ""


def xml_text(s: str) -> str:
    return _NOT_XML.sub("\ufffd", s)


def lang_code(value: str | None) -> str | None:
    """``zh-CN``, ``zh-Hans``, ``cmn`` -> ``zh``; ``en-US`` -> ``en``; others None."""
    v = (value or "").lower().replace("_", "-")
    if v.startswith(("zh", "cmn")):
        return "zh"
    if v == "en" or v.startswith("en-"):
        return "en"
    return None


def tmx_bytes(pairs: Iterable[Pair]) -> bytes:
    from translate.storage import tmx

    pairs = list(pairs)
    langs = {p.source_lang for p in pairs}
    store = tmx.tmxfile(sourcelanguage=langs.pop() if len(langs) == 1 else "*all*")
    for p in pairs:
        first, second = ("zh", "en") if p.source_lang == "zh" else ("en", "zh")
        texts = {"zh": xml_text(p.zh), "en": xml_text(p.en)}
        store.addtranslation(texts[first], first, texts[second], second, comment=p.note or None)
        tu = store.units[-1].xmlelement
        tu.set("tuid", p.id)
        tu.set("srclang", p.source_lang)
    return bytes(store)


def read_tmx(data: bytes) -> list[tuple[str, str]]:
    """The (zh, en) pairs of a TMX file; units without both languages are skipped."""
    from translate.storage import tmx

    store = tmx.tmxfile.parsestring(data)
    pairs = []
    for unit in store.units:
        sides: dict[str, str] = {}
        for node in unit.getlanguageNodes():
            code = lang_code(node.get("{http://www.w3.org/XML/1998/namespace}lang") or node.get("lang"))
            if code and code not in sides:
                sides[code] = unit.getNodeText(node) or ""
        if sides.get("zh", "").strip() and sides.get("en", "").strip():
            pairs.append((sides["zh"], sides["en"]))
    return pairs


@dataclass(frozen=True)
class XliffUnit:
    id: str
    source: str
    target: str | None
    note: str = ""


def xliff_bytes(units: Sequence[XliffUnit], source: str, target: str, original: str) -> bytes:
    """An XLIFF 2.1 document of one file."""
    def el(parent, tag, **attrs):
        return etree.SubElement(parent, f"{{{XLIFF_NS}}}{tag}", **attrs)

    root = etree.Element(f"{{{XLIFF_NS}}}xliff", nsmap={None: XLIFF_NS}, version="2.1",
                         srcLang=source, trgLang=target)
    file = el(root, "file", id="f1", original=xml_text(original))
    for u in units:
        unit = el(file, "unit", id=u.id)
        if u.note:
            el(el(unit, "notes"), "note", category="origin").text = xml_text(u.note)
        segment = el(unit, "segment", state="translated" if u.target else "initial")
        src = el(segment, "source")
        src.set(XML_SPACE, "preserve")
        src.text = xml_text(u.source)
        if u.target:
            tgt = el(segment, "target")
            tgt.set(XML_SPACE, "preserve")
            tgt.text = xml_text(u.target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

