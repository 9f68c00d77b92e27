"""Spam signals for the markup stage: the spam stage's scoring, applied to short texts (anchors, hidden
elements, link targets). The rules are the spam stage's (``rules/spam/*.toml`` and ``--rules``); this
module keeps none of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..options import Options


@dataclass(frozen=True)
class Signals:
    """``spam(text)``: the score of the best spam span in a short text when it reaches the spam
    threshold, None when none does. ``weight(text)``: the best score below any threshold (0.0: not one
    signal), e.g. to tell whether a link target names a gambling brand."""

    spam: Callable[[str], "float | None"]
    weight: Callable[[str], float]


def load_spam_signals(options: Options) -> Signals:
    """The spam stage's detector for the rules in use (shared with the spam stage)."""
    from .. import spam  # (imported here: the spam module loads its rules' automata)

    detector = spam.detector_for(options.rules)

    def best(text: str) -> float | None:
        hits = detector.find(text)
        return max(h.score for h in hits) if hits else None

    return Signals(best, detector.score)
