"""Spam signals for the markup stage: the spam stage's scoring, applied to short texts (anchors, hidden
elements, link targets). The rules are the spam stage's (``rules/spam/*.toml`` and ``--rules``); this
module keeps none of its own.

When the spam detector (``pipeline.spam``) is installed, its ``Detector.find`` decides. Without it, a
minimal reading of the same ``[[signal]]`` data stands in: the heaviest weight of each family found in
the text, minus the families that weigh against, compared with ``[settings] threshold``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import regex

from ..options import Options
from ..rules import ConfigError, read_toml, rule_files



@dataclass(frozen=True)
class Signals:
    """``spam(text)``: the score of the best spam span in a short text when it reaches the spam
    threshold, None when none does. ``weight(text)``: the best score below any threshold (0.0: not one
    signal), e.g. to tell whether a link target names a gambling brand."""

    spam: Callable[[str], "float | None"]
    weight: Callable[[str], float]


_INVISIBLE = regex.compile(r"[\p{Cf}\u180e]")


def load_spam_signals(options: Options) -> Signals | None:
    """The signals, or None when there are no spam rules at all."""
    try:
        from .. import spam
    except ImportError:
        spam = None
    if spam is not None and hasattr(spam, "Detector"):
        detector = spam.detector_for(options.rules)

        def best(text: str) -> float | None:
            hits = detector.find(text)
            return max(h.score for h in hits) if hits else None

        return Signals(best, detector.score)
    return minimal_signals(rule_files("spam", options.rules))


def minimal_signals(files: list[Path]) -> Signals | None:
    """Family weights from the ``[[signal]]`` tables of spam rule files, matched by one alternation."""
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
            family = str(entry.get("family") or entry.get("name", ""))
            for word in entry["words"]:
                if isinstance(word, str) and word:
                    weights[_normal(word)] = (family, str(entry.get("role", "")), weight)
    if not weights:
        return None
    words = regex.compile("|".join(regex.escape(w) for w in sorted(weights, key=len, reverse=True)))

    def weight(text: str) -> float:
        found = [weights[w] for w in words.findall(_normal(text))]
        if not any(role == "anchor" for _, role, _ in found):
            return 0.0
        best: dict[str, float] = {}
        against: dict[str, float] = {}
        for family, role, w in found:
            table = against if role == "against" else best if role in ("anchor", "attach", "promo") else None
            if table is not None:
                table[family] = max(table.get(family, 0.0), w)
        return max(0.0, sum(best.values()) - sum(against.values()))

    def spam(text: str) -> float | None:
        total = weight(text)
        return total if total >= threshold else None

    return Signals(spam, weight)


def _normal(s: str) -> str:
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", s)).lower()
