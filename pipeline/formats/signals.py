"""Spam signals for the markup stage: the spam stage's own scoring (placeholder until it lands)."""

from __future__ import annotations

from typing import Callable

from ..options import Options

# ``score(text)``: the spam score of a short text when it carries spam signals, None when it does not.
SpamScore = Callable[[str], "float | None"]


def load_spam_score(options: Options) -> SpamScore | None:
    return None
