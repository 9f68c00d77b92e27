"""Spam detection: find injected betting/gambling spans in a text and score them.

Public API (used by the ``spam`` stage, reusable by any module that needs to judge a string):

    find_spam(text) -> list[SpamHit]     spans at or above the threshold, non-overlapping, in order
    score(text) -> float                 the best candidate's score (0.0 when nothing looks like spam)
    Detector(load_rules(extra)).find(text, threshold=None) / .score(text)

How a span is judged (weights and words live in ``rules/spam/*.toml``; see docs/spam.md):
1. Rule words are matched by one Aho-Corasick automaton over a normalized view of the text (NFKC, lower
   case, invisible characters and spaces between Han characters dropped; ``pipeline.textview``),
   leftmost-longest, so that a legitimate word containing a keyword (金沙江, 东亚搏击, 开云集团) wins
   over the keyword. A first pass looks for anchors only; all words and the patterns are then matched in
   the sentences around them (most documents have no anchor and cost one pass).
2. Anchor words (betting words, events, brands, lottery-scam words) and the attach words glued to them
   (suffixes, 体育/娱乐, a year, ``(中国)``) form *phrases*. Promotional patterns (URLs, domains, handles,
   bonus offers) are counted per sentence.
3. A candidate's score is ``max(0, intent - against) + structure``: the families it holds (each once),
   minus the context that weighs against (police, lottery, Kering, fintech, football and game news) in
   its sentence and, half as much, the sentences around it, plus structural anomalies that no
   legitimate writer produces (a phrase filling a 《title》, the same phrase repeated, keyword stuffing, a
   phrase glued to a line's edge). Every single weight is below the threshold: one keyword never decides.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple

import regex
from ahocorasick_rs import AhoCorasick, Implementation, MatchKind

from .rulepatterns import BoundedPattern, check_pattern, required_literals
from .rules import ConfigError, entry_name, read_toml, require, rule_files
from .textview import NormalizedView, dropping, normalize_char, normalized_view, sources, vanishes
from .translation.cache import kept_json

ROLES = ("anchor", "attach", "promo", "against", "neutral")
SIGNAL_KEYS = {"name", "family", "role", "weight", "words", "pattern", "note"}
NUMBER_SETTINGS = ("threshold", "compound", "title", "repeat", "stuffing", "edge", "neighbour")
INT_SETTINGS = ("repeat_min_families", "stuffing_min")
SETTING_KEYS = (*NUMBER_SETTINGS, *INT_SETTINGS, "title_marks")


# -- rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signal:
    name: str
    family: str
    role: str
    weight: float
    words: tuple[str, ...]  # normalized
    pattern: str | None
    origin: str  # ``path: [[signal]] #3 ('name')`` for error messages


@dataclass(frozen=True)
class Settings:
    threshold: float
    compound: float
    title: float
    repeat: float
    stuffing: float
    edge: float
    neighbour: float
    repeat_min_families: int
    stuffing_min: int
    title_marks: tuple[str, ...]


@dataclass(frozen=True)
class SpamRules:
    settings: Settings
    signals: tuple[Signal, ...]
    files: tuple[Path, ...]
    # The quotes of the normalization rules (``[[quote]]``), each with all its forms as the view writes
    # them (``“”"``, ``‘’'``): the punctuation stage decides which of them a quote becomes.
    quotes: tuple[str, ...] = ()


def load_rules(extra: Iterable[str | Path] = ()) -> SpamRules:
    """The shipped ``rules/spam/*.toml`` and the user's files (``--rules``), validated.

    An entry with the same ``name`` as an earlier one replaces it (to change a weight or a word list);
    ``[settings]`` keys of later files override earlier ones. A file given by path that has neither
    ``[settings]`` nor ``[[signal]]`` belongs to another stage and is skipped.
    """
    files = rule_files("spam", extra)
    shipped = set(rule_files("spam"))
    settings: dict[str, Any] = {}
    signals: dict[str, Signal] = {}
    for path in files:
        data = read_toml(path)
        own = path in shipped or path.parent.name == "spam"
        if not own and not ({"settings", "signal"} & data.keys()):
            _check_near_misses(path, data)
            continue
        for key in data:
            if key not in ("settings", "signal"):
                raise ConfigError(f"{path}: unknown table [{key}] (a spam rule file has [settings] and "
                                  f"[[signal]] entries)")
        table = data.get("settings", {})
        require(isinstance(table, dict), str(path), "[settings] must be a table")
        for key, value in table.items():
            require(key in SETTING_KEYS, f"{path}: [settings]",
                    f"unknown key '{key}' (known: {', '.join(SETTING_KEYS)})")
            settings[key] = (value, path)
        entries = data.get("signal", [])
        require(isinstance(entries, list), str(path), "signal must be an array of tables ([[signal]])")
        for i, entry in enumerate(entries):
            signal = _parse_signal(entry, f"{path}: {entry_name('signal', i, entry)}")
            signals.pop(signal.name, None)
            signals[signal.name] = signal
    parsed = _parse_settings(settings, files)
    _check_signals(list(signals.values()), parsed.threshold)
    return SpamRules(parsed, tuple(signals.values()), tuple(files), _quote_forms(extra))


def _quote_forms(extra: Iterable[str | Path]) -> tuple[str, ...]:
    """Each quote of the normalization rules with its forms (opening, closing, ASCII, others), as the
    view writes them: ``“”"`` and ``‘’'`` with the shipped rules."""
    from .typography import load_conventions  # (the normalization rules: read once, cached there)

    return tuple("".join(dict.fromkeys(normalize_char(c) for c in (zo, zc, en, *also)))
                 for zo, zc, en, also in load_conventions(extra).quotes)


def _check_near_misses(path: Path, data: dict) -> None:
    for key in data:
        close = difflib.get_close_matches(key, ["settings", "signal"], n=1, cutoff=0.75)
        if close:
            raise ConfigError(f"{path}: unknown table [{key}]: did you mean [{close[0]}]?")


def _parse_signal(entry: Any, where: str) -> Signal:
    require(isinstance(entry, dict), where, "must be a table")
    unknown = sorted(set(entry) - SIGNAL_KEYS)
    require(not unknown, where, f"unknown key {', '.join(map(repr, unknown))} (known: "
                                f"{', '.join(sorted(SIGNAL_KEYS))})")
    name = entry.get("name")
    require(isinstance(name, str) and name.strip() != "", where, "needs name = \"...\"")
    family = entry.get("family", name)
    require(isinstance(family, str) and family != "", where, "family must be a non-empty string")
    role = entry.get("role")
    require(role in ROLES, where, f"role must be one of {', '.join(ROLES)}, not {role!r}")
    weight = entry.get("weight", 0.0 if role == "neutral" else None)
    require(isinstance(weight, (int, float)) and not isinstance(weight, bool), where,
            "needs weight = a number")
    if role == "neutral":
        require(weight == 0, where, "a neutral entry only shields words: its weight must be 0")
    else:
        require(weight > 0, where, f"weight must be positive, not {weight}")
    words, pattern = entry.get("words"), entry.get("pattern")
    require((words is None) != (pattern is None), where, "needs either words = [...] or pattern = '...'")
    if words is not None:
        require(isinstance(words, list) and words and all(isinstance(w, str) for w in words), where,
                "words must be a non-empty list of strings")
        normalized = tuple(normalize_text(w) for w in words)
        empty = [w for w, n in zip(words, normalized) if not n.strip()]
        require(not empty, where, f"empty word {empty[0]!r}" if empty else "")
        return Signal(name, family, role, float(weight), normalized, None, where)
    require(isinstance(pattern, str) and pattern != "", where, "pattern must be a non-empty string")
    compiled = check_pattern(pattern, where)  # a bad or catastrophically backtracking pattern is refused
    require(compiled.match("") is None, where, "pattern matches the empty string")
    require(compiled.groups == 0 or pattern.count("(?P<") == 0, where, "pattern must not name groups")
    return Signal(name, family, role, float(weight), (), pattern, where)


def _parse_settings(values: dict[str, tuple[Any, Path]], files: list[Path]) -> Settings:
    missing = [k for k in SETTING_KEYS if k not in values]
    if missing:
        raise ConfigError(f"{files[0] if files else 'rules/spam'}: [settings] is missing "
                          f"{', '.join(missing)}")
    out: dict[str, Any] = {}
    for key in NUMBER_SETTINGS:
        value, path = values[key]
        require(isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0,
                f"{path}: [settings]", f"{key} must be a number >= 0, not {value!r}")
        out[key] = float(value)
    for key in INT_SETTINGS:
        value, path = values[key]
        require(isinstance(value, int) and not isinstance(value, bool) and value >= 2,
                f"{path}: [settings]", f"{key} must be an integer >= 2, not {value!r}")
        out[key] = value
    marks, path = values["title_marks"]
    require(isinstance(marks, list) and all(isinstance(m, str) and len(m) == 2 for m in marks),
            f"{path}: [settings]", "title_marks must be a list of two-character strings (\"《》\")")
    out["title_marks"] = tuple(normalize_text(m) for m in marks)
    require(out["threshold"] > 0, f"{values['threshold'][1]}: [settings]", "threshold must be positive")
    return Settings(**out)


def _check_signals(signals: list[Signal], threshold: float) -> None:
    owner: dict[str, Signal] = {}
    for s in signals:
        if s.role != "against" and s.weight >= threshold:
            raise ConfigError(f"{s.origin}: weight {s.weight} reaches the threshold {threshold}: "
                              f"a single signal must never decide")
        for w in s.words:
            if w in owner and owner[w].name != s.name:
                raise ConfigError(f"{s.origin}: word {w!r} is already in {owner[w].origin}")
            owner[w] = s
    families: dict[str, str] = {}
    for s in signals:
        if families.setdefault(s.family, s.role) != s.role:
            raise ConfigError(f"{s.origin}: family '{s.family}' mixes roles {families[s.family]} and {s.role}")


def normalize_text(s: str) -> str:
    """A rule word as the detector's view writes it (see ``_view``)."""
    return "".join(normalize_char(c) for c in s).replace("、", ",")


# -- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpamHit:
    """A span judged spam: offsets into the text given to ``find``; ``kind`` is title, phrase,
    stuffing or promotion; ``signals`` says why (``bet:下注``, ``title``, ``-law:警方`` ...)."""

    start: int
    end: int
    score: float
    kind: str
    signals: tuple[str, ...]
    text: str

    @property
    def rule(self) -> str:
        return f"spam-{self.kind}"

    def describe(self) -> str:
        return f"spam {self.kind} (score {self.score:.2f}: {', '.join(self.signals)})"


# -- detection -----------------------------------------------------------------------------------


class Hit(NamedTuple):
    start: int  # view offsets
    end: int
    signal: Signal


@dataclass
class _Candidate:
    start: int  # view offsets
    end: int
    kind: str
    intent: dict[str, tuple[float, str]]  # family -> (weight, label)
    bonus: float = 0.0  # compound
    structure: tuple[tuple[str, float], ...] = ()
    against: dict[str, tuple[float, str]] | None = None
    key: str = ""  # the phrase as written in the view, to find repetitions
    # Where its first word starts: the position that places a phrase in its sentence. Not ``start``: a
    # title's opening quote after ``。`` ends the sentence before when it reads as a closing one
    # (``。”…“``), and the punctuation stage may turn it (``。“…”``); a word is in one sentence either way.
    first: int = -1

    @property
    def score(self) -> float:
        intent = sum(w for w, _ in self.intent.values()) + self.bonus
        against = sum(w for w, _ in (self.against or {}).values())
        return round(max(0.0, intent - against) + sum(w for _, w in self.structure), 6)

    def signals(self) -> tuple[str, ...]:
        out = [f"{fam}:{label}" for fam, (_, label) in self.intent.items()]
        if self.bonus:
            out.append("compound")
        out += [name for name, _ in self.structure]
        out += [f"-{fam}:{label}" for fam, (_, label) in (self.against or {}).items()]
        return tuple(out)


# Spaces carry nothing next to Chinese text or a mark: they split words (``开 云 体 育``), and the
# spacing stage adds or takes them (``九游app`` / ``九游 app``, ``落实 《`` / ``落实《``, ``（中国）　2023``).
# The view keeps one space between two Latin words or numbers (English grammar), and after a ``.``
# before a word (``com. Second``: the punctuation stage writes ``com。Second`` so, and without the space
# the dot would be inside a word, no sentence end), and drops the others, so that the detector judges a
# text and its normalized output alike.
_WORD_CHAR = "0-9a-z\u00c0-\u024f\u0370-\u04ff"
# A run of spaces goes whole unless it lies between a word (or ``.``) and a word; there, all but its first
# space go. Written as one space and then the two cases (the rest of the run taken possessively), so that
# the scan skips to the next space and never backtracks: 2.4x faster than the same rule written
# ``[ \t](?<![W.][ \t])[ \t]*|[ \t]+(?![ \tW])`` (same stretches: tests/test_spam_fast.py). The commonest
# space, one between two words, fails first, on one test (``(?!(?<=[W.] )[W])``, before the two cases):
# 15% faster on the seed, which has a million spaces per 10 MB.
_SPACES_TO_DROP = re.compile(rf"[ \t](?!(?<=[{_WORD_CHAR}.] )[{_WORD_CHAR}])"
                             rf"(?:(?<![{_WORD_CHAR}.][ \t])[ \t]*+|[ \t]*+(?![{_WORD_CHAR}]))")
_PLAIN_WORD = re.compile(f"[{_WORD_CHAR}]+")
_JOINERS = frozenset("·•・-_ \t\u3000")
_SEPARATORS = re.compile(r"[ \t\u3000,、|/;]{0,3}")  # between stuffed phrases, never a line break
# A paragraph ends at a blank line (a line of nothing but spaces counts: large files are cut into pieces
# there, pipeline/stream.py), and nothing the detector finds or reads reaches past it.
_PARAGRAPH_BREAK = re.compile(r"\n(?:[^\S\n]*\n)+")
# A sentence ends at ! ?, at 。 (not between digits: a decimal point that the numbers stage will make
# ``5.780``) and at one or two ASCII dots not inside a word or number (``www.x.com``, ``5.780``; three or
# more are an ellipsis, ……, the mask marker 〔…〕). The punctuation stage turns 。 into . the other way
# round only where both end a sentence here. Closing quotes go with the end; a line end ends one too.
# (``regex`` matches it 1.8x faster than ``re`` here, the lookahead makes ``re`` 3x faster; the marks are
# found by ``str.find``, 3x faster still: ``_mark_places``.)
# A pattern that judges the marks itself (lookbehinds instead of ``_ends_sentence``) was 10% faster on
# the seed but tried every position of a long run of dots: 4x slower on a line of them.
_SENTENCE_MARK = regex.compile(r"(?=[!?.。])([!?]+|\.+|。+)[\"'”’」』)]*")
_NOT_MARK_QUOTE = re.compile("[^!?.。\"'”’」』)]")  # (what a match is made of: marks and closing quotes)
_CLAUSE_SEP = re.compile(r"(?<!\d),|,(?!\d)|;|:(?!//)")
_OPENING_MARKS = " \t【[(《「『“‘〈"
_HEADLINE_GLUE = re.compile(r"[ \t]*[|\-_:·•—~/][ \t]*")
_HEADLINE_GLUE_BEFORE = re.compile(r"[ \t]*[|\-_:·•—~/][ \t]*\Z")
# ``str.strip`` spaces, as classes: the headline test reads the line around a phrase without copying it.
_STR_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
NOT_SPACE = re.compile(f"[^{re.escape(_STR_SPACES)}]")  # a line without one is blank
_SPACES_MARKS = re.compile(f"[{re.escape(_STR_SPACES)}]*[。.!?]*[{re.escape(_STR_SPACES)}]*")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")
_ALNUM = _ASCII_LETTERS | _DIGITS


class Detector:
    """Compiled rules: an automaton for every word (and one for the anchors alone), the patterns compiled
    once. Build once, reuse: ``find`` and ``score`` keep no state between texts."""

    def __init__(self, rules: SpamRules):
        self.rules = rules
        self.settings = rules.settings
        self.by_word: dict[str, Signal] = {w: s for s in rules.signals for w in s.words}
        # Traditional-script spellings of every word (歐洲盃下注平臺), so that traditional spam is found
        # before the variant stage converts it (``--variant simplified`` would otherwise hand the next
        # run a phrase this run did not see).
        spellings = traditional_spellings(list(self.by_word))
        for word, signal in list(self.by_word.items()):
            for form in {normalize_text(f) for f in spellings.get(word, ())} - {word}:
                self.by_word.setdefault(form, signal)
        # One Aho-Corasick automaton (``ahocorasick_rs``, as the terms stage uses) for every word:
        # leftmost-longest matches in one pass, about 136 MB/s on the seed with the shipped 569 words and
        # spellings, where a ``re`` alternation of them runs at 1.0 MB/s (docs/spam.md). A first pass looks
        # for anchors only (most text has none); all words are matched around the anchors found.
        self.words = _Words(self.by_word.items())
        self.anchor_words = _Words((w, s) for w, s in self.by_word.items() if s.role in ("anchor", "neutral"))
        # A quick test first, on the normalized text without the view's dropped spaces (listing them
        # costs as much as everything else): an anchor of letters and digits only as a whole word (the
        # view drops no space between two such characters), any other with every space taken out, over
        # the text with every space taken out. An anchor in the view is always found so; a text that
        # fails the test has no candidate. Most text has no anchor, nor has the second look after a
        # removal: that look cost half the stage's time on the seed.
        anchors = [w for w, s in self.by_word.items() if s.role == "anchor"]
        plain = sorted(w for w in anchors if _PLAIN_WORD.fullmatch(w))
        # (Every other word, even one whose spaces taken out make a plain one: ``bet 365`` is ``bet365`` in
        # the text with every space taken out, never in the text itself.)
        joined = sorted({w.replace(" ", "").replace("\t", "") for w in anchors if not _PLAIN_WORD.fullmatch(w)})
        self.probe_plain = (AhoCorasick(plain), plain) if plain else None
        self.probe_joined = _automaton(joined, MatchKind.Standard) if joined else None  # (no word is blank)
        # Patterns run one by one, and only over the sentences that hold an anchor: compiled apart, each
        # keeps its own first-character scan (one alternation of the five shipped patterns ran at
        # 1.6 MB/s, the five apart at 35-165 MB/s each).
        # Each search is bounded in time: a pattern from a user's rule file that the checks on loading
        # did not catch fails the document it runs out of time on, not the batch (pipeline/rulepatterns.py).
        self.patterns = [(BoundedPattern(regex.compile(s.pattern), s.origin), s) for s in rules.signals if s.pattern]
        # A pattern runs only in the windows that hold one of the literals every match of it holds
        # (``required_literals``: ``19``/``20`` for a year, ``http://``, ``https://`` or ``www.`` for a URL),
        # found by one automaton; one whose literals are not known runs in every window. The shipped
        # patterns ran in every window for a sixth of the stage's time on the seed; most windows hold
        # the literals of one of them.
        owners: dict[str, set[int]] = {}
        self.unfiltered = []  # the patterns that run in every window
        for i, (_, signal) in enumerate(self.patterns):
            literals = required_literals(signal.pattern or "")
            if literals is None:
                self.unfiltered.append(i)
            for literal in literals or ():
                owners.setdefault(literal, set()).add(i)
        self.literal_owners = [frozenset(v) for v in owners.values()]
        self.literals = _automaton(list(owners), MatchKind.Standard) if owners else None
        normalized_view("")  # build the normalization tables now, not on the first document
        self.title_pairs = _title_pairs(self.settings.title_marks, rules.quotes)
        # Where a word of the quick test can never lie across: a line break, and ``。`` when no word holds
        # one. The text between two of them (a *stretch*, see ``stretches``) holds a word of the test or
        # not whatever lies outside it, so that a second look at an edited text needs the test only
        # where the edits are and where the first look found such words (``scan_sites``).
        probe_words = [*plain, *joined]
        marks = [m for m in ("\n", "。") if not any(m in w for w in probe_words) and _cuts_alike(m)]
        self.cuts = "".join(sorted(set().union(*map(sources, marks)))) if "\n" in marks else ""
        self.view_cuts = "".join(marks) if self.cuts else ""
        # A look finds its sites from the anchors it found (``_anchor_sites``) where no word of the anchor
        # automaton (anchors and the neutral words that shield them) holds a cut; else the quick test's.
        self.anchor_sites = not any(c in w for w in self.anchor_words.words for c in self.view_cuts)

    # -- public ------------------------------------------------------------------------------

    def find(self, text: str, threshold: float | None = None) -> list[SpamHit]:
        """Spans scoring at least ``threshold`` (default: the rules' threshold), without overlaps."""
        return self.scan(text, threshold)[0]

    def scan(self, text: str, threshold: float | None = None) -> tuple[list[SpamHit], bool]:
        """``find``, and whether the view holds an anchor word at all: without one nothing in the text
        can score (every anchor makes a candidate, a phrase or a promotion, and nothing else does)."""
        base = normalized_view(text)
        if not self._may_hold_anchor(base.text):
            return [], False
        return self._judge(base, threshold)

    def _judge(self, base: NormalizedView, threshold: float | None, view: NormalizedView | None = None,
               anchors: list[Hit] | None = None) -> tuple[list[SpamHit], bool]:
        """``view`` (``_view(base)``) and its ``anchors`` (``_anchor_hits``) when the caller has them."""
        threshold = self.settings.threshold if threshold is None else threshold
        view = _view(base) if view is None else view
        candidates = self._candidates(view.text, anchors)
        scored = [(c, score) for c in candidates for score in (c.score,) if score >= threshold]
        chosen = _select([c for c, _ in scored])
        scores = {id(c): score for c, score in scored}  # (each candidate's score summed once)
        return self._hits(view, chosen, scores), bool(candidates)

    def scan_sites(self, text: str, threshold: float | None = None
                   ) -> tuple[list[SpamHit], bool, list[tuple[int, int]]]:
        """``scan``, and the stretches of ``text`` (``stretches``) that hold a word of the quick test
        (``may_hold_anchor``), in order: a text none of whose stretches holds one after an edit, in those
        the edit touched (``may_hold_anchor`` of each) or those kept from this look, has nothing to find.
        Needs ``cuts`` (else no stretch is known and every look is a whole one)."""
        base = normalized_view(text)
        if not self.anchor_sites:
            sites = self._sites(text, base.text)
            if not sites:
                return [], False, []
            return (*self._judge(base, threshold), sites)
        if not self._may_hold_anchor(base.text):
            return [], False, []
        view = _view(base)
        anchors = self._anchor_hits(view.text)
        return (*self._judge(base, threshold, view, anchors), self._anchor_sites(text, view, anchors))

    def stretches(self, text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """The stretches of ``text`` around ``spans``, in order, those that overlap or touch joined: around
        each span, from the cut before its start to the first at or after its end, both cuts included (a
        word of the quick test lies between two cuts, and whether a Latin one is whole depends on the
        characters around it, the cuts at most)."""
        cuts = _Cuts(text, self.cuts)
        out: list[tuple[int, int]] = []
        last_cut = -1  # the cut that ends the last stretch
        for start, end in sorted(spans):
            if out and end <= last_cut:
                continue  # its stretch lies in the last one (its cuts are no earlier, and no later)
            before, last_cut = cuts.around(start, end)
            a, b = max(before, 0), min(last_cut + 1, len(text))
            if out and a <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], b))
                last_cut = max(last_cut, out[-1][1] - 1)
            else:
                out.append((a, b))
        return out

    def score(self, text: str) -> float:
        """The best score of any candidate span in ``text`` (0.0 when nothing looks like spam)."""
        base = normalized_view(text)
        if not self._may_hold_anchor(base.text):
            return 0.0
        return max((c.score for c in self._candidates(_view(base).text)), default=0.0)

    def may_hold_anchor(self, text: str) -> bool:
        """A quick, safe answer to "can ``find`` find anything in ``text``?": False only when the view of
        ``text`` holds no anchor word (no candidate span, so ``find`` finds nothing); True when it may.
        ``find``'s own first step, for a caller that asks often (the terms stage, after repairing words)."""
        return self._may_hold_anchor(normalized_view(text).text)

    def anchor_letters(self) -> frozenset[str]:
        """The runs of ASCII letters in the anchor words (``ky`` of ``ky体育``, ``bet`` of ``bet 365``):
        a word of other letters cannot be part of an anchor word (a Latin word in one is whole)."""
        if not hasattr(self, "_anchor_letters"):
            self._anchor_letters = frozenset(
                run for w, s in zip(self.anchor_words.words, self.anchor_words.signals) if s.role == "anchor"
                for run in re.findall("[a-z]+", w))
        return self._anchor_letters

    # -- internals ---------------------------------------------------------------------------

    def _may_hold_anchor(self, s: str) -> bool:
        """False only when no anchor can be in the detector's view of the text whose normalized view
        (``normalized_view``, no space dropped) is ``s`` (see ``probe_plain``). Asked of growing pieces
        of whole lines (no word of the test holds a line break, ``cuts``): a text with such a word, as
        most that are asked are, is mostly answered from its first lines."""
        if not self.cuts:
            return self._holds_probe_word(s)
        return any(self._holds_probe_word(s[a:b]) for a, b in _line_pieces(s))

    def _holds_probe_word(self, s: str) -> bool:
        if self.probe_plain is not None and _any_whole(*self.probe_plain, s):
            return True
        if self.probe_joined is not None:
            return bool(self.probe_joined.find_matches_as_indexes(s.replace(" ", "").replace("\t", "").replace("、", ",")))
        return False

    def _sites(self, text: str, s: str) -> list[tuple[int, int]]:
        """The stretches of ``text`` (whose normalized view is ``s``) holding a word of the quick test, as
        ``_may_hold_anchor`` finds them, but every one (nonempty exactly when it says True)."""
        found: list[tuple[str, list[int]]] = []  # (the text searched, where words start in it)
        if self.probe_plain is not None:
            automaton, words = self.probe_plain
            starts = [start for index, start, end in automaton.find_matches_as_indexes(s, overlapping=True)
                      if _whole(words[index], s, start, end)]
            found.append((s, starts))
        if self.probe_joined is not None:
            joined = s.replace(" ", "").replace("\t", "").replace("、", ",")
            # (Standard matches do not overlap: a word left out overlaps one found, in the same stretch.)
            found.append((joined, [start for _, start, _ in self.probe_joined.find_matches_as_indexes(joined)]))
        if not any(starts for _, starts in found):
            return []
        if not self.cuts:
            return [(0, len(text))]
        # The k-th stretch of the searched text is the k-th of ``text``: every cut of ``text`` is one
        # character of the view (``textview.sources``), and taking spaces out keeps them.
        stretches: set[int] = set()
        for searched, starts in found:
            if starts:
                cuts = _positions(searched, self.view_cuts)
                stretches.update(bisect_right(cuts, p) for p in starts)
        cuts = _positions(text, self.cuts)
        return [(cuts[k - 1] if k else 0, cuts[k] + 1 if k < len(cuts) else len(text)) for k in sorted(stretches)]

    def _anchor_sites(self, text: str, view: NormalizedView, anchors: list[Hit]) -> list[tuple[int, int]]:
        """The stretches of ``text`` that hold an anchor of the detector's view (``_anchor_hits``), in
        order, as ``_sites`` writes them: fewer than the quick test's, and found without its passes over
        the whole text (a sixth of the stage's time on the seed). As safe for a second look
        (``scan_sites``): no anchor or neutral word holds a cut (``anchor_sites``), so the anchors found in a
        stretch are those of the stretch alone, whatever lies outside it, and one that no edit touched
        holds the same anchors at the next look (tests/test_spam_fast.py)."""
        if not anchors:
            return []
        if not self.cuts:
            return [(0, len(text))]
        # Each cut of the view is one character of ``text`` (``textview.sources``): its origin. (No anchor
        # starts at a cut: the cut before its start and the first after it bound its stretch.)
        at, n = view.char_origin, len(view.text)
        cuts = _Cuts(view.text, self.view_cuts)
        out = []
        after = -1
        for h in anchors:
            if h.start < after:
                continue  # in the stretch of the anchor before
            before, after = cuts.around(h.start, h.start)
            out.append((at(before) if before >= 0 else 0, at(after) + 1 if after < n else len(text)))
        return out

    def _hits(self, view: NormalizedView, chosen: list[_Candidate], scores: dict[int, float]) -> list[SpamHit]:
        """``scores``: each candidate's score by ``id``."""
        text = view.original
        spans = [view.span(c.start, c.end) for c in chosen]
        hits = []
        for i, (c, (start, end)) in enumerate(zip(chosen, spans)):
            # Invisible characters touching the span go with it (up to the next span): a joiner whose
            # neighbour is removed would join something else, and the invisible stage would take it on
            # the next run.
            floor = hits[-1].end if hits else 0
            ceiling = spans[i + 1][0] if i + 1 < len(spans) else len(text)
            while start > floor and vanishes(text[start - 1]):
                start -= 1
            while end < ceiling and vanishes(text[end]):
                end += 1
            hits.append(SpamHit(start, end, scores[id(c)], c.kind, c.signals(), text[start:end]))
        return hits

    def _word_hits(self, s: str, words: _Words, offset: int = 0, stop: int | None = None) -> list[Hit]:
        """Words in ``s[offset:stop]`` (a slice is searched: the automaton reads all it is given)."""
        hits: list[Hit] = []
        piece = s if offset == 0 and stop is None else s[offset:stop]
        if not piece or words.automaton is None:
            return hits
        for index, start, end in words.automaton.find_matches_as_indexes(piece):
            word, signal = words.words[index], words.signals[index]
            start += offset
            end += offset
            if not _whole(word, s, start, end):
                continue
            if word[-1] in _ASCII_LETTERS:  # a Latin name takes the digits glued to it: ``yabo88``
                while end < len(s) and s[end] in _DIGITS:
                    end += 1
            if hits and hits[-1].end > start:  # digits taken by the previous name belong to this word
                hits[-1] = hits[-1]._replace(end=start)
            hits.append(Hit(start, end, signal))
        return hits

    def _anchor_hits(self, s: str) -> list[Hit]:
        """The anchor words in the view ``s`` (the neutral words of the same automaton shield some)."""
        return [h for h in self._word_hits(s, self.anchor_words) if h.signal.role == "anchor"]

    def _candidates(self, s: str, anchors: list[Hit] | None = None) -> list[_Candidate]:
        if not self.by_word:
            return []
        anchors = self._anchor_hits(s) if anchors is None else anchors
        if not anchors:
            return []
        scan = _Scan(s, self.settings, self.title_pairs)
        windows = scan.windows(anchors)
        hits = [h for ws, we in windows for h in self._word_hits(s, self.words, ws, we)]
        words = [(h.start, h.end) for h in hits]
        # A pattern of an attach family (a year) inside a word (``euro2024``) is that word's.
        hits += [h for h in self._pattern_hits(s, windows)
                 if h.signal.role != "attach" or not _overlaps_any(h, words)]
        scan.add(sorted(hits))
        return scan.candidates()

    def _pattern_windows(self, s: str, windows: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
        """For each pattern, the windows it can match in: those holding one of its required literals
        (every window for a pattern whose literals are not known)."""
        out: list[list[tuple[int, int]]] = [[] for _ in self.patterns]
        for i in self.unfiltered:
            out[i] = windows
        if self.literals is not None:
            owners, find = self.literal_owners, self.literals.find_matches_as_indexes
            for window in windows:
                present: set[int] = set()
                for index, _, _ in find(s[window[0]:window[1]], overlapping=True):
                    present |= owners[index]
                for i in present:
                    out[i].append(window)
        return out

    def _pattern_hits(self, s: str, windows: list[tuple[int, int]]) -> list[Hit]:
        where = self._pattern_windows(s, windows)
        found = sorted((start, -end, i) for i, (pattern, _) in enumerate(self.patterns)
                       for start, end in pattern.spans(s, where[i]))
        hits: list[Hit] = []
        for start, neg_end, i in found:  # where two patterns overlap, the leftmost and longest wins
            if not hits or start >= hits[-1].end:
                hits.append(Hit(start, -neg_end, self.patterns[i][1]))
        return hits


class _Scan:
    """One text's hits, sentences and candidates (view offsets)."""

    def __init__(self, s: str, settings: Settings, title_pairs: frozenset[str]):
        self.s = s
        self.settings = settings
        self.title_pairs = title_pairs
        self._lines: dict[int, _LineSentences] = {}  # line start -> its sentences
        # The sentences found so far, in order (no two overlap): windows, contexts and promotions ask
        # for the same few again and again (21,750 look-ups of 9,000 sentences on the seed's pieces).
        self._known_starts: list[int] = []
        self._known_ends: list[int] = []
        self._lines_of = Lines(s)
        self._against: dict[int, dict[str, tuple[float, str]]] = {}  # sentence start -> ``against_for``
        self._breaks: tuple[list[int], list[int]] | None = None  # starts and ends of the paragraph breaks

    def windows(self, anchors: list[Hit]) -> list[tuple[int, int]]:
        """Where the other words and the patterns can matter: the sentences holding an anchor and the
        sentences around them in its paragraph (context), merged within a paragraph. A window never holds
        a blank line: a pattern (``加微信\\s?...``) must not match across two paragraphs, which a large
        file may give the stages as two pieces."""
        out: list[tuple[int, int]] = []
        last = (0, 0)  # the sentence of the anchor before
        pe = -1  # the end of that anchor's paragraph
        for h in anchors:
            if last[0] <= h.start < last[1] and self._next(last[1]) < pe:
                continue  # the same sentence: the same window (unless the paragraph ends after it)
            ss, se = last = self.sentence(h.start)
            ps, pe = self.paragraph(h.start)
            ss = self.sentence(ss - 1)[0] if ss > ps else ss
            se = self.sentence(self._next(se))[1] if self._next(se) < pe else max(se, h.end)
            if out and ss <= out[-1][1]:  # (never across a paragraph break: neither window holds one)
                out[-1] = (out[-1][0], max(se, out[-1][1]))
            else:
                out.append((ss, se))
        return out

    def add(self, hits: list[Hit]) -> None:
        self.promo = [h for h in hits if h.signal.role == "promo"]
        self.against = [h for h in hits if h.signal.role == "against"]
        self.against_starts = [h.start for h in self.against]
        promo_spans = [(h.start, h.end) for h in self.promo]
        # Words inside a URL or an offer count for the sentence, not as phrases of their own.
        self.words = [h for h in hits if h.signal.role in ("anchor", "attach")]
        self.free = [h for h in self.words if not _inside(h, promo_spans)]

    def candidates(self) -> list[_Candidate]:
        phrases = self._phrases()
        out = list(phrases)
        out += self._stuffing(phrases)
        out += self._promotions(phrases)
        return out

    # -- sentences ---------------------------------------------------------------------------

    def sentence(self, pos: int) -> tuple[int, int]:
        """The sentence holding view offset ``pos``: ``[start, end)``, the end after its final mark
        (a line end is not part of the sentence)."""
        starts, ends = self._known_starts, self._known_ends
        i = bisect_right(starts, pos) - 1
        if i >= 0 and pos < ends[i]:
            return starts[i], ends[i]
        s = self.s
        breaks = self._lines_of.breaks  # (``Lines.around``, written out: this runs for every hit)
        k = bisect_left(breaks, pos)
        line_start = breaks[k - 1] + 1 if k else 0
        line = self._lines.get(line_start)
        if line is None:
            line = self._lines[line_start] = _LineSentences(s, line_start, breaks[k] if k < len(breaks) else len(s))
        ss, se = line.around(pos)
        if ss <= pos < se:  # (a new one: the one known before it ends at or before ``pos``)
            starts.insert(i + 1, ss)
            ends.insert(i + 1, se)
        return ss, se

    def _line(self, pos: int) -> tuple[int, int]:
        """The line holding view offset ``pos`` (``Lines.around``, its breaks found once per text)."""
        return self._lines_of.around(pos)

    def paragraph(self, pos: int) -> tuple[int, int]:
        """The paragraph holding view offset ``pos``: ``[start, end)`` between two blank-line runs (the
        end before the line break that starts the run after it)."""
        if self._breaks is None:
            found = [(m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(self.s)]
            self._breaks = ([a for a, _ in found], [b for _, b in found])
        starts, ends = self._breaks
        i = bisect_right(ends, pos)  # the breaks ending at or before ``pos``
        return (ends[i - 1] if i else 0), (starts[i] if i < len(starts) else len(self.s))

    def _next(self, se: int) -> int:
        """Where the sentence after one ending at ``se`` starts (past the line break)."""
        return se + 1 if se < len(self.s) and self.s[se] == "\n" else se

    def against_for(self, start: int) -> dict[str, tuple[float, str]]:
        """Context families weighing against a span starting at ``start``: full weight in its sentence,
        ``neighbour`` times the weight in the sentence before and after in its paragraph (one dict per
        sentence, shared: nobody changes it)."""
        ss, se = self.sentence(start)
        if ss in self._against:
            return self._against[ss]
        ps, pe = self.paragraph(start)
        lo = self.sentence(ss - 1)[0] if ss > ps else ss
        nxt = self._next(se)
        hi = self.sentence(nxt)[1] if nxt < pe else se
        out: dict[str, tuple[float, str]] = {}
        for h in self.against[bisect_left(self.against_starts, lo):bisect_left(self.against_starts, hi)]:
            factor = 1.0 if ss <= h.start < se else self.settings.neighbour
            weight = h.signal.weight * factor
            if weight > out.get(h.signal.family, (0.0, ""))[0]:
                out[h.signal.family] = (weight, self.s[h.start:h.end])
        self._against[ss] = out
        return out

    # -- phrases -----------------------------------------------------------------------------

    def _phrases(self) -> list[_Candidate]:
        groups: list[list[Hit]] = []
        for h in self.free:
            if groups and self._joins(groups[-1][-1], h):
                groups[-1].append(h)
            else:
                groups.append([h])
        phrases = [self._phrase(g) for g in groups if any(h.signal.role == "anchor" for h in g)]
        st = self.settings
        # Repetitions count within a paragraph (text between blank lines): what a span's score depends on
        # never lies beyond its paragraph, so a large file cleaned piece by piece scores it the same.
        keys = [(self.paragraph(p.start)[0], p.key) for p in phrases]
        counts = Counter(k for k, p in zip(keys, phrases) if len(p.intent) >= st.repeat_min_families)
        for key, p in zip(keys, phrases):
            structure = list(p.structure)
            if counts.get(key, 0) >= 2:
                structure.append(("repeat", st.repeat))
            edge = self._headline_edge(p.start, p.end)
            if edge:
                p.start, p.end = edge
                structure.append(("edge", st.edge))
            p.structure = tuple(structure)
            p.against = self.against_for(p.first)
        return phrases

    def _joins(self, a: Hit, b: Hit) -> bool:
        if b.start - a.end > 2:
            return False  # (before the gap is copied: it may be long)
        gap = self.s[a.end:b.start]
        if not gap:
            return True
        if not all(c in _JOINERS for c in gap):
            return False
        # A space joins Chinese words (an evasion) but not two Latin words (ordinary English).
        return not (gap.strip(" \t\u3000") == "" and self.s[a.end - 1] in _ALNUM
                    and self.s[b.start] in _ALNUM)

    def _phrase(self, group: list[Hit]) -> _Candidate:
        s = self.s
        start, end = group[0].start, group[-1].end
        intent = _families(s, group)
        # Glued: no space between the words (``2024欧洲杯下注平台``), the shape of an SEO phrase.
        glued = not any(c in " \t\u3000" for a, b in zip(group, group[1:]) for c in s[a.end:b.start])
        bonus = self.settings.compound if glued and len(group) >= 3 and len(intent) >= 2 else 0.0
        kind, structure = "phrase", ()
        title = self._title(start, end)
        if title:
            start, end = title
            kind, structure = "title", (("title", self.settings.title),)
        return _Candidate(start, end, kind, intent, bonus, structure, key=s[group[0].start:group[-1].end],
                          first=group[0].start)

    def _title(self, start: int, end: int) -> tuple[int, int] | None:
        """The span with its marks when the phrase fills a 《title》 (spaces inside allowed)."""
        s = self.s
        i = start - 1
        while i >= 0 and s[i] in " \t\u3000":
            i -= 1
        j = end
        while j < len(s) and s[j] in " \t\u3000":
            j += 1
        if i >= 0 and j < len(s) and s[i] + s[j] in self.title_pairs:
            return i, j + 1
        return None

    def _headline_edge(self, start: int, end: int) -> tuple[int, int] | None:
        """Glued to a headline: the phrase opens its line and a mark (``|``, ``-``, ``：``) or the line end
        follows it, or it closes its line after such a mark (``标题-九游会真人官网``). Returns the span
        with the mark and the spaces around it."""
        s = self.s
        line_start = self._line(start)[0]
        line_end = self._line(end)[1]
        # Whether anything but spaces comes before the phrase on its line, and anything but spaces and
        # final marks after it (a search that stops at the first such character: a long line costs
        # nothing more than a short one).
        before = NOT_SPACE.search(s, line_start, start) is not None
        after = _SPACES_MARKS.fullmatch(s, end, line_end) is None
        if not before:
            if not after:
                return start, end
            m = _HEADLINE_GLUE.match(s, end, line_end)
            return (start, m.end()) if m else None
        if not after:
            m = _HEADLINE_GLUE_BEFORE.search(s, line_start, start)
            return (m.start(), end) if m else None
        return None

    # -- keyword stuffing --------------------------------------------------------------------

    def _stuffing(self, phrases: list[_Candidate]) -> list[_Candidate]:
        runs: list[list[_Candidate]] = []
        for p in phrases:
            if runs and _SEPARATORS.fullmatch(self.s, runs[-1][-1].end, p.start):
                runs[-1].append(p)
            else:
                runs.append([p])
        out = []
        for run in runs:
            if len(run) < self.settings.stuffing_min:
                continue
            best = max(run, key=lambda p: p.score)
            out.append(_Candidate(run[0].start, run[-1].end, "stuffing", dict(best.intent), best.bonus,
                                  (*best.structure, ("stuffing", self.settings.stuffing)), best.against))
        return out

    # -- promotions --------------------------------------------------------------------------

    def _promotions(self, phrases: list[_Candidate]) -> list[_Candidate]:
        """A sentence with a promotional form (URL, handle, bonus offer) and a betting signal."""
        out = []
        done: set[int] = set()
        word_starts = [h.start for h in self.words]
        for p in self.promo:
            ss, se = self.sentence(p.start)
            if ss in done:
                continue
            done.add(ss)
            inside = self.words[bisect_left(word_starts, ss):bisect_left(word_starts, se)]
            if not any(h.signal.role == "anchor" for h in inside):
                continue
            promos = [h for h in self.promo if ss <= h.start < se]
            signal_hits = sorted(inside + promos)
            intent = _families(self.s, signal_hits)
            structure = ()
            if any(ss <= c.first < se and c.kind == "title" for c in phrases):
                structure = (("title", self.settings.title),)
            start, end = self._clauses(ss, se, signal_hits)
            out.append(_Candidate(start, end, "promotion", intent, 0.0, structure, self.against_for(ss)))
        return out

    def _clauses(self, ss: int, se: int, hits: list[Hit]) -> tuple[int, int]:
        """From the first clause holding a signal to the last. A span that starts the sentence takes
        the mark that ends its last clause; one that starts later takes the mark before it instead, so
        that the sentence keeps its own final mark. Text before the first signal in its clause (other
        than opening brackets) is not the promotion's: the span then starts at the signal."""
        s = self.s
        seps = [m.start() for m in _CLAUSE_SEP.finditer(s, ss, se)]
        first = bisect_right(seps, hits[0].start)  # clause index of the first signal
        last = bisect_right(seps, hits[-1].start)
        clause_start = seps[first - 1] + 1 if first else ss
        lead = s[clause_start:hits[0].start]
        if lead.strip(_OPENING_MARKS):
            start = hits[0].start
            while start > clause_start and s[start - 1] in _OPENING_MARKS:
                start -= 1
            end = seps[last] if last < len(seps) else _before_final_mark(s, ss, se)
        elif first == 0:
            start = ss
            end = seps[last] + 1 if last < len(seps) else se
        else:
            start = seps[first - 1]
            end = seps[last] if last < len(seps) else _before_final_mark(s, ss, se)
        return start, end


SENTENCE_BLOCK = 512  # characters of a line whose sentence ends are found at a time


class _LineSentences:
    """The sentences of one line (``_Scan.sentence``), their ends found a block of the line at a time
    where asked: the windows of a long line with a few anchors need a few of its sentences, and scanning
    the whole line for marks was a tenth of the stage's time on the seed. Each block ends where no mark
    or closing quote comes before (no match lies across), so its ends are those of a scan of the whole
    line. A look that has to walk over many blocks takes the rest of the line at once."""

    def __init__(self, s: str, start: int, end: int):
        self.s, self.start, self.end = s, start, end
        self.count = -(-(end - start) // SENTENCE_BLOCK)  # blocks
        self.starts: dict[int, int] = {}  # block -> where it starts
        self.ends: dict[int, list[int]] = {}  # block -> the sentence ends in it
        self.flat: list[int] | None = None  # every bound of the line, once all are known
        if self.count <= 2:
            self._all()

    def _all(self) -> None:
        self.flat = [self.start, *self._ends_in(self.start, self.end), self.end]

    def _ends_in(self, a: int, b: int) -> list[int]:
        """The sentence ends in ``[a, b)``: those of ``_SENTENCE_MARK.finditer(s, a, b)``, each match tried
        only where ``_mark_places`` finds a mark (a tenth of the windows' time on the seed went to the
        pattern's own scan for them)."""
        s, end = self.s, self.end
        out = []
        last = a  # where the last match ended: a mark before it is inside it
        for p in _mark_places(s, a, b):
            if p < last:
                continue
            q = p + 1
            if q < b and s[q] in _MARK_OR_CLOSING:  # a run, or closing quotes: the pattern says how far
                m = _SENTENCE_MARK.match(s, p, b)
                last, marks_end = m.end(), m.end(1)
            else:  # (the common case: one mark alone is the whole match)
                last = marks_end = q
            if last < end and _ends_sentence(s, p, marks_end):
                out.append(last)
        return out

    def _block_start(self, k: int) -> int:
        if k <= 0:
            return self.start
        if k >= self.count:
            return self.end
        x = self.starts.get(k)
        if x is None:
            # The first position at or after the nominal start that no mark or closing quote precedes
            # (a search: a run of marks may be long).
            m = _NOT_MARK_QUOTE.search(self.s, self.start + k * SENTENCE_BLOCK - 1, self.end)
            x = self.starts[k] = m.end() if m else self.end
        return x

    def _block(self, k: int) -> list[int]:
        ends = self.ends.get(k)
        if ends is None:
            ends = self.ends[k] = self._ends_in(self._block_start(k), self._block_start(k + 1))
        return ends

    def around(self, pos: int) -> tuple[int, int]:
        """``[start, end)`` of the sentence holding ``pos`` (a position at the line's end: the last)."""
        if self.flat is None:
            found = self._around_blocks(pos)
            if found is not None:
                return found
            self._all()
        bounds = self.flat
        i = bisect_right(bounds, pos) - 1
        i = min(max(i, 0), len(bounds) - 2)
        return bounds[i], bounds[i + 1]

    def _around_blocks(self, pos: int, reach: int = 8) -> tuple[int, int] | None:
        """``around`` from the blocks near ``pos``; None when the sentence reaches past ``reach`` blocks."""
        k = min((pos - self.start) // SENTENCE_BLOCK, self.count - 1)
        while k > 0 and self._block_start(k) > pos:
            k -= 1
        ends = self._block(k)
        i = bisect_right(ends, pos)
        if i:
            before = ends[i - 1]
        else:
            j = k - 1
            while j >= 0 and not self._block(j):
                if k - j >= reach:
                    return None
                j -= 1
            before = self._block(j)[-1] if j >= 0 else self.start
        if i < len(ends):
            return before, ends[i]
        j = k + 1
        while j < self.count and not self._block(j):
            if j - k >= reach:
                return None
            j += 1
        return before, self._block(j)[0] if j < self.count else self.end


class Lines:
    """The line around any position of one text: the line breaks are found once. Searching the text
    for them at every position made each look as long as the line, quadratic on a long paragraph (a
    50 MB paragraph of the seed did not finish in 16 minutes)."""

    def __init__(self, text: str):
        self.n = len(text)
        self.breaks = [m.start() for m in _LINE_BREAK.finditer(text)]

    def around(self, pos: int) -> tuple[int, int]:
        """``[start, end)`` of the line holding ``pos`` (a position on a line break belongs to the line
        it ends; the end is before the break)."""
        i = bisect_left(self.breaks, pos)
        return (self.breaks[i - 1] + 1 if i else 0), (self.breaks[i] if i < len(self.breaks) else self.n)


_LINE_BREAK = re.compile("\n")


def _title_pairs(marks: tuple[str, ...], quotes: tuple[str, ...]) -> frozenset[str]:
    """The opening and closing mark of every title (``《》``), and any two forms of a quote that
    makes titles (``“”``, ``""``, ``“"``, ``”“`` ...). The punctuation stage gives every quote its form and
    direction afresh, pairing the quotes of a line by position (``“欧洲杯下注平台“`` becomes
    ``“欧洲杯下注平台”``): a phrase between two forms of one quote is the title it will be in the output,
    or the next run would find a title this one did not (the idempotence law)."""
    pairs = set(marks)
    for forms in quotes:
        if any(m[0] in forms and m[1] in forms for m in marks):
            pairs.update(a + b for a in forms for b in forms)
    return frozenset(pairs)


def _cuts_alike(mark: str) -> bool:
    """Whether every character whose view holds ``mark`` is ``mark`` in the view (``textview.sources``)."""
    try:
        sources(mark)
    except ValueError:
        return False
    return True


def _positions(text: str, chars: str) -> list[int]:
    """Where any of ``chars`` is in ``text``, in order (each searched for alone: a literal is found
    several times faster than a class of them)."""
    out: list[int] = []
    for c in chars:
        if c in text:
            out += [m.start() for m in re.finditer(re.escape(c), text)]
    return sorted(out)


_MARK_CHARS = "!?.。"  # (what ``_SENTENCE_MARK`` starts with)
_MARK_OR_CLOSING = frozenset(_MARK_CHARS + "\"'”’」』)")  # (what a match of it is made of)
_RUN_OF = {".": re.compile(r"\.+"), "。": re.compile("。+")}
_BANG_RUN = re.compile("[!?]+")


def _mark_places(s: str, a: int, b: int) -> list[int]:
    """Where a match of ``_SENTENCE_MARK`` can start in ``s[a:b]``, in order: each mark, found by
    ``str.find`` (3x faster than the pattern's own scan), but of a run only its first (a match from there
    takes the run whole: a line of dots or of ``!?`` costs one look a run)."""
    find = s.find
    out: list[int] = []
    for c in ".。":
        i = find(c, a, b)
        while i >= 0:
            out.append(i)
            if i + 1 < b and s[i + 1] == c:
                i = _RUN_OF[c].match(s, i, b).end() - 1
            i = find(c, i + 1, b)
    bang, question = find("!", a, b), find("?", a, b)  # (one run of both: looked for together)
    while bang >= 0 or question >= 0:
        i = question if bang < 0 or 0 <= question < bang else bang
        out.append(i)
        after = _BANG_RUN.match(s, i, b).end()
        if 0 <= bang < after:
            bang = find("!", after, b)
        if 0 <= question < after:
            question = find("?", after, b)
    out.sort()
    return out


def _ends_sentence(s: str, start: int, end: int) -> bool:
    if s[start] in "!?":
        return True
    before = s[start - 1] if start else ""
    after = s[end] if end < len(s) else ""
    if s[start] == "。":
        return not (before in _DIGITS and after in _DIGITS)
    return end - start <= 2 and not (before in _ALNUM and after in _ALNUM)


class _Cuts:
    """Where the cuts (any of ``chars``) around a span of ``text`` are (``around``). Each character is
    looked for from where its last search left off, so that spans in order read the text once, whatever
    its length: listing every cut of the text cost more than the look it served."""

    def __init__(self, text: str, chars: str):
        self.text, self.n = text, len(text)
        self.chars = [c for c in chars if c in text]
        self.last = dict.fromkeys(self.chars, (0, -1))  # the last of each in text[:upto]: (upto, where)
        self.first = dict.fromkeys(self.chars, (self.n + 1, self.n))  # the first in text[frm:]: (frm, where)

    def around(self, start: int, end: int) -> tuple[int, int]:
        """Where the last cut before ``start`` is (-1 when none is) and the first at or after ``end``
        (``len(text)`` when none is)."""
        text, last, first = self.text, self.last, self.first
        before, after = -1, self.n
        for c in self.chars:
            upto, at = last[c]
            if start >= upto:
                found = text.rfind(c, upto, start)
                last[c] = (start, at := found if found >= 0 else at)
            else:  # (a span before the last: searched afresh)
                at = text.rfind(c, 0, start)
            before = max(before, at)
            frm, at = first[c]
            if not frm <= end <= at:  # (none of ``c`` in text[frm:at]: the first at or after ``end`` is ``at``)
                found = text.find(c, end)
                first[c] = (end, at := found if found >= 0 else self.n)
            after = min(after, at)
        return before, after


FIRST_PIECE = 4096  # characters


def _line_pieces(s: str) -> Iterator[tuple[int, int]]:
    """``s`` cut at line breaks into pieces of ``FIRST_PIECE`` characters or more, each twice the one
    before at least (a few pieces even for a long text)."""
    start, size = 0, FIRST_PIECE
    while start < len(s):
        end = s.find("\n", start + size)
        end = len(s) if end < 0 else end
        yield start, end
        start, size = end, 2 * size


def _before_final_mark(s: str, ss: int, se: int) -> int:
    end = se
    while end > ss and s[end - 1] in "。!?.":
        end -= 1
    return end


TRADITIONAL = ("s2t", "s2tw", "s2hk")  # the OpenCC conversions whose spellings of a word are looked for


def traditional_spellings(words: list[str]) -> dict[str, list[str]]:
    """OpenCC's traditional spellings (``TRADITIONAL``) of each word with Chinese characters in it.

    Kept on disk in the cache folder (``DUET_CACHE_DIR``), keyed by OpenCC's version and the words:
    building the three converters was a third of a run's set-up (about 0.1 s at every start, 0.3 s of
    the 2.3 s that 120 seed-sized files take), and the rule words rarely change. A cache that cannot be
    read or written is only slower."""
    import opencc

    chinese = sorted({w for w in words if any("\u3400" <= c <= "\u9fff" for c in w)})
    if not chinese:
        return {}
    key = hashlib.sha256(json.dumps([opencc.__version__, TRADITIONAL, chinese]).encode("utf-8")).hexdigest()

    def build() -> dict[str, list[str]]:
        converters = [opencc.OpenCC(config) for config in TRADITIONAL]
        return {w: [c.convert(w) for c in converters] for w in chinese}

    def valid(stored) -> bool:
        return (isinstance(stored, dict) and sorted(stored) == chinese
                and all(isinstance(v, list) and len(v) == len(TRADITIONAL) and all(isinstance(f, str) for f in v)
                        for v in stored.values()))

    return kept_json(f"spam/traditional-{key[:32]}.json", build, valid)


def _view(base: NormalizedView) -> NormalizedView:
    """The detector's view of a text from its normalized view (``textview``): spaces next to Chinese
    dropped, and 、 written , (the punctuation stage may turn one into the other; one character for one, so the map
    back to the original does not change)."""
    view = dropping(base, _SPACES_TO_DROP)
    return replace(view, text=view.text.replace("、", ","))


def _whole(word: str, s: str, start: int, end: int) -> bool:
    """Latin words only as whole words: ``app`` not in ``apple``, ``bet`` not in ``alphabet``; digits may
    touch them (``yabo88``, ``188bet``)."""
    return not ((word[0] in _ASCII_LETTERS and start and s[start - 1] in _ASCII_LETTERS) or
                (word[-1] in _ASCII_LETTERS and end < len(s) and s[end] in _ASCII_LETTERS))


def _any_whole(automaton: AhoCorasick, words: list[str], s: str) -> bool:
    """Whether any of ``words`` (the automaton's, matching overlaps) is in ``s`` as a whole word."""
    return any(_whole(words[index], s, start, end)
               for index, start, end in automaton.find_matches_as_indexes(s, overlapping=True))


# Rule words up to this many bytes in all are matched by a DFA: 2.4x faster than the library's default
# automaton on the seed (the shipped words take 4 ms to build). A DFA grows with the words, so a user's
# very long list gets the default one.
DFA_LIMIT = 200_000


def _automaton(words: list[str], kind: MatchKind) -> AhoCorasick:
    size = sum(len(w.encode("utf-8")) for w in words)
    if size <= DFA_LIMIT:
        return AhoCorasick(words, matchkind=kind, implementation=Implementation.DFA)
    return AhoCorasick(words, matchkind=kind)


class _Words:
    """An automaton over words, with the signal of each."""

    def __init__(self, items: Iterable[tuple[str, Signal]]):
        pairs = list(items)
        self.words = [w for w, _ in pairs]
        self.signals = [s for _, s in pairs]
        self.automaton = _automaton(self.words, MatchKind.LeftmostLongest) if pairs else None


def _families(s: str, hits: list[Hit]) -> dict[str, tuple[float, str]]:
    out: dict[str, tuple[float, str]] = {}
    for h in hits:
        fam = h.signal.family
        if h.signal.weight > out.get(fam, (0.0, ""))[0]:
            out[fam] = (h.signal.weight, s[h.start:h.end])
    return out


def _overlaps_any(h: Hit, spans: list[tuple[int, int]]) -> bool:
    """Whether ``h`` overlaps one of ``spans`` (sorted, not overlapping: their ends rise too)."""
    i = bisect_left(spans, (h.end, h.end))  # the spans starting before h ends
    return i > 0 and spans[i - 1][1] > h.start


def _inside(h: Hit, spans: list[tuple[int, int]]) -> bool:
    i = bisect_right(spans, (h.start, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= h.start and h.end <= spans[i][1]


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping spans: promotions first, then stuffing runs, then single phrases."""
    order = {"promotion": 0, "stuffing": 1, "title": 2, "phrase": 2}
    starts: list[int] = []  # the chosen spans, sorted, as parallel lists
    chosen: list[_Candidate] = []
    for c in sorted(candidates, key=lambda c: (order[c.kind], c.start)):
        i = bisect_left(starts, c.start)
        if (i == 0 or chosen[i - 1].end <= c.start) and (i == len(chosen) or c.end <= starts[i]):
            starts.insert(i, c.start)
            chosen.insert(i, c)
    return chosen


# -- module-level convenience --------------------------------------------------------------------


@lru_cache(maxsize=1)
def default_detector() -> Detector:
    """A detector with the shipped rules."""
    return detector_for()


_DETECTORS: dict[tuple, Detector] = {}


def detector_for(extra: Iterable[str | Path] = ()) -> Detector:
    """A detector for the shipped rules and the user's (``--rules``), shared by everything that asks
    for the same rule files with the same contents (the spam and markup stages, each worker's pipeline):
    building one costs a tenth of a second. A detector keeps no state between texts."""
    extra = tuple(str(e) for e in extra)
    key = (extra, tuple((str(p), p.read_bytes()) for p in rule_files("spam", extra)))
    if key not in _DETECTORS:
        if len(_DETECTORS) >= 8:
            del _DETECTORS[next(iter(_DETECTORS))]
        _DETECTORS[key] = Detector(load_rules(extra))
    return _DETECTORS[key]


def find_spam(text: str, *, threshold: float | None = None, detector: Detector | None = None) -> list[SpamHit]:
    """Spam spans in ``text``, scored with the shipped rules unless a ``detector`` is given."""
    return (detector or default_detector()).find(text, threshold)


def score(text: str, *, detector: Detector | None = None) -> float:
    """How much ``text`` looks like spam: the best candidate's score (compare with the threshold)."""
    return (detector or default_detector()).score(text)
