"""English word forms for glossary terms: plurals, casing, sentence starts. Pure functions.

A term like "Working Committee for Caring for the Next Generation" is a noun phrase whose head noun is
not its last word: the plural is "Working Committees for ...", and a possessive goes at the end of the
whole phrase ("... Next Generation's"). The head is the word before the first preposition.
"""

from __future__ import annotations

from functools import lru_cache

import regex

MINOR = frozenset("a an and as at but by for from in into nor of on or per the to via with".split())
PREPOSITIONS = frozenset("about at by for from in into of on per to under with".split())
IRREGULAR = {"man": "men", "woman": "women", "person": "people", "child": "children", "foot": "feet",
             "tooth": "teeth", "mouse": "mice"}
PLURAL_ONLY = frozenset(["men", "women", "people", "children", "police", "news", "staff", "feet", "teeth",
                         "mice"])
_LETTER = regex.compile(r"\p{L}")
# What may stand between a sentence end and the sentence's first word: spaces and opening marks.
_OPENERS = frozenset(" \t\u00a0\u3000\"'“‘(（[【〔《「『")
_SENTENCE_ENDS = frozenset(".!?。！？…:;：；\n")
_COMMAS = frozenset(",，、")
_LATIN_OR_DIGIT = regex.compile(r"[\p{Latin}\p{N}]")


def head_index(words: list[str]) -> int:
    """The head noun of a phrase: the word before its first preposition, else its last word."""
    for i, w in enumerate(words):
        if i > 0 and w.lower() in PREPOSITIONS:
            return i - 1
    return len(words) - 1


def pluralize_word(word: str) -> str | None:
    """The plural of a noun, or None when it already is plural (``elders``, ``people``)."""
    if "-" in word:  # "five-star" -> "five-stars"
        first, _, last = word.rpartition("-")
        plural = pluralize_word(last)
        return None if plural is None else f"{first}-{plural}"
    low = word.lower()
    upper = word.isupper() and len(word) > 1
    if low in IRREGULAR:
        plural = IRREGULAR[low]
        return plural.upper() if upper else word[0] + plural[1:]
    already_plural = low.endswith("s") and not low.endswith(("ss", "us", "is"))
    if low in PLURAL_ONLY or already_plural or not low[-1:].isalpha():
        return None
    if low.endswith(("s", "x", "z", "ch", "sh")):
        suffix = "es"
    elif low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        word, suffix = word[:-1], "ies"
    else:
        suffix = "s"
    return word + (suffix.upper() if upper else suffix)


def pluralize(phrase: str) -> str | None:
    """Pluralize a noun phrase at its head noun; None when the head has no distinct plural."""
    words = phrase.split(" ")
    i = head_index(words)
    plural = pluralize_word(words[i])
    if plural is None:
        return None
    words[i] = plural
    return " ".join(words)


def title_case(phrase: str) -> str:
    """Heading style: every word capitalized except minor words after the first."""
    out = []
    for i, word in enumerate(phrase.split(" ")):
        if i and word.lower() in MINOR:
            out.append(word)
        else:
            out.append("-".join(p[:1].upper() + p[1:] for p in word.split("-")))
    return " ".join(out)


def is_title(text: str) -> bool:
    """Two or more major words, all capitalized ("Five Old Men", "Caring for the Next Generation")."""
    words = text.replace("-", " ").split()
    majors = [w for i, w in enumerate(words) if (i == 0 or w.lower() not in MINOR) and _LETTER.match(w)]
    return len(majors) >= 2 and all(w[0].isupper() for w in majors)


def is_shouted(text: str) -> bool:
    """All capitals, two letters or more ("CUSTOMS WORK COMMITTEE")."""
    return text.isupper() and sum(c.isalpha() for c in text[:8]) >= 2


@lru_cache(maxsize=4096)  # a document repeats its mistranslations: the same few arguments, again and again
def apply_case(matched: str, canonical: str, mode: str, initial: bool) -> str:
    """The canonical form, cased for the place where ``matched`` stood.

    ``exact``: as written, always. ``keep`` (default): as written, but an all-capitals match gives
    all capitals and a capital at a sentence start is kept. ``title``: like ``keep``, and a match in
    heading style gives the canonical in heading style. Applying it to its own result changes nothing.
    """
    if mode == "exact":
        return canonical
    if is_shouted(matched) and is_shouted(canonical.upper()):
        return canonical.upper()
    out = canonical
    # (A canonical already in heading style, or of one major word, has no heading style of its own.)
    if mode == "title" and is_title(matched) and not is_title(canonical) and is_title(title_case(canonical)):
        out = title_case(canonical)
    if initial and matched[:1].isupper() and out[:1].islower():
        out = out[0].upper() + out[1:]
    return out


def sentence_initial(text: str, pos: int) -> bool:
    """Whether ``pos`` starts a sentence or clause: nothing English before it in the clause.

    Skips spaces and opening quotes or brackets; then the start of the text, a line break, a sentence
    or clause end, a Chinese character or mark, or a comma right after Chinese all count as a start.
    """
    i = pos - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    if i < 0:
        return True
    c = text[i]
    if c in _SENTENCE_ENDS:
        return True
    if c in _COMMAS:
        return i == 0 or not _LATIN_OR_DIGIT.match(text[i - 1])
    return not _LATIN_OR_DIGIT.match(c) and c not in "-–—/&+%$#@*,'’\")]）】〕》」』"
