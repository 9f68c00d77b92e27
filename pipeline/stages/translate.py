"""Translate: fill the missing side of each translation unit, and with ``--to`` put it in place.

What it does depends on the options (with the defaults, nothing at all):
- units are built (``pipeline/translation/units.py``) when an output or a check needs them: ``--to``,
  ``--expect``, ``--bilingual``, ``--format jsonl|tmx|xliff``, or a ``--translator``;
- a backend (``--translator ct2|openai``) translates them when an output needs translations: ``--to``,
  ``--bilingual`` or a unit format. With ``--to`` only the other language is translated (both with
  ``--bilingual``); otherwise both directions, so that every unit has both sides;
- with ``--to en|zh`` the translations replace the source text as recorded changes (rule
  ``translation``), and the stages before this one run once more over the result: machine output gets
  the same cleaning as the input, so that cleaning the output again changes nothing (idempotence: the
  second run finds every unit already in the target language and nothing left for the other stages);
- units left in the other language with ``--to`` (``--translator none``) are flagged ``untranslated``
  (``duet check --expect`` lists the runs of the other language itself: ``pipeline/report.py``); a
  translation missing a required glossary term is flagged ``missing-term``.

The units, with their translations and origins, go to the report (``stats.translation.units``) and to
the writers.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from typing import Callable

from ..document import Document, Edit
from ..glossary import Glossary, load as load_glossary
from ..options import Options
from ..positions import forward_spans
from ..rules import ConfigError
from ..translation.backends import DIRECTIONS, Backend, Translation, TranslationError, check_terms, valid_text
from ..translation.units import Unit, build_units, needs_space
from . import segment

NAME = "translate"
RULES = ("translation", "translation-memory", "missing-term", "untranslated")
UNIT_FORMATS = ("jsonl", "tmx", "xliff")
UNITS_KEY = "_units"  # doc.stats key of the units (hidden from the report's stats)
MAX_ROUNDS = 4  # translate, put in place, look again: a second round is rare, a third rarer still


def _wants_units(options: Options) -> bool:
    return bool(options.to or options.expect or options.bilingual or options.format in UNIT_FORMATS
                or options.translator != "none")


def context(options: Options) -> str:
    """Large files go piece by piece only when this stage does nothing (see registry.context): units,
    their translations and their summary are the whole document's."""
    return "document" if _wants_units(options) and options.enabled(NAME) else "paragraph"


def setup(options: Options) -> Callable[[Document], None]:
    if options.translator not in ("none", "ct2", "openai"):
        raise ConfigError(f"--translator must be none, ct2 or openai, not {options.translator!r}")
    if not _wants_units(options) or not options.enabled(NAME):
        return lambda doc: None
    from ..polish import Polish  # it imports the registry, which imports this module

    glossary = load_glossary(options.terms) if options.terms else Glossary()
    backends = make_backends(options, directions(options))
    place = options.to is not None and bool(backends) and options.enabled("translation")
    # The earlier stages again over the text with its translations in place (each replaces its flags:
    # they were made twice, ``wan-separator`` of the seed with ``--to en``).
    polish = Polish(NAME, options).whole if place else None

    relabel = segment.setup(options) if options.enabled(segment.NAME) else None

    def fresh_units(doc: Document) -> list[Unit]:
        # Units are cut at the language runs: the runs the segment stage finds on the text as it stands
        # (the earlier stages carried theirs through their edits), as a second run will find them.
        if relabel is not None:
            relabel(doc)
        return build_units(doc)

    def run(doc: Document) -> None:
        units = todo = fresh_units(doc)
        failures = []
        for _ in range(MAX_ROUNDS):
            for (source, target), backend in backends.items():
                try:
                    translate_units(backend, [u for u in todo if u.lang == source], source, target, glossary)
                except TranslationError as exc:
                    # The backend failed part way: the units it translated are used (and kept in the
                    # memory), the others stay as they are, flagged untranslated: the output is
                    # incomplete, never wrong.
                    failures.append(f"{source}-{target}: {exc}")
            if not place or not place_translations(doc, units, options.to, polish, todo) or failures:
                break
            # What cleaning the output again finds: a unit of the other language that stood inside a
            # unit of the target language (``Customs“一 Customs”,`` once the clause after it is English,
            # the 一 is a clause of its own). It is translated now, so that the next run finds none.
            units, todo = units_again(units, fresh_units(doc), options.to)
            if not todo:
                break
        for i, u in enumerate(units, 1):
            u.id = f"u{i}"
        _flag(doc, units, options, "; ".join(failures))
        doc.stats[UNITS_KEY] = units
        doc.stats["translation"] = summary(units, options, backends)
        if failures:
            wanted = [u for u in units if (u.lang, _other(u.lang)) in backends]
            left = sum(1 for u in wanted if not u.target)
            doc.stats["translation"]["error"] = (f"translation incomplete: {left} of {len(wanted)} units left "
                                                 f"untranslated and flagged ({'; '.join(failures)})")

    return run


def directions(options: Options) -> list[tuple[str, str]]:
    """Which directions to translate: none without a backend or an output that shows translations."""
    if options.translator == "none":
        return []
    if not (options.to or options.bilingual or options.format in UNIT_FORMATS):
        return []
    if options.to and not options.bilingual:
        return [d for d in DIRECTIONS if d[1] == options.to]
    return list(DIRECTIONS)


def make_backends(options: Options, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], Backend]:
    from ..translation.memory import Remembering, open_memory

    out: dict[tuple[str, str], Backend] = {}
    memory = open_memory() if wanted and options.enabled("translation-memory") else None
    shared = None
    for source, target in wanted:
        if options.translator == "ct2":
            from ..translation.ct2 import Ct2Backend
            from ..translation.models import resolve_model

            backend: Backend = Ct2Backend(resolve_model(options.model, source, target), target,
                                          beam_size=options.beam_size)
        else:
            from ..translation.openai_compat import OpenAIBackend

            backend = shared = shared or OpenAIBackend(options.model)  # one client for both directions
        out[(source, target)] = Remembering(backend, memory) if memory is not None else backend
    return out


def translate_units(backend: Backend, units: list[Unit], source: str, target: str, glossary: Glossary) -> None:
    """Fill ``unit.target``. On a ``TranslationError`` the units translated before it are filled all the
    same, then the error is raised again."""
    if not units:
        return
    failure = None
    try:
        results: list[Translation | None] = list(backend.translate(units, source, target, glossary))
    except TranslationError as exc:
        results, failure = exc.partial, exc
    if len(results) != len(units):
        raise TranslationError(f"{backend.name}: {len(results)} translations for {len(units)} units")
    done = [(u, t) for u, t in zip(units, results) if t is not None]
    missing = check_terms([u.text for u, _ in done], [t.text for _, t in done], source, target, glossary)
    for (u, t), m in zip(done, missing):
        text = valid_text(t.text)
        if text.strip():  # an empty answer is no translation: it must never erase the source
            u.target, u.origin, u.missing_terms = text, t.origin, m
    if failure is not None:
        raise failure


def _other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def place_translations(doc: Document, units: list[Unit], to: str, polish: Callable[[Document], None] | None,
                       todo: list[Unit] | None = None) -> int:
    """Replace each unit of ``todo`` (default: all) in the other language by its translation, run the
    earlier stages over the result, and keep every unit's span current. Returns how many were placed."""
    chosen = {id(u) for u in (units if todo is None else todo)}
    text = doc.text
    edits, spans, shift = [], [], 0
    for u in units:  # units are in text order and do not overlap
        if id(u) in chosen and u.lang != to and u.target and not u.placed:
            before, after = _spacing(text, u.start, u.end, u.target, to)
            edits.append(Edit(u.start, u.end, before + u.target + after, "translation"))
            start = u.start + shift + len(before)
            spans.append((start, start + len(u.target)))
            shift += len(before) + len(u.target) + len(after) - (u.end - u.start)
            u.placed = True
        else:
            spans.append((u.start + shift, u.end + shift))
    if not edits:
        return 0
    doc.apply(NAME, edits)
    since = len(doc.changes)
    if polish is not None:
        polish(doc)
    for u, (s, e) in zip(units, forward_spans(doc, since, spans)):
        u.start, u.end = s, e
    _reassign_blocks(doc, units)
    return len(edits)


def units_again(units: list[Unit], fresh: list[Unit], to: str) -> tuple[list[Unit], list[Unit]]:
    """The units once more after translations were put in place, and those still to translate.

    ``fresh`` are the units built on the text as it stands. Each fresh unit of the other language takes
    the place of the units it overlaps (their text has changed under them), and so do the fresh units of
    the target language that cover the unplaced ones among those, until the places match. A fresh unit
    that would take the place of a translation put in place is left out: its text stays as it is on
    both sides of a bilingual document."""
    new = [j for j, f in enumerate(fresh) if f.lang != to]
    if not new:
        return units, []

    def overlapping(a: Unit, group: list[Unit]) -> list[int]:
        return [k for k, b in enumerate(group) if b.start < a.end and a.start < b.end]

    stale: set[int] = set()  # indexes into units
    taken: set[int] = set()  # indexes into fresh
    queue = new[:]
    while queue:
        j = queue.pop()
        f = fresh[j]
        olds = overlapping(f, units)
        if j in taken or f.lang == to and any(units[i].placed and i not in stale for i in olds):
            continue
        taken.add(j)
        for i in olds:
            if i not in stale:
                stale.add(i)
                queue += overlapping(units[i], fresh)
    kept = [u for i, u in enumerate(units) if i not in stale]
    added = [fresh[j] for j in sorted(taken)]
    return sorted(kept + added, key=lambda u: u.start), added


def _spacing(text: str, start: int, end: int, target: str, to: str) -> tuple[str, str]:
    """English put next to a Latin word or mark needs a space between them (``activities.The``)."""
    if to != "en" or not target:
        return "", ""
    before = " " if needs_space(text[start - 1 : start], target) else ""
    after = " " if needs_space(target, text[end : end + 1]) else ""
    return before, after


def _reassign_blocks(doc: Document, units: list[Unit]) -> None:
    """The stages run again may have found other blocks: each unit goes to the block it lies in."""
    starts = [b.start for b in doc.blocks]
    for u in units:
        i = max(bisect_right(starts, u.start) - 1, 0)
        if doc.blocks:
            u.block, u.kind = i, doc.blocks[i].kind


def _flag(doc: Document, units: list[Unit], options: Options, failure: str = "") -> None:
    if options.enabled("missing-term"):
        for u in units:
            if u.missing_terms:
                doc.flag(NAME, "missing-term", u.start, u.end,
                         f"{u.id}: the translation lacks the glossary term(s) {', '.join(u.missing_terms)}")
    expected = options.to
    if expected and options.enabled("untranslated"):
        why = "no translation (--translator none)" if options.translator == "none" else \
            f"no translation: the backend failed ({failure})" if failure else "no translation"
        for u in units:
            if u.lang != expected and not u.placed:
                doc.flag(NAME, "untranslated", u.start, u.end,
                         f"{u.id}: {u.lang} text in a document meant to be in {expected}: {why}")


def summary(units: list[Unit], options: Options, backends: dict) -> dict:
    langs = Counter(u.lang for u in units)
    origins = Counter(u.origin for u in units if u.origin)
    return {
        "translator": options.translator,
        "models": {f"{s}-{t}": b.model_id for (s, t), b in backends.items()},
        "to": options.to,
        "units_by_lang": dict(sorted(langs.items())),
        "translated_by_origin": dict(sorted(origins.items())),
        "units": [u.to_dict() for u in units],
    }


