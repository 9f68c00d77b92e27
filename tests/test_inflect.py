"""English word forms for glossary terms: plurals at the head noun, casing, sentence starts."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.inflect import apply_case, head_index, is_title, pluralize, sentence_initial, title_case


@pytest.mark.parametrize("phrase,plural", [
    ("Working Committee for Caring for the Next Generation", "Working Committees for Caring for the Next Generation"),
    ("Customs Work Committee", "Customs Work Committees"),
    ("Commission of Customs and Communication", "Commissions of Customs and Communication"),
    ("labor organization", "labor organizations"),
    ("express brother", "express brothers"),
    ("five good customs organization", "five good customs organizations"),
    ("delivery boy", "delivery boys"),
    ("county", "counties"),
    ("branch", "branches"),
    ("old man", "old men"),
    ("Wulo", "Wulos"),
    ("FIVE OLD MAN", "FIVE OLD MEN"),
    ("five-star", "five-stars"),
    ("five elders", None),        # already plural
    ("five old people", None),
    ("Ten Little Stars", None),
    ("class", "classes"),
])
def test_pluralize_at_the_head_noun(phrase, plural):
    assert pluralize(phrase) == plural


def test_head_is_the_word_before_the_first_preposition():
    assert head_index("Working Committee for Caring for the Next Generation".split()) == 1
    assert head_index("Customs and Works Committee".split()) == 3
    assert head_index("Five Elders Action for Rural Revitalization".split()) == 2


@pytest.mark.parametrize("matched,canonical,mode,initial,out", [
    ("customs work committee", "Working Committee for Caring", "keep", False, "Working Committee for Caring"),
    ("Five old men", "five elders", "keep", True, "Five elders"),       # a sentence's capital is kept
    ("Five old men", "five elders", "keep", False, "five elders"),
    ("five old men", "five elders", "keep", True, "five elders"),       # and not invented
    ("Five Old Men", "five elders", "title", False, "Five Elders"),     # heading style follows
    ("Five Old men", "five elders", "title", False, "five elders"),
    ("Wulo", "five elders", "title", False, "five elders"),             # one word is no heading
    ("CUSTOMS WORK COMMITTEE", "Working Committee", "keep", False, "WORKING COMMITTEE"),
    ("E-bay", "eBay", "exact", True, "eBay"),
    ("EBAY", "eBay", "exact", False, "eBay"),
])
def test_apply_case(matched, canonical, mode, initial, out):
    assert apply_case(matched, canonical, mode, initial) == out


words = st.text(alphabet="abcdefgABCDEFG ", min_size=1, max_size=20).filter(lambda s: s.strip())


@given(words, words, st.sampled_from(["keep", "title", "exact"]), st.booleans())
def test_apply_case_is_stable_on_its_own_output(matched, canonical, mode, initial):
    """Cleaning twice changes nothing: the cased result, matched again, gives itself."""
    once = apply_case(matched, canonical, mode, initial)
    assert apply_case(once, canonical, mode, initial) == once


def test_title_case_and_detection():
    assert title_case("organization for caring for the next generation") == \
        "Organization for Caring for the Next Generation"
    assert title_case("five-good organization") == "Five-Good Organization"
    assert is_title("Caring for the Next Generation") and not is_title("Caring for the next Generation")


@pytest.mark.parametrize("text,pos,initial", [
    ("Customs", 0, True),
    ("态势。The provincial", 3, True),
    ("关工委,The Director", 4, True),          # an English clause after a Chinese one
    ("done. \"Five old men", 7, True),
    ("the Customs", 4, False),
    ("the \"Ten little stars\"", 5, False),
    ("levels, Customs", 8, False),            # an English comma does not start a sentence
    ("(4) Customs", 4, False),
    ("line\nCustoms", 5, True),
])
def test_sentence_initial(text, pos, initial):
    assert sentence_initial(text, pos) is initial
