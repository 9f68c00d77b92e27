"""TMX, XLIFF and HTML escape everything: text and translations holding ``]]>``, ``<script>``, entities,
control characters that XML 1.0 forbids and lone surrogates produce valid files that read back."""

import json

import pytest
from lxml import etree
from translate.storage import tmx as tk_tmx
from translate.storage import xliff2 as tk_xliff2

from fake_openai import chat
from pipeline import Pipeline
from pipeline.batch import process
from pipeline.document import Block, Document
from pipeline.files import Job
from pipeline.options import Options
from pipeline.translation.exchange import Pair, XliffUnit, tmx_bytes, xliff_bytes
from pipeline.writers import render

HOSTILE = "a]]>b <script>alert('x')</script> &amp; &lt; \"q\" 'a' \x01\x08\x0b\x0c\x1f\ufffe\uffff \ud800 \udfff <!-- -->"
FORBIDDEN = [chr(c) for c in (1, 8, 0xB, 0xC, 0x1F, 0xFFFE, 0xFFFF, 0xD800, 0xDFFF)]
XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"


def strict(data: bytes, html: bool = False):
    parser = etree.HTMLParser(recover=False) if html else etree.XMLParser(recover=False)
    return etree.fromstring(data, parser)


def visible(s: str) -> str:
    """What a valid file can carry of HOSTILE: each forbidden character as U+FFFD."""
    for c in FORBIDDEN:
        s = s.replace(c, "\ufffd")
    return s


def test_tmx_and_xliff_of_hostile_pairs_are_valid_and_read_back():
    tmx = tmx_bytes([Pair("u1", "zh", "中文" + HOSTILE, "English " + HOSTILE, note=HOSTILE)])
    strict(tmx)
    (unit,) = tk_tmx.tmxfile.parsestring(tmx).units
    assert unit.source == visible("中文" + HOSTILE) and unit.target == visible("English " + HOSTILE)
    xlf = xliff_bytes([XliffUnit("u1", "中文" + HOSTILE, "English " + HOSTILE, note=HOSTILE)], "zh", "en",
                      original="file <&> \ud800.txt")
    root = strict(xlf)
    assert root.find(f"{XLIFF}file").get("original") == "file <&> \ufffd.txt"
    (unit,) = tk_xliff2.Xliff2File.parsestring(xlf).units
    assert unit.source == visible("中文" + HOSTILE) and unit.target == visible("English " + HOSTILE)
    assert b"<script>" not in xlf and b"<script>" not in tmx  # escaped, never markup


def hostile_document() -> Document:
    """A cleaned document whose text still holds what no stage would leave (a caller's own Document)."""
    text = "标题 " + HOSTILE + "\n\n第一句。" + HOSTILE + " The end.\n"
    doc = Pipeline(disable=["invisible"]).clean(text)
    doc.text, doc.blocks = text, [Block(0, text.index("\n"), "heading"), Block(text.index("第"), len(text) - 1, "paragraph")]
    doc.source = "<title>\ud800.txt"
    return doc


@pytest.mark.parametrize("bilingual", [False, True])
def test_html_escapes_hostile_text(bilingual):
    doc = hostile_document()
    page = render(doc, "html", Options(bilingual=bilingual))
    page.encode("utf-8")  # nothing unencodable left
    tree = strict(page.encode("utf-8"), html=True)
    assert not tree.xpath("//script")  # the text's <script> is text, not an element
    body = "".join(tree.xpath("//body//text()"))
    assert "<script>alert('x')</script>" in body and "]]>" in body and "&amp;" in body


def test_hostile_translations_from_a_backend_give_valid_tmx_xliff_html_and_jsonl(openai_endpoint):
    """A model answering with markup, CDATA ends, control characters and a lone surrogate escape."""
    hostile_json = json.dumps(HOSTILE.replace("\ud800", "").replace("\udfff", ""))[1:-1] + "\\ud800"

    def answer(body):
        items = json.loads(body["messages"][1]["content"])["items"]
        content = '{"translations": [' + ", ".join(
            f'{{"id": "{i["id"]}", "text": "Translated {hostile_json}"}}' for i in items) + "]}"
        return 200, chat(content), {}

    openai_endpoint.script = [answer] * 4
    pipeline = Pipeline(translator="openai", model="m", bilingual=True)
    data = ("第一句话。<b>粗体</b>]]>第二句话。\n\nThe second paragraph & more.\n").encode()
    for fmt in ("tmx", "xliff", "html", "jsonl"):
        out = process(pipeline, Job("-", "x.txt"), data=data, fmt=fmt)
        assert out.ok, out.error
        raw = out.output.encode("utf-8")
        if fmt == "jsonl":
            records = [json.loads(line) for line in out.output.split("\n") if line]
            assert any("<script>" in (r["en"] or "") for r in records)
            continue
        tree = strict(raw, html=fmt == "html")
        if fmt == "tmx":
            units = tk_tmx.tmxfile.parsestring(raw).units
            assert units and all("<script>" in u.target or "<script>" in u.source for u in units)
            assert all("\ufffd" in u.target or "\ufffd" in u.source for u in units)
        elif fmt == "xliff":
            units = tk_xliff2.Xliff2File.parsestring(raw).units
            assert units and all(u.target and "]]>" in u.target for u in units if u.source.startswith("第"))
        else:
            assert not tree.xpath("//script")
