"""Spam signals for the markup stage: the spam stage's scoring, applied to short texts (anchors, hidden
elements, link targets). The rules are the spam stage's (``rules/spam/*.toml`` and ``--rules``); this
module keeps none of its own.

When the spam detector (``pipeline.spam``) is installed, its ``Detector.find`` decides. Without it, a
minimal reading of the same ``[[signal]]`` data stands in: the heaviest weight of each family found in
the text, minus the families that weigh against, compared with ``[settings] threshold``.
"""

from __future__ import annotations

import unicodedata
from typing import Callable

import regex

from ..options import Options
from ..rules import ConfigError, read_toml, rule_files

# ``score(text)``: the spam score of a short text when it carries spam signals, None when it does not.
SpamScore = Callable[[str], "float | None"]

_INVISIBLE = regex.compile(r"[\p{Cf}\u180e]")


def load_spam_score(options: Options) -> SpamScore | None:
    """The scoring function, or None when there are no spam rules at all."""
    try:
        from .. import spam
    except ImportError:
        spam = None
    if spam is not None and hasattr(spam, "Detector"):
        detector = spam.Detector(spam.load_rules(options.rules))

        def score(text: str) -> float | None:
            hits = detector.find(text)
            return max(h.score for h in hits) if hits else None

        return score
    return minimal_spam_score(options.rules)


def minimal_spam_score(extra=()) -> SpamScore | None:
    """Family weights from the ``[[signal]]`` tables of the spam rules, matched by one alternation."""
    files = rule_files("spam", extra)
    if not files:
        return None
    weights: dict[str, tuple[str, str, float]] = {}  # word -> (family, role, weight)
    threshold = 1.0
    for path in files:
        data = read_toml(path)
        threshold = float(data.get("settings", {}).get("threshold", threshold))
        for entry in data.get("signal", []):
            if not isinstance(entry, dict) or not isinstance(entry.get("words"), list):
                continue
            try:
                weight = float(entry.get("weight", 0))
            except (TypeError, ValueError):
                raise ConfigError(f"{path}: [[signal]] {entry.get('name')!r}: weight must be a number") from None
            for word in entry["words"]:
                if isinstance(word, str) and word:
                    weights[_normal(word)] = (str(entry.get("family") or entry.get("name", "")), str(entry.get("role", "")), weight)
    if not weights:
        return None
    words = regex.compile("|".join(regex.escape(w) for w in sorted(weights, key=len, reverse=True)))

    def score(text: str) -> float | None:
        best: dict[str, float] = {}
        against: dict[str, float] = {}
        for m in words.finditer(_normal(text)):
            family, role, weight = weights[m.group()]
            table = against if role == "against" else best if role in ("anchor", "attach", "promo") else None
            if table is not None:
                table[family] = max(table.get(family, 0.0), weight)
        if not any(weights[w][1] == "anchor" for w in words.findall(_normal(text))):
            return None
        total = sum(best.values()) - sum(against.values())
        return total if total >= threshold else None

    return score


def _normal(s: str) -> str:
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", s)).lower()
