"""Markup check: the last stage. Did cleaning the prose change what the parser sees?

The markup stage protects every byte of markup, so no stage can edit it; but an edit of prose can still
change how the markup reads: a removal that empties ``**...**`` leaves ``****`` (text, or a thematic
break on a line of its own), a space removed or inserted next to ``*`` turns emphasis on or off. This
stage parses the document as the markup stage left it and as it is now; when the structure differs, it
flags the first place (``markup-changed``) for an editor. It costs nothing when no stage after the markup
stage changed anything. It must stay last in the registry.
"""

from __future__ import annotations

from typing import Callable

from ..document import Document
from ..formats.html_doc import html_skeleton
from ..formats.markdown_doc import default_parser, line_starts, markdown_skeleton
from ..options import Options

NAME = "markup-check"
RULES = ("markup-changed",)
# Where the markup stage leaves the text it parsed and the length of the change log at that moment.
PARSED = "_markup_parsed"


def setup(options: Options) -> Callable[[Document], None]:
    md = default_parser()
    on = options.enabled("markup-changed")

    def run(doc: Document) -> None:
        parsed = doc.stats.pop(PARSED, None)
        if not on or parsed is None or len(doc.changes) == parsed[1]:
            return
        before, now = parsed[0], doc.text
        if doc.format == "markdown":
            old, new = markdown_skeleton(md, before), markdown_skeleton(md, now)
        else:
            old, new = html_skeleton(before), html_skeleton(now)
        if [k for k, _ in old] == [k for k, _ in new]:
            return
        start, end = _first_difference(now, doc.format, old, new)
        doc.flag(NAME, "markup-changed", start, end,
                 "cleaning the prose here changed how the markup reads (an emptied or re-paired mark): "
                 "check this place against the input")

    return run


def _first_difference(text: str, fmt: str, old: list, new: list) -> tuple[int, int]:
    i = 0
    while i < len(old) and i < len(new) and old[i][0] == new[i][0]:
        i += 1
    at = new[min(i, len(new) - 1)][1] if new else 0
    if at is None:  # a token without a source line: the nearest one before it
        at = next((p for _, p in reversed(new[:i]) if p is not None), 0)
    if fmt == "html":
        return at, at
    starts = line_starts(text)
    s = starts[min(at, len(starts) - 1)]
    e = text.find("\n", s)
    return s, len(text) if e < 0 else e
