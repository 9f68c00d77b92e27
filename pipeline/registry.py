"""The stages, in the order they run. Adding a stage: write ``pipeline/stages/NAME.py`` with ``NAME``,
``RULES`` and ``setup(options)``, then add the module to ``STAGES`` below."""

from __future__ import annotations

from typing import Callable

from .document import Document
from .options import Options
from .rules import ConfigError
from .stages import invisible, markup, markup_check, segment, spam, structure

STAGES = (
    markup,  # Markdown/HTML: protect everything but prose; spam hidden in the markup
    invisible,  # zero-width and control characters, line ends, trailing and blank lines
    structure,  # paragraphs, headings, metadata; re-join lines broken mid-sentence
    segment,  # zh / en / other runs, clause by clause
    spam,  # injected betting spam: removed (or masked, or flagged) span by span
    markup_check,  # last: flags where cleaning the prose changed how Markdown/HTML markup reads
)

Run = Callable[[Document], None]


def known_names() -> set[str]:
    names: set[str] = set()
    for stage in STAGES:
        names.add(stage.NAME)
        names.update(stage.RULES)
    return names


def build(options: Options) -> list[tuple[str, Run]]:
    """Set up every enabled stage once (rules loaded, converters created)."""
    unknown = sorted(set(options.disable) - known_names())
    if unknown:
        raise ConfigError(f"--disable: unknown stage or rule: {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(known_names()))})")
    return [(stage.NAME, stage.setup(options)) for stage in STAGES if options.enabled(stage.NAME)]
