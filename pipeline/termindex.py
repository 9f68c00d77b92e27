"""The glossary compiled for the ``terms`` stage: one Aho-Corasick automaton over every form.

Built once per run (``build``): the canonical English of every term, its plural, the variants, their
plurals and the variants derived for nested terms, lower-cased, plus the head nouns the consistency
check looks for; a second automaton over the Chinese forms; and the indexes that keep the per-match
work independent of the glossary's size (docs/terms.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex
from ahocorasick_rs import AhoCorasick, BytesAhoCorasick, MatchKind

from .glossary import Glossary
from .inflect import head_index, pluralize

STOP = frozenset("a an and at by for in of on the to with".split())
WORD = r"[\p{Latin}\p{N}]+(?:['’\-][\p{Latin}\p{N}]+)*"
_TOKEN = regex.compile(WORD)
# Letters and digits only: how a repair's neighbour is looked up (see _compositions).
PLAIN = r"[\p{Latin}\p{N}]+"
_PLAIN_TOKEN = regex.compile(PLAIN)
# How the automaton reads the lower-cased text (``WholeWords``): one byte per character, Latin-1 as it
# is, but every character that is not a letter, a digit or ``_`` as a space (those beyond Latin-1 are
# ``?`` to the encoder first, so a space too).
_WORD_BYTES = bytes(i if (chr(i).isalnum() or chr(i) == "_") else 0x20 for i in range(256))


def _spaced(text: str) -> bytes:
    return text.encode("latin-1", "replace").translate(_WORD_BYTES)


class WholeWords:
    """The patterns where no letter or digit touches them, found by one automaton pass.

    Each pattern goes into the automaton between two spaces, and the text is read as ``_spaced`` reads
    it, with a space before and after it: a pattern is then found only where the characters beside it
    read as spaces, which every character the stage does not glue to a word does (``terms.hits`` keeps
    its own check, for the letters beyond Latin-1 that are read as spaces here). Most of the matches
    inside words (``office`` in ``officer``) never leave the automaton, and it reads one byte per
    character instead of the text's UTF-8. A pattern with a character that reads as a space (a space, a
    hyphen, anything beyond Latin-1) may be found where another such character stands: such a match is
    checked against the text. tests/test_terms_fast.py compares it with the plain automaton."""

    def __init__(self, keys: list[str]):
        self.keys = keys
        # A pattern of letters and digits alone is found only where the text spells it.
        self.exact = [b" " not in _spaced(k) for k in keys]
        self.automaton = BytesAhoCorasick([b" " + _spaced(k) + b" " for k in keys], matchkind=MatchKind.Standard)

    def find(self, low: str) -> list[tuple[int, int, int]]:
        """Every match ``(pattern, start, end)`` in ``low`` (the text lower-cased, ``lower``) with no
        Latin-1 letter or digit beside it, by end (as the plain automaton gives them, overlapping)."""
        keys, exact = self.keys, self.exact
        found = self.automaton.find_matches_as_indexes(b" " + _spaced(low) + b" ", overlapping=True)
        # (A match in the padded text starts at the space before the pattern: one before its start in
        # ``low``, which the leading space makes up for; it ends after the space after it.)
        return [(i, s, e - 2) for i, s, e in found if exact[i] or low[s:e - 2] == keys[i]]


@dataclass(frozen=True, slots=True)
class Form:
    term: int  # index into Glossary.terms
    plural: bool
    rule: str  # term-variant or term-case
    weak: bool


@dataclass
class Matcher:
    """The glossary compiled for matching: built once in ``setup``."""

    glossary: Glossary
    automaton: WholeWords | None
    forms: list[Form | None]  # per pattern: the form it spells, if it is one
    heads: list[tuple[int, ...]]  # per pattern: the terms whose head noun it is
    pairs: dict[tuple[int, str], tuple[int, ...]]  # (head pattern, content word) -> terms with both
    plurals: list[str]  # per term: the canonical plural ('' when it has none)
    vocab: list[frozenset[str]]  # per term: the content words of all its forms
    known: list[frozenset[tuple[str, ...]]]  # per term: its forms as content-word keys
    known_sets: list[tuple[frozenset[str], ...]]  # per term: the content words of each form
    file_of: list[str]
    zh_automaton: AhoCorasick | None
    zh_terms: list[int]  # per Chinese pattern: its term
    keys: list[str]  # the patterns, lower case
    # Repairs next to repairs: per canonical form (lower case), the patterns that hold or overlap it,
    # by the word before and by the word after it (see _compositions).
    around: dict[str, tuple[dict, dict]]


def lower(text: str) -> str:
    """``text.lower()`` with the same length (a few characters, like İ, lower to two)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@lru_cache(maxsize=1 << 16)
def word_key(word: str) -> str:
    """A content word as the consistency check compares it: lower case, no possessive, singular."""
    w = word.lower()
    for suffix in ("'s", "’s", "'", "’"):
        if w.endswith(suffix):
            w = w[: -len(suffix)]
            break
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def content_key(text: str) -> tuple[str, ...]:
    return tuple(word_key(w) for w in _TOKEN.findall(text) if w.lower() not in STOP)


def build(glossary: Glossary) -> Matcher:
    """One automaton over every form: canonical forms first, so that they win a shared spelling."""
    slots: dict[str, int] = {}
    forms: list[Form | None] = []
    heads: list[tuple[int, ...]] = []

    def slot(text: str) -> int:
        key = lower(" ".join(text.split()))
        if key not in slots:
            slots[key] = len(forms)
            forms.append(None)
            heads.append(())
        return slots[key]

    def add(text: str, form: Form) -> None:
        i = slot(text)
        if forms[i] is None:
            forms[i] = form
        words = text.split()
        h = slot(words[head_index(words)])
        if form.term not in heads[h]:
            heads[h] += (form.term,)

    terms = glossary.terms
    plurals = [t.plural or pluralize(t.en) or "" for t in terms]
    all_forms: list[list[str]] = [[] for _ in terms]
    for i, t in enumerate(terms):
        for text, plural in ((t.en, False), (plurals[i], True)):
            if text:
                add(text, Form(i, plural, "term-case", False))
                all_forms[i].append(text)
    variant_forms: list[list[tuple[str, bool, bool]]] = [[] for _ in terms]  # (text, plural, weak)
    for weak in (False, True):
        for i, t in enumerate(terms):
            for v in t.weak_variants if weak else t.variants:
                vp = pluralize(v)
                variant_forms[i] += [(v, False, weak)] + ([(vp, True, weak)] if vp else [])
    for i, vs in enumerate(variant_forms):
        for v, plural, weak in vs:
            add(v, Form(i, plural, "term-variant", weak))
            all_forms[i].append(v)
    # A term whose English holds another's ("Provincial" + 关工委's) takes that term's variants in its
    # place too: "Provincial Customs Work Committee" is repaired to 省关工委 in one step.
    for i, plural, outer, (a, b), j, inner_plural in _nested(terms, plurals):
        for v, v_plural, weak in variant_forms[j]:
            if v_plural == inner_plural:
                derived = outer[:a] + lower(v) + outer[b:]
                add(derived, Form(i, plural, "term-variant", weak))
                all_forms[i].append(derived)
    keys = sorted(slots, key=slots.get)
    automaton = WholeWords(keys) if keys else None
    zh_keys: dict[str, int] = {}
    for i, t in enumerate(terms):
        for zh in (t.zh, *t.zh_variants):
            zh_keys.setdefault(zh, i)
    zh_automaton = AhoCorasick(list(zh_keys), matchkind=MatchKind.Standard) if zh_keys else None
    canonical = {lower(" ".join(f.split())) for i, t in enumerate(terms) for f in (t.en, plurals[i]) if f}
    around = _compositions(keys, forms, canonical)
    keyed = [[content_key(f) for f in fs] for fs in all_forms]
    vocab = [frozenset(w for k in ks for w in k) for ks in keyed]
    return Matcher(
        glossary=glossary, automaton=automaton, forms=forms, heads=heads, plurals=plurals,
        vocab=vocab,
        pairs=_pairs(heads, vocab),
        known=[frozenset(ks) for ks in keyed],
        known_sets=[tuple(frozenset(k) for k in ks) for ks in keyed],
        file_of=[t.file for t in terms], zh_automaton=zh_automaton, zh_terms=list(zh_keys.values()),
        keys=keys,
        around=around,
    )


def _nested(terms, plurals):
    """Canonical forms that hold another term's canonical form as whole words:
    ``(term, plural, its form in lower case, (start, end) of the inner form, inner term, inner plural)``."""
    owners: dict[str, tuple[int, bool]] = {}
    for i, t in enumerate(terms):
        for text, plural in ((t.en, False), (plurals[i], True)):
            if text:
                owners.setdefault(lower(" ".join(text.split())), (i, plural))
    ordered = sorted(owners)
    automaton = AhoCorasick(ordered, matchkind=MatchKind.Standard)
    for outer in ordered:
        i, plural = owners[outer]
        for ri, a, b in automaton.find_matches_as_indexes(outer, overlapping=True):
            j, inner_plural = owners[ordered[ri]]
            if j != i and (a == 0 or outer[a - 1] == " ") and (b == len(outer) or outer[b] == " "):
                yield i, plural, outer, (a, b), j, inner_plural


def _pairs(heads, vocab) -> dict[tuple[int, str], tuple[int, ...]]:
    """Index the terms by (head word, another of their words): a head shared by thousands of terms
    ("system") is then narrowed by the word beside it in one look-up."""
    pairs: dict[tuple[int, str], list[int]] = {}
    for h, terms in enumerate(heads):
        for t in terms:
            for word in vocab[t]:
                pairs.setdefault((h, word), []).append(t)
    return {k: tuple(v) for k, v in pairs.items()}


def _compositions(keys: list[str], forms: list, canonical: set[str]):
    """Which patterns a repair can complete, for each canonical form it may write.

    A repair writes a canonical form R; the words around it may then complete a pattern Q that holds
    R ("provincial" + R = 省关工委's canonical) or that shares R's first or last words (a variant
    "customs and working committee" before R = "working committee for ..."). For each R, two tables:
    the patterns that go on before R, by the word just before R, and the ones that go on after R, by
    the word just after it; each entry ``(Q, delta)``: Q starts ``delta`` characters before R.
    """
    ordered = sorted(canonical)
    automaton = AhoCorasick(ordered, matchkind=MatchKind.Standard)
    around: dict[str, tuple[dict, dict]] = {}

    def add(r: str, qi: int, delta: int) -> None:
        q = keys[qi]
        before, after = around.setdefault(r, ({}, {}))
        if delta > 0:
            word = q[: delta - 1].rsplit(" ", 1)[-1]
            words = [word] if word.isalnum() else _PLAIN_TOKEN.findall(word)
            if words:
                before.setdefault(words[-1], []).append((qi, delta))
        else:
            rest = q[len(r) + delta :]  # what Q holds after R: " word ..."
            word = rest[1:].split(" ", 1)[0] if rest.startswith(" ") else ""
            words = [word] if word.isalnum() else _PLAIN_TOKEN.findall(word)
            if words:
                after.setdefault(words[0], []).append((qi, delta))

    prefixes: dict[str, list[int]] = {}  # a proper word prefix of a pattern -> patterns
    suffixes: dict[str, list[int]] = {}
    for qi, q in enumerate(keys):
        if forms[qi] is None:
            continue
        for ri, a, b in automaton.find_matches_as_indexes(q, overlapping=True):
            if (b - a) < len(q) and (a == 0 or q[a - 1] == " ") and (b == len(q) or q[b] == " "):
                add(ordered[ri], qi, a)
        words = q.split(" ")
        for k in range(1, len(words)):
            prefixes.setdefault(" ".join(words[:k]), []).append(qi)
            suffixes.setdefault(" ".join(words[k:]), []).append(qi)
    for r in ordered:
        words = r.split(" ")
        for k in range(1, len(words)):
            head, tail = " ".join(words[:k]), " ".join(words[k:])
            for qi in prefixes.get(tail, ()):  # Q begins with R's last words
                if len(keys[qi]) > len(tail):
                    add(r, qi, -(len(head) + 1))
            for qi in suffixes.get(head, ()):  # Q ends with R's first words
                if len(keys[qi]) > len(head):
                    add(r, qi, len(keys[qi]) - len(head))
    return around
