"""The stages, in the order they run. Adding a stage: write ``pipeline/stages/NAME.py`` with ``NAME``,
``RULES`` and ``setup(options)``, then add the module to ``STAGES`` below.

A stage also says how much of a document it needs to see (``CONTEXT``, see ``context``): large files
are cleaned piece by piece only when every enabled stage works on pieces."""

from __future__ import annotations

from typing import Callable

from .document import Document
from .options import Options
from .rules import ConfigError
from .stages import invisible, markup, markup_check, segment, spam, structure, terms, translate
from .stages import numbers, punctuation, spacing, variant, width

STAGES = (
    markup,  # Markdown/HTML: protect everything but prose; spam hidden in the markup
    invisible,  # zero-width and control characters, line ends, trailing and blank lines
    structure,  # paragraphs, headings, metadata; re-join lines broken mid-sentence
    spam,  # injected betting spam: removed (or masked, or flagged) span by span
    # After spam: the runs are found once, on the text without it (found before, they had to be found
    # again where spam was taken out: the punctuation stage's largest cost).
    segment,  # zh / en / other runs, clause by clause
    width,  # full-width letters, digits and symbols to half-width
    numbers,  # 5。780 decimal points; flags 万 converted into mixed separators
    punctuation,  # marks, quotes and brackets in the convention of their language run
    spacing,  # spaces between Chinese, English, numbers and marks
    variant,  # simplified / traditional script (OpenCC), on the final spacing: 明了 converts, 明　了 not
    terms,  # glossary terms (--terms): repair known mistranslations, flag inconsistent renderings
    translate,  # translation units; fill the missing side (--translator), put it in place (--to)
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


PARAGRAPH, DOCUMENT = "paragraph", "document"


def context(stage, options: Options) -> str:
    """How much text a stage needs: ``"paragraph"`` or ``"document"``.

    ``"paragraph"`` promises that ``run(doc)`` on a piece of a document made of whole paragraphs (cut
    after a blank line; ``doc.at_start``, ``doc.at_end`` and ``doc.lang_before`` describe where the piece
    lies) makes the same edits as on the whole document: no change spans two paragraphs except at the end
    of the document. A stage that removes text may empty the last pieces or take the first pieces' letters:
    the streamer then cleans them again with their neighbour (``stream.settled``), so the stage needs no
    more than its piece. A stage declares it
    with a module attribute ``CONTEXT``, or a function ``context(options)`` when it depends on the options
    (``variant = "auto"`` counts the whole document). A stage that says nothing needs the whole document:
    the safe default. See docs/batch.md.
    """
    declared = getattr(stage, "context", None)
    value = declared(options) if callable(declared) else getattr(stage, "CONTEXT", DOCUMENT)
    if value not in (PARAGRAPH, DOCUMENT):
        raise ConfigError(f"stage {stage.NAME}: context must be '{PARAGRAPH}' or '{DOCUMENT}', not {value!r}")
    return value


def whole_document_stages(options: Options) -> list[str]:
    """The enabled stages that need the whole document (empty: pieces are fine)."""
    return [s.NAME for s in STAGES if options.enabled(s.NAME) and context(s, options) == DOCUMENT]
