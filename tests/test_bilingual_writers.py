"""Bilingual and unit writers: Markdown, HTML, JSON Lines, TMX and XLIFF, read back where a tool can."""

import json
import subprocess

from lxml import etree
from translate.storage import tmx as tk_tmx
from translate.storage import xliff2 as tk_xliff2

from conftest import SEED, duet_command
from pipeline import Pipeline
from pipeline.bilingual import markers
from pipeline.document import Edit
from pipeline.options import Options
from pipeline.report import report_object
from pipeline.writers import render

TEXT = "关于2023年的工作\n\n第一句。The second sentence.\n\n第三句。\n"



def cleaned(text=TEXT, **options):
    p = Pipeline(**options)
    doc = p.clean(text, source="doc.txt")
    return doc, p.options


def test_none_translator_marks_the_missing_side():
    doc, opts = cleaned(bilingual=True)
    md = render(doc, "markdown", opts)
    assert md.splitlines()[:2] == ["| 中文 | English |", "| --- | --- |"]
    assert "| 第一句。*[untranslated]* | *[untranslated]*The second sentence. |" in md
    page = render(doc, "html", opts)
    assert page.count('class="untranslated"') == 4
    xlf = etree.fromstring(render(doc, "xliff", opts).encode())
    states = [s.get("state") for s in xlf.iter("{urn:oasis:names:tc:xliff:document:2.0}segment")]
    assert states == ["initial"] * 3  # the three Chinese units, none translated
    assert tk_tmx.tmxfile.parsestring(render(doc, "tmx", opts).encode()).units == []  # only full pairs
    lines = [json.loads(line) for line in render(doc, "jsonl", opts).splitlines()]
    assert [(r["id"], r["lang"], r["zh"], r["en"]) for r in lines] == [
        ("u1", "zh", "关于2023年的工作", None), ("u2", "zh", "第一句。", None),
        ("u3", "en", None, "The second sentence."), ("u4", "zh", "第三句。", None)]


def test_to_without_a_translator_keeps_the_text_and_flags_it():
    doc, _ = cleaned(to="en")
    assert doc.text == TEXT.rstrip("\n") + "\n" or doc.text.startswith("关于")
    assert not [c for c in doc.changes if c.stage == "translate"]
    untranslated = [f for f in doc.flags if f.rule == "untranslated"]
    assert len(untranslated) == 3 and "--translator none" in untranslated[0].message


def test_check_expect_lists_the_other_language(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("第一句。The second sentence.\n", encoding="utf-8")
    run = subprocess.run([*duet_command(), "check", "--expect", "en", str(src)], capture_output=True, text=True,
                         timeout=60)
    assert f'{src}:1:1: untranslated-zh: "第一句。" is Chinese in a document meant to be in English' in run.stdout
    assert "untranslated: u1" not in run.stdout and run.returncode == 1  # listed once, by the report


def test_tmx_and_xliff_read_back_and_match_the_report(openai_endpoint):
    doc, opts = cleaned(SEED.read_text("utf-8"), translator="openai", model="m", bilingual=True)
    report = report_object(doc, "seed")
    units = report["stats"]["translation"]["units"]
    assert units and all(u["target"] for u in units)
    store = tk_tmx.tmxfile.parsestring(render(doc, "tmx", opts).encode())
    assert len(store.units) == len(units)
    by_id = {u["id"]: u for u in units}
    for tu in store.units:
        u = by_id[tu.getid()]
        assert tu.gettarget("zh" if u["lang"] == "en" else "en") == u["target"]
        assert tu.source == u["text"]
    xlf = tk_xliff2.Xliff2File.parsestring(render(doc, "xliff", opts).encode())
    zh_units = [u for u in units if u["lang"] == "zh"]
    assert (xlf.getsourcelanguage(), xlf.gettargetlanguage()) == ("zh", "en")
    assert [(x.getid(), x.source, x.target) for x in xlf.units] == [(u["id"], u["text"], u["target"]) for u in zh_units]
    lines = render(doc, "jsonl", opts).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [u["id"] for u in units]


def test_xliff_direction_follows_to(openai_endpoint):
    doc, opts = cleaned(translator="openai", model="m", to="zh")
    xlf = tk_xliff2.Xliff2File.parsestring(render(doc, "xliff", opts).encode())
    assert (xlf.getsourcelanguage(), xlf.gettargetlanguage()) == ("en", "zh")
    assert [(x.source, x.istranslated()) for x in xlf.units] == [("The second sentence.", True)]


def test_bilingual_markdown_and_html_with_translations(openai_endpoint):
    doc, opts = cleaned(translator="openai", model="m", bilingual=True)
    md = render(doc, "markdown", opts)
    assert "| 第一句。译文第三句。 | Translated sentence 2. The second sentence. |" in md
    assert "untranslated" not in md
    page = render(doc, "html", opts)
    tree = etree.HTML(page)
    rows = tree.findall(".//div[@class='row paragraph']")
    assert len(rows) == 2 and [c.get("lang") for c in rows[0]] == ["zh-Hans", "en"]
    # self-contained: no external resource
    assert not tree.xpath("//script[@src] | //link | //img")


def test_html_shows_removals_and_repairs_on_hover():
    p = Pipeline()
    doc = p.clean("继续学习《2024欧洲杯下注平台》精神。The Customs Work Committee met.")  # the spam stage removes the title
    start = doc.text.index("Customs Work Committee")
    doc.apply("terms", [Edit(start, start + len("Customs Work Committee"),
                             "Working Committee for Caring for the Next Generation", "term-variant")])
    marks = markers(doc)
    assert [(m.removed, m.title.split(":")[0]) for m in marks] == [("《2024欧洲杯下注平台》", "spam/spam-title"),
                                                                   ("", "terms/term-variant")]
    tree = etree.HTML(render(doc, "html", Options()))
    (removed,) = tree.xpath("//del[@class='removed']")
    assert removed.text == "《2024欧洲杯下注平台》" and "removed" in removed.get("title")
    (repaired,) = tree.xpath("//ins[@class='repaired']")
    assert repaired.text == "Working Committee for Caring for the Next Generation"
    assert "Customs Work Committee" in repaired.get("title")
    # the text around the markers is intact
    assert "".join(tree.xpath("//article//text()")).replace("《2024欧洲杯下注平台》", "") == doc.text


def test_markdown_of_a_plain_text_document(seed_text):
    doc = Pipeline().clean(seed_text)
    md = render(doc, "markdown", Options())
    lines = md.splitlines()
    assert lines[0] == "Article source: Government Office Updated: 2023-11-07"
    assert "# About the main work in 2023" in lines
    assert "## 1\\. Education for young people was further deepened." in lines


def test_cli_writes_each_format_with_its_suffix(tmp_path):
    src = tmp_path / "in" / "doc.txt"
    src.parent.mkdir()
    src.write_text(TEXT, encoding="utf-8")
    for fmt, suffix in (("xliff", ".xlf"), ("tmx", ".tmx"), ("html", ".html"), ("markdown", ".md"), ("jsonl", ".jsonl")):
        out = tmp_path / fmt
        run = subprocess.run([*duet_command(), "clean", "--format", fmt, "--bilingual", "-o", str(out), str(src)],
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        assert (out / f"doc{suffix}").is_file()
