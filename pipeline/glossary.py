"""Term glossaries as data: what the ``terms`` stage repairs and what translation must respect.

A glossary is a TOML file with one ``[[term]]`` table per entry::

    [[term]]
    zh = "关工委"
    en = "Working Committee for Caring for the Next Generation"
    variants = ["Customs Work Committee", "Customs and Work Commission"]
    # optional: weak_variants = [...], zh_variants = [...], plural = "...",
    #           case = "keep"|"title"|"exact", note = "..."

``weak_variants`` are wrong renderings that are also ordinary English ("labor organization"): the
``terms`` stage repairs them only in documents that show the glossary's domain (docs/terms.md).
``plural`` overrides the plural the stage derives from ``en`` (the head noun takes the ``s``).

``--terms NAME`` loads ``rules/terms/NAME.toml``; ``--terms PATH`` loads a file. Errors name the file
and the entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .rules import ConfigError, entry_name, read_toml, rules_dir

CASES = ("keep", "title", "exact")
KEYS = {"zh", "en", "variants", "weak_variants", "zh_variants", "plural", "case", "note"}


@dataclass(frozen=True)
class Term:
    zh: str
    en: str
    variants: tuple[str, ...] = ()
    zh_variants: tuple[str, ...] = ()
    case: str = "keep"
    note: str = ""
    source: str = ""  # "file: [[term]] #n" for messages
    weak_variants: tuple[str, ...] = ()  # also ordinary English: repaired only where the domain shows
    plural: str = ""  # the plural of ``en`` when the derived one is wrong
    file: str = ""  # the glossary file it came from

    @property
    def all_variants(self) -> tuple[str, ...]:
        return self.variants + self.weak_variants


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    files: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.terms)

    def by_zh(self) -> dict[str, Term]:
        """Every Chinese form (canonical and variants) to its term."""
        out: dict[str, Term] = {}
        for t in self.terms:
            for form in (t.zh, *t.zh_variants):
                out.setdefault(form, t)
        return out

    def required_in(self, source_text: str) -> list[Term]:
        """The terms whose Chinese form occurs in ``source_text`` (what a translation must contain)."""
        return [t for t in self.terms if any(form in source_text for form in (t.zh, *t.zh_variants))]


def resolve(name: str) -> Path:
    """``NAME`` (a shipped glossary) or a path to a TOML file."""
    shipped = rules_dir() / "terms" / f"{name}.toml"
    if "/" not in name and "\\" not in name and not name.endswith(".toml"):
        if shipped.is_file():
            return shipped
        available = sorted(p.stem for p in (rules_dir() / "terms").glob("*.toml"))
        raise ConfigError(f"--terms {name}: no such glossary (shipped: {', '.join(available) or 'none'})")
    path = Path(name)
    if not path.is_file():
        raise ConfigError(f"{name}: glossary file not found")
    return path


def load_file(path: Path) -> list[Term]:
    data = read_toml(path)
    unknown_tables = set(data) - {"term"}
    if unknown_tables:
        raise ConfigError(f"{path}: unknown table(s) {', '.join(sorted(unknown_tables))}; "
                          "a glossary has [[term]] entries")
    entries = data.get("term", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: 'term' must be an array of tables ([[term]])")
    terms = []
    first_entry: dict[str, str] = {}
    for i, entry in enumerate(entries):
        where = f"{path}: {entry_name('term', i, entry)}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: must be a table")
        extra = set(entry) - KEYS
        if extra:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        for key in ("zh", "en"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ConfigError(f"{where}: missing '{key}'")
        lists = {}
        for key in ("variants", "weak_variants", "zh_variants"):
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise ConfigError(f"{where}: '{key}' must be a list of non-empty strings")
            lists[key] = tuple(_spaces(v) for v in value)
        case = entry.get("case", "keep")
        if case not in CASES:
            raise ConfigError(f"{where}: case must be one of {', '.join(CASES)}, not {case!r}")
        for key in ("note", "plural"):
            if not isinstance(entry.get(key, ""), str):
                raise ConfigError(f"{where}: '{key}' must be a string")
        seen: dict[str, str] = {}
        for key in ("variants", "weak_variants"):
            for v in lists[key]:
                if _fold(v) in seen:
                    raise ConfigError(f"{where}: variant {v!r} is listed twice ({seen[_fold(v)]} and {key})")
                seen[_fold(v)] = key
        zh = entry["zh"].strip()
        if zh in first_entry:
            raise ConfigError(f"{where}: zh {zh!r} is already the term {first_entry[zh]}")
        first_entry[zh] = entry_name("term", i, entry)
        terms.append(Term(zh, _spaces(entry["en"]), lists["variants"], lists["zh_variants"], case,
                          entry.get("note", ""), where, lists["weak_variants"],
                          _spaces(entry.get("plural", "")), str(path)))
    return terms


def _spaces(s: str) -> str:
    """Words separated by one space, as the text is matched (a term spelled over a line break or
    two spaces in the file is still one term)."""
    return " ".join(s.split())


def _fold(s: str) -> str:
    """How forms compare: case-insensitive, runs of spaces as one."""
    return " ".join(s.lower().split())


def load(names: Iterable[str]) -> Glossary:
    """Load and check glossaries together: a variant may not be another term's canonical English."""
    terms: list[Term] = []
    files: list[str] = []
    for name in names:
        path = resolve(name)
        files.append(str(path))
        terms.extend(load_file(path))
    canonical = {_fold(t.en): t for t in terms}
    variant_of: dict[str, Term] = {}
    for t in terms:
        for v in t.all_variants:
            other = canonical.get(_fold(v))
            if other is not None and other.zh != t.zh:
                raise ConfigError(f"{t.source}: variant {v!r} is the canonical English of {other.source} "
                                  f"({other.zh})")
            # One wrong rendering repaired two ways would make the result depend on the order of files.
            prior = variant_of.setdefault(_fold(v), t)
            if prior.zh != t.zh:
                raise ConfigError(f"{t.source}: variant {v!r} is also a variant of {prior.source} "
                                  f"({prior.zh}); a variant must belong to one term")
    return Glossary(tuple(terms), tuple(files))
