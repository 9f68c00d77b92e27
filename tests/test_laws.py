"""The contract's laws on arbitrary text: replay, idempotence, segments cover the output (every Han
character in a zh run), nothing legitimate lost."""

import unicodedata
from collections import Counter

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import Pipeline
from pipeline.document import replay
from strategies import HAN as HAN_CHARS, MARKS, WORDS, any_text, mixed_text

PIPELINE = Pipeline()
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


@pytest.fixture(scope="module")
def translating(tiny_models):
    """The whole pipeline with the translate stage putting English in place (tiny ct2 model)."""
    return Pipeline(translator="ct2", model=str(tiny_models["argos-zh-en"]), to="en",
                    disable=["translation-memory"])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mixed_text)
def test_laws_hold_when_translating(translating, text):
    """Replay and segments hold with translations put in place; idempotence: the output has no Chinese
    unit left, so cleaning it again translates nothing and changes nothing."""
    doc = translating.clean(text)
    assert replay(text, doc.changes) == doc.text
    again = translating.clean(doc.text)
    assert again.changes == [], [c.to_dict() for c in again.changes]
    assert not [u for u in again.stats["translation"]["units"] if u["lang"] == "zh"]
    pos = 0
    for s in doc.segments:
        assert s.start == pos and s.end > s.start
        pos = s.end
    assert pos == len(doc.text)


NORMALIZATION = {"width", "numbers", "punctuation", "spacing"}
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
def test_laws_with_a_glossary(text):
    check_laws(text, GLOSSARY_PIPELINE)
