"""The terms stage's fast paths against the plain code they replace: each must give the same result."""

import re
from bisect import bisect_right
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from ahocorasick_rs import AhoCorasick, MatchKind
from hypothesis import given
from hypothesis import strategies as st

from pipeline import Pipeline, polish
from pipeline import glossary as glossary_module
from pipeline import termindex
from pipeline.document import Document
from pipeline.stages import terms
from pipeline.termindex import WholeWords, lower
from strategies import HAN, MARKS, SPACES, WORDS
from test_terms_polish import glossary_text

GLOSSARY = str(Path(__file__).parent / "data" / "polish-terms.toml")
# Patterns with every kind of character the automaton reads as a space or may confuse: a hyphen, an
# apostrophe (straight and curly), a dot, Latin-1 and other Latin letters, Cyrillic, digits, a "?"
# (what the encoder writes for a character beyond Latin-1), a Han character.
ODD_TERMS = '''
[[term]]
zh = "甲"
en = "Co-operation Office"
variants = ["co operation office", "co'operation office", "five elders'", "five elders’"]

[[term]]
zh = "乙"
en = "Café Committee"
variants = ["cafe committee", "café", "naïve plan", "straße plan", "ﬁve plan"]

[[term]]
zh = "丙"
en = "Kelvin Office"
variants = ["āmir office", "москва office", "office 5", "what? office", "office中 plan", "u.s. office"]
'''
ODD_WORDS = ["Co-operation", "co operation", "co'operation", "Office", "office", "five", "elders'", "elders’",
             "Café", "CAFÉ", "cafe", "Committee", "naïve", "NAÏVE", "plan", "straße", "STRASSE", "ﬁve",
             "Āmir", "āmir", "МОСКВА", "москва", "5", "55", "what?", "what", "中", "u.s.", "U.S.", "K",
             "\u212a", "\u0130", "ß", "_", "x", "\u00b2", "\u00aa", "-", "'", "’", "?"]


@pytest.fixture(scope="module")
def odd_glossary(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("glossary") / "odd.toml"
    path.write_text(ODD_TERMS, encoding="utf-8")
    return str(path)


def glued(c: str) -> bool:
    """What the stage glues to a term (``terms._is_word_char``)."""
    return (c.isalnum() or c == "_") and c < "\u2e80"


def plain_whole_words(keys: list[str], text: str) -> list[tuple[int, int, int]]:
    """As the stage first found them: the plain automaton over the lower-cased text, every overlapping
    match, then those that no word character touches."""
    low = lower(text)
    found = AhoCorasick(keys, matchkind=MatchKind.Standard).find_matches_as_indexes(low, overlapping=True)
    return [(i, s, e) for i, s, e in found
            if not (s and glued(text[s - 1])) and not (e < len(text) and glued(text[e]))]


def fast_whole_words(keys: list[str], text: str) -> list[tuple[int, int, int]]:
    low = lower(text)
    found = WholeWords(keys).find(low)
    assert all(low[s:e] == keys[i] for i, s, e in found)  # never a match the text does not spell
    return [(i, s, e) for i, s, e in found
            if not (s and glued(text[s - 1])) and not (e < len(text) and glued(text[e]))]


def test_every_character_the_stage_does_not_glue_reads_as_a_space():
    """What makes the automaton miss no match: each character beside a term that the stage accepts
    reads as a space, whatever it lower-cases to (every code point)."""
    for code in range(0x110000):
        c = chr(code)
        if not glued(c) and not (0xD800 <= code < 0xE000):
            assert termindex._spaced(lower(c)) == b" ", repr(c)


def _keys(glossary: str) -> list[str]:
    return termindex.build(glossary_module.load([glossary])).keys


def test_the_seed_gives_the_plain_matches(seed_text, odd_glossary):
    for glossary in ("next-generation", GLOSSARY, odd_glossary):
        keys = _keys(glossary)
        assert fast_whole_words(keys, seed_text) == plain_whole_words(keys, seed_text)


odd_text = st.lists(st.one_of(st.sampled_from(ODD_WORDS), st.sampled_from(WORDS), st.sampled_from(MARKS),
                              st.sampled_from(SPACES), st.text(alphabet=HAN, min_size=1, max_size=3),
                              st.sampled_from([" ", " ", " ", "-"])), max_size=40).map("".join)


@pytest.fixture(scope="module")
def odd_keys(odd_glossary) -> list[str]:
    return _keys(odd_glossary)


@given(odd_text)
def test_generated_text_gives_the_plain_matches(odd_keys, text):
    assert fast_whole_words(odd_keys, text) == plain_whole_words(odd_keys, text)


def test_a_match_that_only_reads_alike_is_dropped(odd_glossary):
    """``co operation office`` reads as ``co-operation office`` does, but it is not what the text spells."""
    keys = _keys(odd_glossary)
    text = "The co-operation office and the co operation office."
    got = [text[s:e] for _, s, e in fast_whole_words(keys, text)]
    assert got == [text[s:e] for _, s, e in plain_whole_words(keys, text)]
    assert "co-operation office" in got and "co operation office" in got


# -- the whole stage with the plain code -------------------------------------------------------------


class PlainWords(WholeWords):
    """The automaton as the stage first ran it: every overlapping match of the lower-cased text."""

    def __init__(self, keys):
        self.keys = keys
        self.plain = AhoCorasick(keys, matchkind=MatchKind.Standard)

    def find(self, low):
        return self.plain.find_matches_as_indexes(low, overlapping=True)


@contextmanager
def plain_stage():
    """Set up with the plain automaton."""
    with mock.patch.object(termindex, "WholeWords", PlainWords):
        yield


_HITS = terms.Sweep.hits


@contextmanager
def whole_checks():
    """``Sweep.hits`` looks at both characters beside every match, wherever it comes from."""
    with mock.patch.object(terms.Sweep, "hits", lambda self, text, raw, heads=False, latin1_checked=False:
                           _HITS(self, text, raw, heads)):
        yield


def plain_clean(pipeline, text):
    with whole_checks():
        return pipeline.clean(text)


def outcome(doc):
    return (doc.text, [c.to_dict() for c in doc.changes], [s.to_dict() for s in doc.segments],
            [f.to_dict() for f in doc.flags])


@pytest.fixture(scope="module")
def pipelines(odd_glossary):
    """Per glossary: the pipeline with the plain code, and the one as it is."""
    glossaries = ("next-generation", GLOSSARY, odd_glossary)
    with plain_stage():
        plain = [Pipeline(terms=[g]) for g in glossaries]
    return list(zip(plain, [Pipeline(terms=[g]) for g in glossaries]))


def test_the_seed_is_cleaned_as_with_the_plain_code(seed_text, pipelines):
    for plain, fast in pipelines:
        assert outcome(fast.clean(seed_text)) == outcome(plain_clean(plain, seed_text))


@given(st.one_of(glossary_text, odd_text), st.sampled_from(range(3)))
def test_generated_text_is_cleaned_as_with_the_plain_code(pipelines, text, which):
    plain, fast = pipelines[which]
    assert outcome(fast.clean(text)) == outcome(plain_clean(plain, text))


# -- the Chinese forms in order; a URL anywhere -----------------------------------------------------


_NG_MATCHER = termindex.build(glossary_module.load(["next-generation"]))


def plain_zh_order(found):
    return sorted(found, key=lambda h: (h[1], -h[2]))


@given(st.lists(st.one_of(st.text(alphabet="关工委五老下一代省市", min_size=1, max_size=6), st.sampled_from(WORDS),
                          st.sampled_from(MARKS)), max_size=30).map("".join))
def test_chinese_forms_come_by_start_the_longest_first(text):
    doc = Document(text)
    sweep = terms.Sweep(doc, _NG_MATCHER, lambda rule: True)
    found = _NG_MATCHER.zh_automaton.find_matches_as_indexes(text, overlapping=True)
    assert sweep.zh_hits() == plain_zh_order(found)


def test_chinese_forms_of_the_seed_come_by_start_the_longest_first(seed_text):
    sweep = terms.Sweep(Document(seed_text), _NG_MATCHER, lambda rule: True)
    found = _NG_MATCHER.zh_automaton.find_matches_as_indexes(seed_text, overlapping=True)
    assert len(found) > 100 and sweep.zh_hits() == plain_zh_order(found)


PLAIN_URL_MARK = re.compile("|".join(re.escape(m) for m in polish._URL_MARKS))


@given(st.lists(st.sampled_from(["a", ":", "/", "//", "w", "ww", "www", ".", "@", " ", "中"]), max_size=20).map("".join))
def test_a_url_mark_is_found_as_the_search_finds_it(text):
    """The polish asks ``variant.may_hold_urls`` whether the text holds one of its URL marks."""
    assert polish.may_hold_urls(text) == (PLAIN_URL_MARK.search(text) is not None)


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 3)), max_size=30))
def test_hits_come_by_start_the_longest_first(hits):
    """Equal starts and ends keep their order (the third item tells them apart), as in one sort."""
    assert terms._by_start_longest_first(hits) == sorted(hits, key=lambda h: (h[0], -h[1]))


def plain_known(starts, ends, at):
    """As the consistency check first looked a position up among the chosen forms."""
    x = bisect_right(starts, at) - 1
    return x >= 0 and ends[x] > at


@given(st.lists(st.integers(0, 4), max_size=20), st.integers(0, 6))
def test_known_forms_are_where_the_search_finds_them(gaps, tail):
    """Chosen forms (sorted, not overlapping, some touching) from alternating gaps and lengths."""
    spans, pos = [], 0
    for gap, length in zip(gaps[::2], gaps[1::2]):
        spans.append((pos + gap, pos + gap + length + 1, None))
        pos += gap + length + 1
    n = pos + tail
    covered = terms._covered(spans, n)
    starts, ends = [s for s, _, _ in spans], [e for _, e, _ in spans]
    assert [bool(covered[at]) for at in range(n)] == [plain_known(starts, ends, at) for at in range(n)]


class PlainCovered:
    """The known forms looked up as the consistency check first did, with a search per position."""

    def __init__(self, spans, n):
        self.starts, self.ends = [s for s, _, _ in spans], [e for _, e, _ in spans]

    def __getitem__(self, at):
        return plain_known(self.starts, self.ends, at)


def flags_with_plain_lookups(pipeline, text):
    with mock.patch.object(terms, "_covered", PlainCovered):
        return outcome(pipeline.clean(text))


def test_the_seed_is_flagged_as_with_plain_lookups(seed_text, pipelines):
    flagged = 0
    for _, fast in pipelines:
        doc = fast.clean(seed_text)
        assert outcome(doc) == flags_with_plain_lookups(fast, seed_text)
        flagged += sum(f.rule == "term-inconsistent" for f in doc.flags)
    assert flagged


@given(st.one_of(glossary_text, odd_text), st.sampled_from(range(3)))
def test_generated_text_is_flagged_as_with_plain_lookups(pipelines, text, which):
    _, fast = pipelines[which]
    assert outcome(fast.clean(text)) == flags_with_plain_lookups(fast, text)


@given(st.lists(st.sampled_from(["Five", "elders", "ELDERS", "'", "’", "s", "S", " ", "İ", "Σ"]), max_size=8).map("".join))
def test_a_repair_is_looked_up_as_written_out(repaired):
    """The remembered form of a repair's text is the one worked out each time."""
    assert terms._bare(repaired) == terms._without_possessive(lower(repaired))
    assert terms._bare(repaired) == terms._without_possessive(lower(repaired))  # (remembered now)
