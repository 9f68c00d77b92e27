"""The terms stage: glossary variants repaired in English runs, inconsistent renderings flagged."""

import re

import pytest

from pipeline import Pipeline
from pipeline.document import Document, replay
from pipeline.options import Options
from pipeline.stages import segment, terms

# The terms stage alone: normalization (spaces, quotes) is tested on its own and in the laws.
NORMALIZATION = ("width", "numbers", "punctuation", "spacing", "variant")
NG = Pipeline(terms=["next-generation"], disable=NORMALIZATION)

SMALL = '''
[[term]]
zh = "关工委"
en = "Working Committee for Caring for the Next Generation"
variants = ["Customs Work Committee", "Customs and Works Committee", "Commission of Customs and Communication"]

[[term]]
zh = "五老"
en = "five elders"
case = "title"
variants = ["Wulo"]
weak_variants = ["five old men"]

[[term]]
zh = "关工组织"
en = "organization for caring for the next generation"
weak_variants = ["labor organization"]

[[term]]
zh = "甲"
en = "Alpha Office"
variants = ["alpha beta"]

[[term]]
zh = "乙"
en = "Gamma Office"
variants = ["beta gamma", "beta gamma delta"]

[[term]]
zh = "丙"
en = "eBay"
case = "exact"
variants = ["E-bay"]

[[term]]
zh = "丁"
en = "staff member"
plural = "members of staff"
variants = ["staffer"]
'''


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("glossary") / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    return Pipeline(terms=[str(path)], disable=NORMALIZATION)


def repaired(pipeline, text):
    doc = pipeline.clean(text)
    assert replay(text, doc.changes) == doc.text
    assert all(c.stage == "terms" for c in doc.changes if c.rule.startswith("term-"))
    return doc.text


# -- word boundaries, case, plurals, possessives -----------------------------------------------------


@pytest.mark.parametrize("text,expected", [
    ("The Customs Work Committee met.", "The Working Committee for Caring for the Next Generation met."),
    ("the customs work committee met", "the Working Committee for Caring for the Next Generation met"),
    ("The Customs Work Committeeship met.", "The Customs Work Committeeship met."),  # not a whole word
    ("The xCustoms Work Committee met.", "The xCustoms Work Committee met."),
    ("The Customs Work Committee2 met.", "The Customs Work Committee2 met."),
    ("关心下一代。Customs Work Committee met.", "关心下一代。Working Committee for Caring for the Next Generation met."),
    ("The Customs  Work Committee met.", "The Customs  Work Committee met."),   # two spaces: not the term
])
def test_whole_words_case_insensitive(small, text, expected):
    assert repaired(small, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Wulo came. Then Wulo left.", "Five elders came. Then five elders left."),  # sentence-initial capital kept
    ("The Wulo team.", "The five elders team."),
    ("THE WULO TEAM.", "THE FIVE ELDERS TEAM."),
    ("Was it E-bay? E-bay said no.", "Was it eBay? eBay said no."),              # exact: even at the start
    ("The five Elders came.", "The five elders came."),                           # the canonical re-cased
])
def test_case(small, text, expected):
    assert repaired(small, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("All Customs Work Committees met.", "All Working Committees for Caring for the Next Generation met."),
    ("Two Commissions of Customs and Communication met.",
     "Two Working Committees for Caring for the Next Generation met."),
    ("Three staffers left.", "Three members of staff left."),  # an explicit plural
    ("A staffer left.", "A staff member left."),
])
def test_plurals(small, text, expected):
    assert repaired(small, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("The Customs Work Committee's plan.", "The Working Committee for Caring for the Next Generation's plan."),
    ("The Customs Work Committee’s plan.", "The Working Committee for Caring for the Next Generation’s plan."),
    ("The Customs Work Committees' plans.",
     "The Working Committees for Caring for the Next Generation's plans."),      # at the phrase's end
    ("The Wulo's advice.", "The five elders' advice."),
    ("A 'Customs Work Committees' sign.", "A 'Working Committees for Caring for the Next Generation' sign."),
    ("The Customs Work Committee'd met.", "The Working Committee for Caring for the Next Generation'd met."),
])
def test_possessives(small, text, expected):
    assert repaired(small, text) == expected


# -- overlaps and composition ----------------------------------------------------------------------


@pytest.mark.parametrize("text,expected", [
    ("It was alpha beta gamma.", "It was Alpha Office gamma."),           # the leftmost wins
    ("It was beta gamma delta.", "It was Gamma Office."),                  # at one start, the longest
    ("It was beta gamma.", "It was Gamma Office."),
])
def test_overlaps_leftmost_then_longest(small, text, expected):
    assert repaired(small, text) == expected


def test_provincial_forms_are_repaired_in_one_step():
    doc = NG.clean("The provincial Customs and Work Commission met.")
    assert doc.text == "The Provincial Working Committee for Caring for the Next Generation met."
    assert [(c.rule, c.before) for c in doc.changes] == [("term-variant", "provincial Customs and Work Commission")]


@pytest.mark.parametrize("text,expected", [
    ("The great Old Bureau met.", "The Chief Bureau met."),        # a term around the repair
    ("The Old Bureau park met.", "The Next Park Authority met."),   # a term over the repair's last word
    ("The sub Old Bureau met.", "The Deputy Office met."),         # a term over its first word
])
def test_a_repair_that_completes_another_term_is_followed_up(tmp_path, text, expected):
    path = tmp_path / "g.toml"
    path.write_text('[[term]]\nzh = "甲"\nen = "Next Office"\nvariants = ["Old Bureau"]\n\n'
                    '[[term]]\nzh = "乙"\nen = "Chief Bureau"\nvariants = ["great next office"]\n\n'
                    '[[term]]\nzh = "丙"\nen = "Park Authority"\nvariants = ["office park"]\n\n'
                    '[[term]]\nzh = "丁"\nen = "Deputy"\nvariants = ["sub next"]\n', encoding="utf-8")
    p = Pipeline(terms=[str(path)], disable=NORMALIZATION)
    doc = p.clean(text)
    assert doc.text == expected
    assert p.clean(doc.text).changes == []


# -- where the stage may not go ----------------------------------------------------------------------


def test_english_runs_only(small):
    # A Latin word inside a Chinese clause belongs to the Chinese run: not repaired.
    assert repaired(small, "全省有1395个Wulo工作室。") == "全省有1395个Wulo工作室。"


def run_stage(text, *, flags=(), protect=(), glossary="next-generation"):
    doc = Document(text)
    segment.setup(Options())(doc)
    for start, end in flags:
        doc.flag("spam", "spam-flag", start, end, "spam")
    doc.protect(protect)
    terms.setup(Options(terms=(glossary,)))(doc)
    return doc


def test_nothing_is_repaired_inside_a_spam_span():
    text = "Buy Customs Work Committee tickets now. The Customs Work Committee met."
    spam = (0, text.index(" now") )
    doc = run_stage(text, flags=[spam])
    assert doc.text.startswith("Buy Customs Work Committee tickets now.")
    assert doc.text.endswith("The Working Committee for Caring for the Next Generation met.")
    assert len(doc.changes) == 1


def test_nothing_is_repaired_inside_a_protected_range():
    text = "See Customs Work Committee. The Customs Work Committee met."
    doc = run_stage(text, protect=[(4, 26)])
    assert doc.text.startswith("See Customs Work Committee.")
    assert len(doc.changes) == 1


# -- weak variants: ordinary English only where the domain shows ---------------------------------


def test_weak_variants_need_the_domain(small):
    assert repaired(small, "The labor organization met five old men.") == \
        "The labor organization met five old men."
    assert repaired(small, "The labor organization met. The Customs Work Committee met.") == \
        "The organization for caring for the next generation met. " \
        "The Working Committee for Caring for the Next Generation met."
    assert repaired(small, "五老参加。The five old men met.") == "五老参加。The five elders met."


# -- flags ----------------------------------------------------------------------------------------


def term_flags(doc, rule):
    return [(doc.text[f.start:f.end], f.message) for f in doc.flags if f.stage == "terms" and f.rule == rule]


def test_unknown_rendering_beside_a_known_one_is_flagged(small):
    doc = small.clean("The Customs Work Committee met. The Caring Committee met too.")
    flags = term_flags(doc, "term-inconsistent")
    assert [f[0] for f in flags] == ["Caring Committee"]
    assert "关工委" in flags[0][1] and "Working Committee for Caring for the Next Generation" in flags[0][1]


def test_two_unknown_renderings_of_a_term_in_the_chinese_are_flagged(small):
    doc = small.clean("关工委召开会议。The Caring Committee met. The Next Generation Committee met.")
    assert [f[0] for f in term_flags(doc, "term-inconsistent")] == ["Caring Committee", "Next Generation Committee"]


def test_each_unknown_rendering_names_another_rendering_of_its_term(small):
    # Two spellings of one rendering count as one: each flag names the first (in order) of the
    # renderings with other words, never its own rendering in another case.
    doc = small.clean("关工委召开会议。The Next Generation Committee met. The caring committee met. "
                      "The Caring Committee met again.")
    named = [(surface, re.search(r"and '([^']*)' elsewhere", message).group(1))
             for surface, message in term_flags(doc, "term-inconsistent")]
    assert named == [("Next Generation Committee", "Caring Committee"),
                     ("caring committee", "Next Generation Committee"),
                     ("Caring Committee", "Next Generation Committee")]


def test_one_rendering_alone_is_consistent(small):
    assert term_flags(small.clean("The Caring Committee met. The Caring Committee met."), "term-inconsistent") == []
    # and a head noun whose neighbours are not the term's words is nobody's rendering
    assert term_flags(small.clean("The Customs Work Committee met the Party Committee."), "term-inconsistent") == []


def test_untranslated_chinese_term_in_an_english_clause_is_flagged():
    doc = NG.clean("The provincial 关工委 met the press. Then 五老 spoke.\n")
    assert [f[0] for f in term_flags(doc, "term-untranslated")] == ["关工委", "五老"]
    assert "Working Committee for Caring for the Next Generation" in term_flags(doc, "term-untranslated")[0][1]
    # a Chinese clause that holds the term is Chinese, not an untranslated term
    assert term_flags(NG.clean("省关工委召开会议,The meeting was long.\n"), "term-untranslated") == []


def test_rules_can_be_switched_off():
    p = Pipeline(terms=["next-generation"], disable=["term-case", *NORMALIZATION])
    assert p.clean("The Ten little stars and the Customs Work Committee.").text == \
        "The Ten little stars and the Working Committee for Caring for the Next Generation."
    assert Pipeline(terms=["next-generation"], disable=["terms"]).clean("Customs Work Committee").changes == []


def test_no_glossary_no_stage():
    assert Pipeline().clean("The Customs Work Committee met.").changes == []


# -- the seed --------------------------------------------------------------------------------------

LEFT = re.compile(r"Customs (?:Work|Working|and) [A-Z][a-z]+|[Ff]ive old (?:men|people)")


def test_seed_with_the_next_generation_glossary(seed_text):
    doc = NG.clean(seed_text)
    assert LEFT.findall(seed_text) and not LEFT.findall(doc.text)
    assert replay(seed_text, doc.changes) == doc.text
    repairs = [c for c in doc.changes if c.stage == "terms"]
    assert len(repairs) > 80 and {c.rule for c in repairs} == {"term-variant", "term-case"}
    assert NG.clean(doc.text).changes == []
    for before, after in [("five old men's advantages", "five elders' advantages"),
                          ("Party building with Guan building", "Party building drives next-generation care building"),
                          ("the United States and labor", "aesthetics and labor"),
                          ("Ten little stars", "Ten Little Stars")]:
        assert before in seed_text and after in doc.text
    assert "customs" not in doc.text.lower().replace("customs industry", "").replace("customs publicity", "")


def test_spam_spans_move_with_the_repairs_before_them():
    text = "The Customs Work Committee met. Buy china Customs Work Committee now."
    start = text.index("Buy")
    doc = run_stage(text, flags=[(start, start + len("Buy china"))])
    assert "Buy china Working Committee for Caring for the Next Generation now." in doc.text
    assert doc.text.startswith("The Working Committee for Caring for the Next Generation met.")
