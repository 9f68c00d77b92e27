"""Term glossaries as data: what the ``terms`` stage repairs and what translation must respect.

A glossary is a TOML file with one ``[[term]]`` table per entry::

    [[term]]
    zh = "关工委"
    en = "Working Committee for Caring for the Next Generation"
    variants = ["Customs Work Committee", "Customs and Work Commission"]
    # optional: zh_variants = [...], case = "keep"|"title"|"exact", note = "..."

``--terms NAME`` loads ``rules/terms/NAME.toml``; ``--terms PATH`` loads a file. Errors name the file
and the entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .rules import ConfigError, entry_name, read_toml, rules_dir

CASES = ("keep", "title", "exact")
KEYS = {"zh", "en", "variants", "zh_variants", "case", "note"}


@dataclass(frozen=True)
class Term:
    zh: str
    en: str
    variants: tuple[str, ...] = ()
    zh_variants: tuple[str, ...] = ()
    case: str = "keep"
    note: str = ""
    source: str = ""  # "file: [[term]] #n" for messages


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
        for key in ("variants", "zh_variants"):
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise ConfigError(f"{where}: '{key}' must be a list of non-empty strings")
            lists[key] = tuple(v.strip() for v in value)
        case = entry.get("case", "keep")
        if case not in CASES:
            raise ConfigError(f"{where}: case must be one of {', '.join(CASES)}, not {case!r}")
        note = entry.get("note", "")
        if not isinstance(note, str):
            raise ConfigError(f"{where}: 'note' must be a string")
        terms.append(Term(entry["zh"].strip(), entry["en"].strip(), lists["variants"], lists["zh_variants"],
                          case, note, where))
    return terms


def load(names: Iterable[str]) -> Glossary:
    """Load and check glossaries together: a variant may not be another term's canonical English."""
    terms: list[Term] = []
    files: list[str] = []
    for name in names:
        path = resolve(name)
        files.append(str(path))
        terms.extend(load_file(path))
    canonical = {t.en.casefold(): t for t in terms}
    for t in terms:
        for v in t.variants:
            other = canonical.get(v.casefold())
            if other is not None and other.zh != t.zh:
                raise ConfigError(f"{t.source}: variant {v!r} is the canonical English of {other.source} "
                                  f"({other.zh})")
    return Glossary(tuple(terms), tuple(files))
