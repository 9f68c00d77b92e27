"""Terms: repair mistranslated glossary terms in English runs and flag the ones it cannot decide.

Only runs when glossaries are given (``--terms NAME|PATH``). Every form of every term (the canonical
English, its variants, and the plurals of both) goes into one Aho-Corasick automaton
(``pipeline.termindex``), matched against the lower-cased text in one pass, so a 10,000-entry glossary
costs about what a 10-entry one does.

Rules (each can be switched off with ``--disable RULE``):
- ``term-variant`` (change): a known wrong rendering becomes the canonical English.
- ``term-case`` (change): the canonical English in another casing gets the glossary's casing.
- ``term-inconsistent`` (flag): an unknown rendering of a term the document also holds another way.
- ``term-untranslated`` (flag): a Chinese glossary term left untranslated inside an English clause.

Matching (docs/terms.md has the reasons):
- English runs only (``doc.segments``); never inside a span the spam stage flagged.
- Whole words: no Latin letter or digit may touch either end. Case-insensitive.
- Overlaps: the leftmost match wins, at the same start the longest; what it covers is not matched again.
  A term holding another (省关工委 holds 关工委) also takes the inner term's variants in its place, so
  ``provincial Customs Work Committee`` is one repair; any other pattern that a repair completes is
  found by looking at each repair again, until nothing changes (idempotence).
- Plurals: a plural match gives the canonical plural (head noun plural: ``Working Committees for ...``).
- Possessives: ``'s`` or a plural's ``'`` after a match moves to the end of the replacement.
- Weak variants (ordinary English) are repaired only in a document that shows the glossary's domain:
  one of its strong variants, or one of its Chinese terms.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache
from operator import itemgetter
from typing import Callable

import regex

from .. import glossary as glossary_module
from ..document import Document, Edit, Flag, merge_spans
from ..inflect import apply_case, sentence_initial
from ..options import Options
from ..termindex import PLAIN, STOP, WORD, Form, Matcher, build, lower, word_key

NAME = "terms"
RULES = ("term-variant", "term-case", "term-inconsistent", "term-untranslated")


def context(options: Options) -> str:
    """Consistency is judged over the whole document: with a glossary, large files are not cut."""
    return "document" if options.terms and options.enabled(NAME) else "paragraph"

MAX_SWEEPS = 4  # repairs next to repairs; a sane glossary needs two
MAX_POLISH = 4  # rounds of repairs and the earlier stages over them; the second repairs nothing in practice
# The word just before a position (matched backwards from it) and just after, across one space.
_WORD_BEFORE = regex.compile(r"(?r)(?<![\p{Latin}\p{N}])(" + WORD + ") ")
_WORD_AFTER = regex.compile(r" (" + WORD + r")(?![\p{Latin}\p{N}])")
# The same, letters and digits only: how a repair's neighbour is looked up (termindex._compositions).
_PLAIN_BEFORE = regex.compile(r"(?r)(?<![\p{Latin}\p{N}])(" + PLAIN + ") ")
_PLAIN_AFTER = regex.compile(r" (" + PLAIN + r")(?![\p{Latin}\p{N}])")
MAX_PHRASE_WORDS = 12
_HAN = regex.compile(r"\p{Han}")
UNTRANSLATED_SPARE_HAN = 2  # Han characters beside the term in its stretch (省, 市, 全省 ...)
UNTRANSLATED_MAX_CHARS = 40  # a longer Chinese run is a clause of its own


def setup(options: Options) -> Callable[[Document], None]:
    if not options.terms:
        return lambda doc: None
    from ..polish import Polish  # it imports the registry, which imports this module

    matcher = build(glossary_module.load(options.terms))
    on = options.enabled
    polish = Polish(NAME, options)

    def run(doc: Document) -> None:
        if not doc.text:
            return
        # A repair changes words, and the stages before this one decide by words: a line's length
        # (structure), a clause's language (``Ten little stars，`` is English, ``Ten Little Stars，`` a
        # name inside Chinese). They see the repaired text again where a repair can matter to them
        # (pipeline/polish.py), and this stage after them, until it repairs nothing more: cleaning the
        # output again then changes nothing.
        for _ in range(MAX_POLISH):
            first = len(doc.changes)
            if not Sweep(doc, matcher, on).run():
                return
            polish(doc, first)

    return run


# -- one document ----------------------------------------------------------------------------------


def _is_word_char(c: str) -> bool:
    # Latin, Greek, Cyrillic letters and digits glue to a term; Han, kana and marks do not.
    return (c.isalnum() or c == "_") and c < "\u2e80"


def _without_possessive(text: str) -> str:
    for mark in ("'s", "’s", "'", "’"):
        if text.endswith(mark):
            return text[: -len(mark)]
    return text


@lru_cache(maxsize=4096)  # a document repeats its repairs: the same few texts, again and again
def _bare(repaired: str) -> str:
    """What a repair wrote, as its canonical form is looked up: lower case, without a possessive."""
    return _without_possessive(lower(repaired))


def _may_have_partner(text: str, s: int, e: int, vocab: frozenset[str]) -> bool:
    """A quick look with string methods before the careful one: is the nearest content word before
    the head, or the one after a preposition that follows it, one of ``vocab``? (True when unsure.)"""
    p = s
    for _ in range(4):  # the head, then up to three stop words to the left
        if p < 2 or text[p - 1] != " ":
            break
        k = text.rfind(" ", max(0, p - 32), p - 1)
        if k < 0:
            return True  # a long word, or the text's first: let the careful look decide
        word = text[k + 1 : p - 1].lower()
        if not word.isalpha():
            return True
        if word not in STOP:
            if word_key(word) in vocab:
                return True
            break
        p = k + 1
    p = e
    for i in range(4):
        if text[p : p + 1] != " ":
            return False
        k = text.find(" ", p + 1, p + 32)
        word = text[p + 1 : k if k > 0 else p + 32].lower()
        if not word.isalpha():
            return i > 0  # after a preposition: let the careful look decide
        if word not in STOP:
            return i > 0 and word_key(word) in vocab
        p = k if k > 0 else p + 32
    return False


def _covered(spans, n: int) -> bytearray:
    """1 at each position inside one of ``spans`` (``(start, end, ...)``), 0 elsewhere: for sorted spans
    that do not overlap, what a search for the last span that starts at or before a position and a look
    at its end tell (``bisect``), in one index."""
    covered = bytearray(n)
    for s, e, *_ in spans:
        covered[s:e] = b"\x01" * (e - s)
    return covered


def _by_start_longest_first(hits: list[tuple]) -> list[tuple]:
    """``sorted(hits, key=lambda h: (h[0], -h[1]))`` in two stable sorts by one item each (a third of the
    time): by end, the longest first, then by start."""
    out = sorted(hits, key=itemgetter(1), reverse=True)  # (reverse keeps the order of equal ends)
    out.sort(key=itemgetter(0))
    return out


def _run_bounds(segs, seg_starts, at: int, n: int) -> tuple[int, int]:
    """The start and end of the language run that holds ``at`` (the whole text without runs)."""
    if not segs:
        return 0, n
    g = segs[bisect_right(seg_starts, at) - 1]
    return g.start, g.end


def _rendering(left, head, right, vocab):
    """The run of ``vocab`` words around ``head`` (stop words inside only): (start, end, key) or None."""
    words = [head]
    for w in left:
        if w[3] is not None and w[3] not in vocab:
            break
        words.insert(0, w)
    for w in right:
        if w[3] is not None and w[3] not in vocab:
            break
        words.append(w)
    while words[0][3] is None:
        words.pop(0)
    while words[-1][3] is None:
        words.pop()
    key = tuple(w[3] for w in words if w[3] is not None)
    return (words[0][0], words[-1][1], key) if len(key) >= 2 else None


class Sweep:
    """Repairs and flags for one document (the matcher is shared and read-only)."""

    def __init__(self, doc: Document, matcher: Matcher, on: Callable[[str], bool]):
        self.doc, self.m, self.on = doc, matcher, on
        self._zh_hits: list[tuple[int, int, int]] | None = None
        self.attested: set[str] = set()
        self._zh_files: set[str] | None = None
        self.spam: list[tuple[int, int]] = []

    def run(self) -> bool:
        """Repair what the text holds; True when something was repaired. Only a sweep that repairs
        nothing flags: the flags of a repairing sweep would be on a text that the earlier stages and
        another sweep are still to look at."""
        doc, m = self.doc, self.m
        if m.automaton is None:
            return False
        text = doc.text
        low = lower(text)
        raw = self.m.automaton.find(low)
        form_hits, head_hits = self.hits(text, raw, heads=True, latin1_checked=True)
        # The files whose domain the document shows by a strong variant (weak variants need one).
        self.attested = {m.file_of[f.term] for _, _, f in form_hits
                         if f.rule == "term-variant" and not f.weak}
        chosen = self.choose(form_hits)
        applied = doc.apply(NAME, self.edits(text, chosen))
        if not applied:
            self.flag(text, chosen, head_hits)
            return False
        for _ in range(MAX_SWEEPS - 1):
            # Look again at each repair: with its neighbours it may now form a longer term.
            text = doc.text
            chosen = self.choose(self.hits(text, self.composed(text, doc.changes[-applied:]))[0])
            applied = doc.apply(NAME, self.edits(text, chosen))
            if not applied:
                break
        return True

    def flag(self, text: str, chosen, head_hits) -> None:
        """The flags of a text this sweep leaves as it is."""
        if self.on("term-inconsistent"):
            # Unknown renderings are flagged, then kept only for the terms the document renders two ways.
            held = {f.term for _, _, f in chosen}  # terms the document holds in a known form
            self.settle_unknown(self.unknown_renderings(text, chosen, head_hits), held)
        if self.on("term-untranslated"):
            self.flag_untranslated(text)

    # -- matching --------------------------------------------------------------------------------

    def composed(self, text: str, changes):
        """Pattern matches that the given repairs may have completed: ``(pattern, start, end)``."""
        m = self.m
        raw = []
        for c in changes:
            form = _bare(c.after)
            tables = m.around.get(form)
            if tables is None:
                continue
            candidates = []
            if tables[0] and text[c.start - 1 : c.start] == " ":
                w = _PLAIN_BEFORE.match(text, max(0, c.start - 64), c.start)
                candidates += tables[0].get(w.group(1).lower(), ()) if w else ()
            end = c.start + len(form)
            if tables[1] and text[end : end + 1] == " ":
                w = _PLAIN_AFTER.match(text, end, end + 64)
                candidates += tables[1].get(w.group(1).lower(), ()) if w else ()
            for qi, delta in candidates:
                s = c.start - delta
                q = m.keys[qi]
                if s >= 0 and lower(text[s : s + len(q)]) == q:
                    raw.append((qi, s, s + len(q)))
        return raw

    def hits(self, text: str, raw, heads: bool = False, latin1_checked: bool = False):
        """The automaton's matches ``(pattern, start, end)`` that are whole words inside English runs
        and outside spam: ``(start, end, form)`` and, if asked, head words ``(start, end, pattern)``.
        ``latin1_checked``: the matches come from ``WholeWords.find``, which gives none with a Latin-1
        letter or digit beside it; only the characters beyond Latin-1 are left to look at."""
        m = self.m
        forms, head_terms = m.forms, m.heads
        # The spam stage marks what it leaves in place (flag mode) with flags of stage "spam"; flags
        # move with every repair, so they are read again for each look.
        self.spam = spam = merge_spans((f.start, f.end) for f in self.doc.flags
                                  if f.stage == "spam" and f.end > f.start)
        segs = self.doc.segments
        starts = [g.start for g in segs]
        english = [g.lang == "en" for g in segs]
        last = len(segs) - 1
        k = 0  # the run that holds the end of the match (the automaton gives matches by their end)
        n = len(text)
        form_hits, head_hits = [], []
        wide = "\xff" if latin1_checked else ""  # (every character is above "")
        for idx, s, e in raw:
            if s:
                c = text[s - 1]
                if c > wide and (c.isalnum() or c == "_") and c < "\u2e80":  # glued to a Latin word
                    continue
            if e < n:
                c = text[e]
                if c > wide and (c.isalnum() or c == "_") and c < "\u2e80":
                    continue
            if starts:  # the whole match in one English run
                if starts[k] > e - 1:  # (out of order: looked up)
                    k = bisect_right(starts, e - 1) - 1
                while k < last and starts[k + 1] <= e - 1:
                    k += 1
                if not english[k] or starts[k] > s:
                    continue
            if spam and self.in_spam(s, e):
                continue
            f = forms[idx]
            if f is not None:
                form_hits.append((s, e, f))
            if heads and head_terms[idx]:
                head_hits.append((s, e, idx))
        return form_hits, head_hits

    def in_spam(self, s: int, e: int) -> bool:
        i = bisect_right(self.spam, (s, float("inf"))) - 1
        return (i >= 0 and self.spam[i][1] > s) or (i + 1 < len(self.spam) and self.spam[i + 1][0] < e)

    def zh_hits(self) -> list[tuple[int, int, int]]:
        """Every Chinese form in the text as it was first seen, ``(pattern, start, end)`` by start.
        The stage edits English only, so these offsets hold until its first repair is applied."""
        if self._zh_hits is None:
            zh = self.m.zh_automaton
            found = zh.find_matches_as_indexes(self.doc.text, overlapping=True) if zh else []
            # By start, the longest first: the automaton gives them by end, so among those that start
            # together the longest comes last; read backwards, a stable sort by start keeps it first.
            self._zh_hits = sorted(reversed(found), key=itemgetter(1))
        return self._zh_hits

    def zh_present(self) -> set[int]:
        """Terms whose Chinese form occurs anywhere in the document."""
        return {self.m.zh_terms[i] for i, _, _ in self.zh_hits()}

    def domain_shown(self, file: str) -> bool:
        if file not in self.attested and self._zh_files is None:
            self._zh_files = {self.m.file_of[t] for t in self.zh_present()}
        return file in self.attested or file in self._zh_files

    def choose(self, form_hits):
        """Leftmost match first; at the same start the longest; weak variants only where attested."""
        chosen = []
        end = -1
        for s, e, f in _by_start_longest_first(form_hits):
            if s < end:
                continue
            if f.weak and not self.domain_shown(self.m.file_of[f.term]):
                continue
            chosen.append((s, e, f))
            end = e
        return chosen

    def edits(self, text: str, chosen) -> list[Edit]:
        out = []
        for s, e, f in chosen:
            if self.on(f.rule):
                # The canonical form as written, no possessive after it: nothing to do (``repair`` gives it
                # back as it is). Most matches once the text is repaired.
                if text[e : e + 1] not in ("'", "’") and text[s:e] == self.canonical(f):
                    continue
                edit = self.repair(text, s, e, f)
                if text[edit.start : edit.end] != edit.after:
                    out.append(edit)
        return out

    def canonical(self, f: Form) -> str:
        plural = self.m.plurals[f.term] if f.plural else ""
        return plural or self.m.glossary.terms[f.term].en

    def repair(self, text: str, s: int, e: int, f: Form) -> Edit:
        term = self.m.glossary.terms[f.term]
        canonical = self.canonical(f)
        after = apply_case(text[s:e], canonical, term.case, sentence_initial(text, s))
        mark = text[e : e + 1]
        if mark in ("'", "’"):
            # The possessive belongs to the whole phrase: "Committee's" -> "... Next Generation's".
            if text[e + 1 : e + 2] in ("s", "S") and not (e + 2 < len(text) and _is_word_char(text[e + 2])):
                return Edit(s, e + 2, after + mark + ("" if after[-1:] in "sS" else text[e + 1]), f.rule)
            quoted = s > 0 and text[s - 1] in ("'", "‘")  # then the mark closes a quotation
            if text[e - 1] in "sS" and not quoted and not (e + 1 < len(text) and _is_word_char(text[e + 1])):
                return Edit(s, e + 1, after + mark + ("" if after[-1:] in "sS" else "s"), f.rule)
        return Edit(s, e, after, f.rule)

    # -- flags -----------------------------------------------------------------------------------

    def unknown_renderings(self, text: str, chosen, head_hits) -> list[tuple[int, Flag, tuple, str]]:
        """Renderings of glossary terms that the glossary does not know, each flagged (to be settled).

        A rendering is a run of the term's own content words (joined by single spaces and the words
        of STOP) around one of its head nouns, outside every known form, with two content words in
        common with one known form. Only terms the document holds (a known form or the Chinese) count.
        """
        m = self.m
        eligible = {f.term for _, _, f in chosen} | self.zh_present()
        covered = _covered(chosen, len(text))  # where a known form stands: one look per head or word
        known = covered.__getitem__
        segs = self.doc.segments
        seg_starts = [g.start for g in segs]

        found: dict[tuple[int, int], tuple[int, tuple[str, ...]]] = {}
        # Per head: the words of its eligible terms (none: none of its terms is in the document).
        vocab_of = {idx: frozenset().union(*(m.vocab[t] for t in m.heads[idx] if t in eligible))
                    for idx in {idx for _, _, idx in head_hits}}
        held_pairs: dict[tuple[int, str], tuple[int, ...]] = {}  # ``m.pairs`` of the eligible terms
        # (The heads with such words that are not part of a known rendering, picked in one pass.)
        for s, e, idx in [h for h in head_hits if vocab_of[h[2]] and not covered[h[0]]]:
            vocab = vocab_of[idx]
            if not _may_have_partner(text, s, e, vocab):
                continue  # no word of its terms beside it
            lo, hi = _run_bounds(segs, seg_starts, s, len(text))
            left, right = self.neighbours(text, s, e, lo, hi, vocab, known)
            best = self.rendering_at(text, s, e, idx, left, right, eligible, held_pairs)
            if best is not None:
                found[(best[1], best[2])] = (best[0], best[3])
        out = []
        for (ss, se), (t, key) in sorted(found.items()):
            self.doc.flag(NAME, "term-inconsistent", ss, se, "")
            out.append((t, self.doc.flags[-1], key, text[ss:se]))
        return out

    def rendering_at(self, text, s, e, idx, left, right, eligible, held_pairs):
        """The unknown rendering around the head ``idx`` at ``s:e`` given the words beside it:
        ``(term, start, end, key)`` or None."""
        m = self.m
        # The terms with this head and one of the words beside it, held by the document.
        found_terms = set()
        for w in left + right:
            if w[3] is not None:
                pair = (idx, w[3])
                held_pair = held_pairs.get(pair)
                if held_pair is None:
                    held_pair = held_pairs[pair] = tuple(t for t in m.pairs.get(pair, ()) if t in eligible)
                found_terms.update(held_pair)
        terms = sorted(found_terms)
        if not terms:
            return None
        head = (s, e, "", word_key(text[s:e]))
        best = None
        for t in terms:
            span = _rendering(left, head, right, m.vocab[t])
            if span is None or span[2] in m.known[t]:
                continue
            words = set(span[2])
            if not any(len(words & form) >= 2 for form in m.known_sets[t]):
                continue
            if best is None or len(span[2]) > len(best[1][2]):
                best = (t, span)  # the term whose words cover the most of it; the first on ties
        if best is None:
            return None
        t, (ss, se, key) = best
        return t, ss, se, key

    @staticmethod
    def neighbours(text, s, e, lo, hi, vocab, known):
        """The words beside a head that may belong to its phrase, nearest first, as
        ``(start, end, lower, key)`` (key None for the words of STOP). To the right only when a
        preposition follows the head: in "system cares" the next word is a verb."""

        def word(m):
            a, b = m.span(1)
            w = text[a:b].lower()
            if w in STOP:
                return (a, b, w, None)
            key = word_key(w)
            return (a, b, w, key) if key in vocab and not known(a) else None

        left = []
        p = s
        while len(left) < MAX_PHRASE_WORDS and p - 1 > lo and text[p - 1] == " ":
            m = _WORD_BEFORE.match(text, lo, p)
            w = word(m) if m else None
            if w is None:
                break
            left.append(w)
            p = w[0]
        right = []
        m = _WORD_AFTER.match(text, e, hi) if text[e : e + 1] == " " else None
        if m and m.group(1).lower() in STOP:
            while m and len(right) < MAX_PHRASE_WORDS:
                w = word(m)
                if w is None:
                    break
                right.append(w)
                m = _WORD_AFTER.match(text, m.end(), hi)
        return left, right

    def settle_unknown(self, unknown, held: set[int]) -> None:
        """Keep the flags of terms rendered two ways (two unknown ones, or one beside a known one)."""
        # Per term: its unknown renderings' keys, each with the surfaces it was seen in (one pass: the
        # flags of a term are then settled without reading every other flag again).
        keys: dict[int, dict[tuple[str, ...], set[str]]] = {}
        for t, _, key, surface in unknown:
            keys.setdefault(t, {}).setdefault(key, set()).add(surface)
        drop = set()
        for t, flag, key, surface in unknown:
            if len(keys[t]) + (t in held) < 2:
                drop.add(id(flag))
                continue
            term = self.m.glossary.terms[t]
            others = sorted({other for k, seen in keys[t].items() if k != key for other in seen})
            elsewhere = f"'{others[0]}'" if others else f"the glossary form '{term.en}'"
            flag.message = (f"{term.zh}: rendered '{surface}' here and {elsewhere} elsewhere; "
                            f"not a known variant (glossary: '{term.en}')")
        if drop:
            self.doc.flags = [f for f in self.doc.flags if id(f) not in drop]

    def flag_untranslated(self, text: str) -> None:
        """A Chinese term standing alone in an English clause: English on one side, English or the
        line's end on the other, and no other Chinese beside it but a prefix like 省."""
        segs = self.doc.segments
        hits = self.zh_hits()
        if not hits or not segs:
            return
        zh_starts = [s for _, s, _ in hits]
        seg_starts = [g.start for g in segs]
        # Only the runs that hold a Chinese form can flag one (in order, as the runs come).
        for i in sorted({bisect_right(seg_starts, s) - 1 for s in zh_starts}):
            g = segs[i]
            if g.lang != "zh" or g.end - g.start > UNTRANSLATED_MAX_CHARS:
                continue
            body = text[g.start : g.end]
            line_start = g.start == 0 or text[g.start - 1] == "\n"
            line_end = g.end == len(text) or "\n" in body
            left_en = i > 0 and segs[i - 1].lang == "en" and not line_start
            right_en = i + 1 < len(segs) and segs[i + 1].lang == "en" and "\n" not in body
            if not ((left_en and (right_en or line_end)) or (line_start and right_en)):
                continue
            found, end = [], -1
            k = bisect_left(zh_starts, g.start)
            while k < len(hits) and hits[k][1] < g.end:
                idx, s, e = hits[k]
                k += 1
                if s >= end and e <= g.end:
                    found.append((idx, s - g.start, e - g.start))
                    end = e
            # The Chinese stretch must be the term itself (give or take a prefix like 省 or 市),
            # not a Chinese clause that happens to contain it.
            han = len(_HAN.findall(body)) - sum(e - s for _, s, e in found)
            if not found or han > UNTRANSLATED_SPARE_HAN:
                continue
            for idx, s, e in found:
                term = self.m.glossary.terms[self.m.zh_terms[idx]]
                self.doc.flag(NAME, "term-untranslated", g.start + s, g.start + e,
                              f"{term.zh} left untranslated in an English clause (glossary: '{term.en}')")
