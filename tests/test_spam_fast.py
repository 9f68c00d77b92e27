"""The spam stage's fast paths against the plain ones they replace: each must give the same result."""

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from pipeline import spam as spam_module
from strategies import mixed_text, piece

# The pattern of the spaces the detector's view drops, as it was first written (one space not after a
# word or a dot and the spaces after it, or a run not followed by a word): the reference.
_W = spam_module._WORD_CHAR
PLAIN_DROP = re.compile(rf"[ \t](?<![{_W}.][ \t])[ \t]*|[ \t]+(?![ \t{_W}])")


def _drops(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def test_the_drop_pattern_drops_what_the_plain_one_did():
    """Every string of up to 6 characters over the classes that matter (a word character of each kind,
    a dot, both spaces, Chinese, a line break, a mark): the same stretches, not only the same text (the
    map back to the original depends on which space of a run is kept)."""
    for n in range(7):
        for chars in itertools.product("a1é. \t中\n,", repeat=n) if n < 6 else \
                itertools.product("a. \t中", repeat=n):
            text = "".join(chars)
            assert _drops(spam_module._SPACES_TO_DROP, text) == _drops(PLAIN_DROP, text), repr(text)


@given(st.lists(st.one_of(piece, st.sampled_from([" ", "  ", "\t ", " \t", ". ", "a  b", "中 a", "a 中"])),
                max_size=30).map("".join))
def test_the_drop_pattern_on_mixed_text(text):
    text = text.lower()
    assert _drops(spam_module._SPACES_TO_DROP, text) == _drops(PLAIN_DROP, text)
