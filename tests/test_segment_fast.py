"""The segment stage's fast patterns against the plain ones they replace: the same tokens, labels and
answers, on real text, on every short string over the characters at the edges of the classes, and on
generated text."""

import itertools
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pipeline.script_classes import HAN, LATIN, OTHER_SCRIPTS
from pipeline.stages import segment
from pipeline.typography import form_fold
from strategies import piece

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

# As first written: one group per label, the whole classes in the lookahead.
_NUMBER = r"\d(?<!\d\d)(?<!\d[.,:/\-]\d)\d*(?:[.,:/\-]\d+)*%?[ \t]*"
PLAIN_TOKEN = re.compile(
    rf"(?=[{HAN}{LATIN}{OTHER_SCRIPTS}\d])(?:"
    rf"(?P<z>{segment._HAN}+(?:{segment._HAN_INNER}+{segment._HAN}+)*)"
    rf"|(?P<e>(?:{_NUMBER})?[{LATIN}](?:{segment._LATIN_JOIN}*(?:{segment._LATIN_DOT}{segment._LATIN_JOIN}*)*"
    rf"[{LATIN}\d%])?)"
    rf"|(?P<o>[{OTHER_SCRIPTS}]+))"
)
PLAIN_FUNCTION_WORD = re.compile(r"\b(?:[Tt]he|THE|[Aa]nd|AND)\b")


def tokens(pattern: re.Pattern, text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.lastgroup or "e") for m in pattern.finditer(text)]


def function_words(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    """Every search the stage makes: from each position to each later one would be too many; from every
    position to the end, and over every stretch between two non-letters."""
    cuts = [0] + [i for i, c in enumerate(text) if not c.isalpha()] + [len(text)]
    found = [pattern.search(text, s) for s in range(len(text) + 1)]
    found += [pattern.search(text, s, e) for s, e in zip(cuts, cuts[1:])]
    found += [pattern.search(text, s, e) for s, e in zip(cuts, cuts[2:])]
    return [m.span() if m else None for m in found]


# A digit of another script inside the BMP (U+0663, also Arabic) and above it (U+104A3, U+1D7D9), Latin,
# Han and the other scripts above the BMP, a code point reserved for Han, full-width forms, the marks
# that join or end a phrase, and the function words' letters.
EDGES = ("a中٣\U000104a3\U0001d7d9\U00010780\U00020000\U0003347aЯ\U0001b000ＡＺ５"
         " .,;:%-()\"。\n\tTtheHEAndndND_²")
edge_text = st.text(alphabet=EDGES, max_size=40)


def real_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.rglob("*")) if p.is_file()]
    assert texts
    return texts + [form_fold()(t) for t in texts]


def test_tokens_on_real_text():
    for text in real_texts():
        assert tokens(segment._TOKEN, text) == tokens(PLAIN_TOKEN, text)


def test_tokens_on_every_short_string_of_edge_classes():
    alphabet = "a中٣\U000104a3\U00010780Я5 .,%"
    for n in range(6):
        for chars in itertools.product(alphabet, repeat=n):
            text = "".join(chars)
            assert tokens(segment._TOKEN, text) == tokens(PLAIN_TOKEN, text), repr(text)


@given(st.one_of(edge_text, st.lists(st.one_of(piece, edge_text), max_size=20).map("".join)))
def test_tokens_as_the_plain_ones(text):
    assert tokens(segment._TOKEN, text) == tokens(PLAIN_TOKEN, text)
    assert tokens(segment._TOKEN, form_fold()(text)) == tokens(PLAIN_TOKEN, form_fold()(text))


def test_function_words_on_real_text():
    for text in real_texts()[:2]:
        text = text[:3000]
        assert function_words(segment._ENGLISH_FUNCTION_WORD, text) == function_words(PLAIN_FUNCTION_WORD, text)


@given(st.one_of(edge_text, st.lists(st.sampled_from(["the", "The", "THE", "and", "And", "AND", "tHE", "aND",
                                                      "x", "中", "_", "²", " ", ",", "é"]), max_size=12).map("".join)))
def test_function_words_as_the_plain_ones(text):
    assert function_words(segment._ENGLISH_FUNCTION_WORD, text) == function_words(PLAIN_FUNCTION_WORD, text)


def gaps_after_tokens(text: str) -> list[tuple[str, int, int]]:
    """Each token's label, and the gap between it and the next token."""
    found = tokens(segment._TOKEN, text)
    return [(lang, end, nxt) for (_s, end, lang), (nxt, _e, _l) in zip(found, found[1:]) if end < nxt]


def check_first_character_settles_clause_ends(text: str) -> None:
    """What ``_embed_short_latin`` reads from a gap's first character, without the search: ``。?!`` and a
    line end always end the clause; after a Han stretch (which ends on a Han character, no digit) the
    ASCII marks do too."""
    for lang, end, nxt in gaps_after_tokens(text):
        if text[end] in segment._ALWAYS_ENDS or lang == "z" and text[end] in segment._ENDS_AFTER_HAN:
            assert segment._CLAUSE_END.search(text, end, nxt), (text, end, nxt)


def test_first_character_settles_clause_ends_on_real_text():
    for text in real_texts():
        check_first_character_settles_clause_ends(text)


@given(st.one_of(edge_text, st.lists(st.one_of(piece, edge_text), max_size=20).map("".join)))
def test_first_character_settles_clause_ends(text):
    check_first_character_settles_clause_ends(form_fold()(text))
