"""The contract's laws on arbitrary text: replay, idempotence, segments cover the output,
nothing legitimate lost."""

import unicodedata
from collections import Counter

import regex
from hypothesis import given

from pipeline import Pipeline
from pipeline.document import replay
from strategies import any_text, mixed_text

PIPELINE = Pipeline()


def check_laws(text: str):
    doc = PIPELINE.clean(text)
    assert replay(text, doc.changes) == doc.text
    again = PIPELINE.clean(doc.text)
    assert again.changes == [], [c.to_dict() for c in again.changes]
    pos = 0
    for s in doc.segments:
        assert s.start == pos and s.end > s.start and s.lang in ("zh", "en", "other")
        pos = s.end
    assert pos == len(doc.text)
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
