"""The contract's laws on arbitrary text: replay, idempotence, segments cover the output (every Han
character in a zh run), nothing legitimate lost."""

import unicodedata
from collections import Counter

import pytest
import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline import Pipeline
from pipeline.document import Document, replay
from pipeline.stages.segment import english_or_other, segment
from pipeline.typography import LangIndex
from strategies import HAN as HAN_CHARS, MARKS, WORDS, any_text, mixed_text

PIPELINE = Pipeline()
DETECT = english_or_other()
HAN = regex.compile(r"\p{Han}")


def check_laws(text: str, pipeline: Pipeline = PIPELINE):
    doc = pipeline.clean(text)
    assert replay(text, doc.changes) == doc.text
    again = pipeline.clean(doc.text)
    assert again.changes == [], [c.to_dict() for c in again.changes]
    pos = 0
    for s in doc.segments:
        assert s.start == pos and s.end > s.start and s.lang in ("zh", "en", "other")
        pos = s.end
    assert pos == len(doc.text)
    for m in HAN.finditer(doc.text):
        assert doc.lang_at(m.start()) == "zh", (m.start(), doc.segments)
    for f in doc.flags:
        assert 0 <= f.start <= f.end <= len(doc.text)
    return doc


@given(mixed_text)
def test_laws_on_mixed_text(text):
    check_laws(text)


@pytest.mark.parametrize("text", [
    "Customs“\u3000Customs“一",  # the quotes' direction read a space where the spacing stage puts one
    "Customs“\u30002023",
    "Customs .一",  # the space before ``.`` goes: the ``.`` before Han is a full stop, not ``.NET``
    "一Customs（Customs）",  # the brackets' form changed the runs that decided it
    "一2023 .。2023",  # removing the spaces around ``。`` made it a decimal point
    "PM2.5，,2023一",  # removing the doubled mark made ``，`` a thousands separator
    "Customs，Customs一",  # a phrase that absorbed the ``,`` it became
    "全省  GDP  增长",  # two spaces become one
    "The first line is long enough to be joined\n1、Customs work goes on",  # ``1,`` would be no heading
    "一一一一一一一一一一一一一一一一一一一一\n1、，",  # nor ``1、`` at the end of a line
])
def test_laws_on_the_cases_the_property_tests_found(text):
    check_laws(text)


@given(any_text)
def test_laws_on_any_text(text):
    check_laws(text)


LETTER_OR_HAN = regex.compile(r"[\p{Han}\p{L}\p{N}]")
# Stages whose job is to change words: removing identified spam (markup: spam hidden in Markdown/HTML
# markup), repairing terms, converting script.
CONTENT_STAGES = {"spam", "markup", "terms", "variant", "translate"}


def letters(s: str) -> Counter:
    return Counter(LETTER_OR_HAN.findall(unicodedata.normalize("NFKC", s)))


@given(mixed_text)
def test_no_stage_but_the_content_stages_removes_a_letter(text):
    """Nothing legitimate is lost: outside spam, terms and script conversion, a change may remove
    marks, spaces and invisible characters, never a letter, digit or Han character."""
    doc = check_laws(text)
    for c in doc.changes:
        if c.stage not in CONTENT_STAGES:
            assert not letters(c.before) - letters(c.after), c


def test_laws_on_the_seed(seed_text):
    doc = check_laws(seed_text)
    assert doc.changes


# What the spam stage's repairs may take with a removed span: a joiner left between two removed spans.
SPAM_REPAIR_LETTERS = Counter("和与及以或者跟同andor")


@given(mixed_text)
def test_spam_removes_scored_spans_and_repairs_remove_only_joiners(text):
    doc = check_laws(text)
    for c in doc.changes:
        if c.stage != "spam":
            continue
        if c.rule in ("spam-dangling", "spam-space"):
            assert c.score is None and not letters(c.before) - letters(c.after) - SPAM_REPAIR_LETTERS, c
            assert c.rule != "spam-space" or not (c.before + c.after).strip(), c
        else:
            assert c.after == "" and c.score >= 1.0, c


SOURCE_SCRIPT = {"en": regex.compile(r"\p{Han}"), "zh": regex.compile(r"\p{Latin}")}


@pytest.fixture(scope="module", params=[("en", "argos-zh-en"), ("zh", "argos-en-zh")], ids=["to-en", "to-zh"])
def translating(request, tiny_models):
    """The whole pipeline with the translate stage putting one language in place (tiny ct2 models,
    whose answers are in the target's script only)."""
    to, model = request.param
    return to, Pipeline(translator="ct2", model=str(tiny_models[model]), to=to, disable=["translation-memory"])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mixed_text)
def test_laws_hold_when_translating(translating, text):
    """The law of translation (docs/translate.md): replay and segments hold; and when every translation
    the backend gives is free of the source language's script, cleaning the output again with the same
    options finds no unit of the other language, translates nothing and changes nothing."""
    to, pipeline = translating
    doc = pipeline.clean(text)
    assert replay(text, doc.changes) == doc.text
    placed = [c.after for c in doc.changes if c.rule == "translation"]
    assert not any(SOURCE_SCRIPT[to].search(t) for t in placed)  # the condition: the tiny models meet it
    again = pipeline.clean(doc.text)
    assert again.changes == [], [c.to_dict() for c in again.changes]
    assert not [u for u in again.stats["translation"]["units"] if u["lang"] != to]
    pos = 0
    for s in doc.segments:
        assert s.start == pos and s.end > s.start
        pos = s.end
    assert pos == len(doc.text)


def test_a_unit_that_its_neighbours_hid_is_translated_in_a_second_round(tiny_models):
    """``Customs“一 Customs”,`` is one English unit around a quoted 一 until the 一 after it is English;
    then the quoted 一 is a Chinese clause of its own: translated in a second round, not on the next run."""
    pipeline = Pipeline(translator="ct2", model=str(tiny_models["argos-zh-en"]), to="en",
                        disable=["translation-memory"])
    doc = pipeline.clean("Customs“一Customs“，一")
    assert doc.text.count("一") == 0
    assert len([c for c in doc.changes if c.rule == "translation"]) == 2
    units = doc.stats["translation"]["units"]
    assert [u["id"] for u in units] == [f"u{i}" for i in range(1, len(units) + 1)]
    assert sum(1 for u in units if u["lang"] == "zh" and u["target"]) == 2
    assert pipeline.clean(doc.text).changes == []


NORMALIZATION = {"width", "numbers", "punctuation", "spacing"}
CONTENT = regex.compile(r"[\p{L}\p{N}]")


def content_labels(text: str, segments) -> list[tuple[str, str]]:
    """Each letter, digit and Han character (in its half-width form) with the language of its run."""
    lang = LangIndex(segments)
    return [(unicodedata.normalize("NFKC", m.group()), lang(m.start())) for m in CONTENT.finditer(text)]


def labels_through_normalization(pipeline: Pipeline, text: str):
    """The content labels of fresh runs on the text the normalization stages start from (after the
    segment stage and the stages that change words, spam), then after each normalization stage: fresh
    runs on its output, and, for the stages that read runs, the runs carried through the edits."""
    doc = Document(text)
    seen = []
    for name, run in pipeline.stages:
        if name in NORMALIZATION and not seen:
            seen.append(("start", content_labels(doc.text, segment(doc.text, DETECT))))
        run(doc)
        if name in NORMALIZATION:
            seen.append((name, content_labels(doc.text, segment(doc.text, DETECT))))
            if name in ("punctuation", "spacing"):
                seen.append((name + " (carried)", content_labels(doc.text, doc.segments)))
    return seen


@given(any_text)
def test_normalization_does_not_change_the_language_of_any_letter(text):
    """The invariant that idempotence rests on (docs/normalize.md): segmenting the text and segmenting
    it after any normalization stage give every letter, digit and Han character the same language, and
    the runs the stages carry through their edits agree. So the decisions taken on the input are the
    decisions taken when the output is cleaned again."""
    for pipeline in (PIPELINE, OPTIONED[0]):
        (_, first), *after = labels_through_normalization(pipeline, text)
        for name, labels in after:
            assert labels == first, (name, [(a, b) for a, b in zip(first, labels) if a != b])

HAN_ONLY = regex.compile(r"[\p{Han}]+")
OPTIONED = [Pipeline(digit_spacing=True), Pipeline(variant="auto"), Pipeline(variant="traditional")]


@given(mixed_text)
def test_normalization_changes_only_marks_spaces_and_widths(text):
    """Width, numbers, punctuation and spacing never change a letter, digit or Han character (a full-width
    letter becoming half-width is the same letter); the variant stage changes Han characters only."""
    doc = check_laws(text)
    for c in doc.changes:
        if c.stage in NORMALIZATION:
            assert letters(c.before) == letters(c.after), c
        elif c.stage == "variant":
            assert HAN_ONLY.fullmatch(c.before) and HAN_ONLY.fullmatch(c.after), c


@given(mixed_text)
def test_normalization_options_are_idempotent(text):
    for pipeline in OPTIONED:
        doc = pipeline.clean(text)
        assert replay(text, doc.changes) == doc.text
        assert pipeline.clean(doc.text).changes == []


# The terms stage adds no law of its own but must keep them all with a glossary loaded. One line of
# text: the structure stage, which runs before terms, judges a line's length to decide whether to join
# it to the next, and a repair that lengthens a short line changes that judgment (docs/terms.md).
GLOSSARY_PIPELINE = Pipeline(terms=["next-generation"])
TERM_PHRASES = ["Customs Work Committee", "customs work committees", "Customs and Works Committee's",
                "five old men", "Five Old Men", "Wulo", "Wulo studios", "provincial", "Provincial", "Ten little stars",
                "labor organization", "关工委", "五老", "省关工委", "Party building with Guan building", "'",
                "express brother", "CUSTOMS WORK COMMITTEE", "Working Committee", "the", "of the"]
glossary_text = st.lists(st.one_of(st.text(alphabet=HAN_CHARS, min_size=1, max_size=4), st.sampled_from(WORDS),
                                   st.sampled_from(MARKS), st.sampled_from(TERM_PHRASES),
                                   st.sampled_from([" ", " ", ". "])), max_size=30).map("".join)


@given(glossary_text)
@example("“一Customs》 “Customs")  # the quote after ``》 `` opened, and closed once the space was gone
def test_laws_with_a_glossary(text):
    check_laws(text, GLOSSARY_PIPELINE)
