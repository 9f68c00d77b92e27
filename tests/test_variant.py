"""Script variant with OpenCC: keep flags a mixed document, auto follows the majority, the others convert."""

import pytest

from pipeline import Pipeline
from pipeline.rules import ConfigError
from pipeline.stages import variant

MIXED = "关心下一代工作的發展，頭髮和后来。Development of the program."
TRADITIONAL_MOSTLY = "關心下一代工作的發展與變化，後來还好。"


def clean(text, **options):
    return Pipeline(disable=("structure",), **options).clean(text)


def variant_changes(doc):
    return [(c.before, c.after) for c in doc.changes if c.stage == "variant"]


def test_keep_changes_nothing_and_flags_the_minority():
    doc = clean(TRADITIONAL_MOSTLY)
    assert variant_changes(doc) == []
    flagged = [doc.text[f.start:f.end] for f in doc.flags if f.rule == "variant-mixed"]
    assert flagged == ["还"]
    assert "1 simplified-only and 6 traditional-only" in doc.flags[0].message


def test_keep_on_a_consistent_document_flags_nothing(seed_text):
    doc = clean(seed_text)
    assert not [f for f in doc.flags if f.rule == "variant-mixed"]


def test_auto_follows_the_majority():
    assert clean(TRADITIONAL_MOSTLY, variant="auto").text == "關心下一代工作的發展與變化，後來還好。"
    assert clean("关心下一代工作的发展與后来的变化。", variant="auto").text == "关心下一代工作的发展与后来的变化。"


@pytest.mark.parametrize("mode,expected", [
    ("simplified", "关心下一代工作的发展，头发和后来。Development of the program."),
    ("traditional", "關心下一代工作的發展，頭髮和後來。Development of the program."),
    ("taiwan", "關心下一代工作的發展，頭髮和後來。Development of the program."),
    ("hongkong", "關心下一代工作的發展，頭髮和後來。Development of the program."),
])
def test_explicit_targets_convert_every_chinese_run(mode, expected):
    doc = clean(MIXED, variant=mode)
    assert doc.text == expected
    assert all(c.rule == "variant-convert" for c in doc.changes if c.stage == "variant")


def test_taiwan_and_hongkong_forms_differ():
    assert clean("台湾大学", variant="taiwan").text == "臺灣大學"
    assert clean("台湾大学", variant="hongkong").text == "台灣大學"


def test_glossary_terms_are_never_converted(tmp_path):
    glossary = tmp_path / "names.toml"
    glossary.write_text('[[term]]\nzh = "臺灣大學"\nen = "National Taiwan University"\n', encoding="utf-8")
    doc = clean("我在臺灣大學讀書，臺灣很好。", variant="simplified", terms=(str(glossary),))
    assert doc.text == "我在臺灣大學读书，台湾很好。"


def test_only_han_characters_change():
    doc = clean("“發展”（頭髮）, Development 發展!", variant="simplified")
    for c in doc.changes:
        if c.stage == "variant":
            assert all("\u4e00" <= ch <= "\u9fff" for ch in c.before + c.after), c


def test_each_converter_is_created_once_per_process():
    variant.converter.cache_clear()
    Pipeline(variant="traditional")
    Pipeline(variant="traditional").clean(MIXED)
    assert variant.converter.cache_info().misses == 2  # s2t, and t2s for the simplified form's conversion


def test_unknown_variant_is_a_configuration_error():
    with pytest.raises(ConfigError, match="variant"):
        Pipeline(variant="klingon")


# -- the quick test for URLs before protecting them ----------------------------------------------------

from pathlib import Path  # noqa: E402

from hypothesis import example, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ahocorasick_rs import AhoCorasick, MatchKind  # noqa: E402

from pipeline.typography import url_spans  # noqa: E402
from strategies import mixed_text  # noqa: E402

_URL_PARTS = st.lists(st.sampled_from(["http://", "https://a.cn", "ftp:/", ":/", "//", "/", "www", "www.", "ww.",
                                       "x@y.cn", "@", "a", ".com", "中", " ", "\n", "，"]), max_size=10).map("".join)


def test_may_hold_urls_on_real_text(seed_text):
    samples = Path(__file__).resolve().parent.parent / "samples"
    texts = [seed_text] + [p.read_text(encoding="utf-8") for p in sorted(samples.glob("*.*"))]
    texts += [t.replace("www.", "w w.").replace("@", "(at)").replace("://", ":/ /") for t in texts]
    assert any(url_spans(t) for t in texts) and not all(variant.may_hold_urls(t) for t in texts)
    for text in texts:
        assert variant.may_hold_urls(text) or not url_spans(text)
        assert variant.may_hold_urls(text) == any(m in text for m in ("://", "www.", "@"))


@given(st.one_of(_URL_PARTS, mixed_text))
@example("see ftp://x.cn")
def test_may_hold_urls_is_false_only_without_urls(text):
    assert variant.may_hold_urls(text) == any(m in text for m in ("://", "www.", "@"))
    if not variant.may_hold_urls(text):
        assert url_spans(text) == []


# A glossary whose term is nowhere: the loop over the runs with terms, to compare the path without.
_NO_TERM = AhoCorasick(["不在文中的词"], matchkind=MatchKind.LeftmostLongest)


def test_chinese_pieces_without_terms_on_real_runs(seed_text):
    doc = Pipeline(disable=("variant",)).clean(seed_text)
    assert any(s.lang == "zh" for s in doc.segments)
    assert list(variant.chinese_pieces(doc, None)) == list(variant.chinese_pieces(doc, _NO_TERM))


@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["zh", "en", "other"])), max_size=10))
def test_chinese_pieces_without_terms(runs):
    from pipeline.document import Document, Segment

    doc = Document("中" * 40)
    pos = 0
    for length, lang in runs:
        doc.segments.append(Segment(pos, pos + length, lang))
        pos += length
    assert list(variant.chinese_pieces(doc, None)) == list(variant.chinese_pieces(doc, _NO_TERM))


@pytest.mark.parametrize("mode, expected", [("traditional", "發明了"), ("taiwan", "發明了"), ("hongkong", "發明了")])
def test_converted_text_is_not_converted_again(mode, expected):
    """OpenCC reads its input as simplified: on ``發明了`` it finds the phrase ``明了`` (``明瞭``), which
    ``发明了`` did not hold. A character changes only where converting the simplified form agrees, so
    cleaning the output again changes nothing (the idempotence law; found by the 5,000-example profile)."""
    pipeline = Pipeline(variant=mode)
    doc = pipeline.clean("他发明了一种新方法。")
    assert doc.text == f"他{expected}一種新方法。"
    assert pipeline.clean(doc.text).changes == []
