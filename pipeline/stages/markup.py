"""Markup: read a Markdown or HTML document with a real parser and let the later stages touch prose only.

Runs first, before ``invisible``: everything that is not prose (tags, attributes, code spans and blocks,
link targets, URLs, HTML blocks, front matter keys, math, entities, the source's line layout, Markdown
hard-break spaces) becomes a protected range, so that no later stage can edit it (``Document.apply`` drops
edits that touch one), and the change log's offsets keep referring to the whole file. Running after
``invisible`` would let it strip the two spaces of a Markdown hard break and squeeze blank lines inside
fenced code before the parser could say they are markup.

``doc.blocks`` becomes the prose blocks the parser found (``paragraph`` for paragraphs, list items and
table cells, ``heading``, ``meta`` for the title, page description and front matter values,
``attribute`` for ``title``/``alt`` attributes); the structure stage leaves them alone.

Spam that lives in the markup itself, judged with the spam stage's signals:
- ``hidden-link-spam``: an element hidden from readers (``display:none``, ``visibility:hidden``,
  zero-size or zero-height marquee, ``text-indent:-9999px``, off-screen position, ``font-size:0``, ...)
  whose content is links carrying spam signals is removed whole, tags and all (in HTML pages and in the
  HTML blocks of Markdown documents).
- ``spam-link``: a link whose anchor text and target both carry spam signals is removed whole.
- ``link-anchor-restore``: a link whose anchor carries spam signals over a legitimate target (a gambling
  brand over a GitLab URL) gets its original anchor back when the document tells it: another link to the
  same target with a clean anchor, or the link's own clean ``title``. Otherwise the link is flagged
  (``link-anchor-spam``) for an editor and its anchor is protected, so that no stage half-edits it.
With ``--spam flag`` nothing is removed: each finding is a flag.
"""

from __future__ import annotations

import html
from typing import Callable

import regex

from ..document import Document, Edit
from ..formats import Hidden, Layout, Link, complement
from ..formats.html_doc import html_layout
from ..formats.markdown_doc import default_parser, markdown_layout
from ..formats.signals import Signals, load_spam_signals
from .markup_check import PARSED, Parsed
from ..options import Options

NAME = "markup"
# Plain text, the only format cleaned piece by piece (large files), passes through untouched; Markdown
# and HTML are always read whole.
CONTEXT = "paragraph"
RULES = ("hidden-link-spam", "spam-link", "link-anchor-restore", "link-anchor-spam")
FORMATS = ("markdown", "html")
# Each round removes markup or restores spam anchors for good, so the rounds end; this only bounds them.
_MAX_ROUNDS = 8

# Markdown syntax that a restored anchor must not carry (it would become markup).
_MARKDOWN_SYNTAX = regex.compile(r"[\[\]*_`<>\\!|]")
_URL_WORDS = regex.compile(r"[^\p{L}\p{N}]+")


def setup(options: Options) -> Callable[[Document], None]:
    signals = load_spam_signals(options)
    on = options.enabled
    flag_only = options.spam == "flag"

    def run(doc: Document) -> None:
        if doc.format not in FORMATS:
            return
        layout = _parse(doc.format, doc.text)
        layout = remove_markup_spam(doc, layout)
        # The later stages edit the prose as the next cleaning will read it: after a removal here (the
        # line of a hidden element in Markdown becomes a paragraph) the page was read again.
        doc.protect(complement(layout.prose, len(doc.text)))
        doc.blocks = layout.blocks
        # What markup-check compares the end result with.
        doc.stats[PARSED] = Parsed(doc.text, len(doc.changes), layout.regions, layout.references,
                                   list(doc.protected))

    def remove_markup_spam(doc: Document, layout: Layout) -> Layout:
        """Apply (or flag) the spam found in the markup; after edits the page is read again and judged
        again, as cleaning the output would, until nothing is left to do. Returns the last layout."""
        edits, flags, keep = markup_spam(doc.text, doc.format, layout, signals, on)
        rounds = 0
        while edits and not flag_only and rounds < _MAX_ROUNDS:
            # removing a whole element or link removes markup: this stage owns the markup
            doc.apply(NAME, edits, respect_protected=False)
            layout = _parse(doc.format, doc.text)
            edits, flags, keep = markup_spam(doc.text, doc.format, layout, signals, on)
            rounds += 1
        for rule, start, end, message in flags:
            doc.flag(NAME, rule, start, end, message)
        if flag_only:
            for e in edits:
                doc.flag(NAME, e.rule, e.start, e.end, f"spam in the markup ({e.score:.2f}): would be "
                         f"{'removed' if not e.after else 'rewritten'}: {_short(doc.text[e.start:e.end])}")
        doc.protect(keep)
        return layout

    return run


def _parse(fmt: str, text: str) -> Layout:
    # (The Markdown parser is made when the first Markdown document comes: plain text never needs it.)
    return markdown_layout(default_parser(), text) if fmt == "markdown" else html_layout(text)


def markup_spam(text: str, fmt: str, layout: Layout, signals: Signals,
                enabled: Callable[[str], bool] = lambda rule: True):
    """Edits (removals and restored anchors), flags ``(rule, start, end, message)`` and the ranges to
    protect (anchors left for an editor), all in offsets of ``text``."""
    spam_score = signals.spam
    edits: list[Edit] = []
    flags: list[tuple[str, int, int, str]] = []
    keep: list[tuple[int, int]] = []
    removed: list[tuple[int, int]] = []
    if enabled("hidden-link-spam"):
        for h in _outermost(layout.hidden):
            score = _hidden_spam(h, spam_score)
            if score is not None:
                s, e = whole_lines(text, h.start, h.end)
                edits.append(Edit(s, e, "", "hidden-link-spam", score))
                removed.append((s, e))
    links = [k for k in layout.links if not any(s <= k.start and k.end <= e for s, e in removed)]
    mismatched: list[tuple[Link, float]] = []
    for link in links:
        score = None if _same(link.anchor, link.href) else spam_score(link.anchor)
        if score is None:
            continue
        if signals.weight(" ".join(_URL_WORDS.split(link.href))) <= 0:
            mismatched.append((link, score))  # a spam anchor over a legitimate target
        # The target names spam too. A Markdown link across lines holds container prefixes (`> `):
        # removing it would cut them.
        elif enabled("spam-link") and not (fmt == "markdown" and "\n" in text[link.start:link.end]):
            edits.append(Edit(link.start, link.end, "", "spam-link", score))
        elif enabled("spam-link"):
            flags.append(("spam-link", link.start, link.end,
                          f"spam link {_short(link.anchor)} to {link.href} spans lines: remove it by hand"))
    originals = _original_anchors(mismatched, links, fmt, spam_score) if enabled("link-anchor-restore") else {}
    for link, score in mismatched:
        original = originals.get(link)
        if original is not None:
            after = html.escape(original, quote=False) if fmt == "html" else original
            edits.append(Edit(link.label[0], link.label[1], after, "link-anchor-restore", score))
        elif enabled("link-anchor-spam"):
            where = link.label or (link.start, link.end)
            flags.append(("link-anchor-spam", where[0], where[1],
                          f"anchor text {_short(link.anchor)} carries spam signals ({score:.2f}) over the "
                          f"target {link.href}; the original anchor is unknown: restore it by hand"))
            keep.append(where)
            if link.title_span:  # an HTML title is prose: cleaned later, it would become an "original"
                keep.append(link.title_span)
    edits.sort(key=lambda e: (e.start, e.end))
    return _non_overlapping(edits), flags, keep


def _outermost(hidden: list[Hidden]) -> list[Hidden]:
    out: list[Hidden] = []
    for h in sorted(hidden, key=lambda h: (h.start, -h.end)):
        if not out or h.start >= out[-1].end:
            out.append(h)
    return out


def _hidden_spam(h: Hidden, spam_score: Callable[[str], float | None]) -> float | None:
    """A hidden element is link spam when it holds links and what it says carries spam signals."""
    if not h.links:
        return None
    scores = [spam_score(h.text)] + [spam_score(k.anchor) for k in h.links]
    found = [s for s in scores if s is not None]
    return max(found) if found else None


def _original_anchors(mismatched: list[tuple[Link, float]], links: list[Link], fmt: str,
                      spam_score: Callable[[str], float | None]) -> dict[Link, str]:
    """The original anchor of each spam anchor that the document tells: another link to the same
    target with a clean anchor, else the link's own clean title. An anchor restored from its title
    then tells the others (as it would on a second cleaning: that keeps cleaning idempotent)."""
    known = _clean_anchors(links, spam_score)
    found: dict[Link, str] = {}
    for link, _ in mismatched:
        original = known.get(_target(link.href))
        if original is None and _says_something(link.title) and spam_score(link.title) is None:
            original = link.title.strip()
        if original and link.label and _writable(original, fmt):
            found[link] = original
    for link, original in found.items():
        known.setdefault(_target(link.href), original)
    for link, _ in mismatched:
        original = known.get(_target(link.href))
        if link not in found and original and link.label and _writable(original, fmt):
            found[link] = original
    return found


def _clean_anchors(links: list[Link], spam_score: Callable[[str], float | None]) -> dict[str, str]:
    """Target → the first anchor text without spam signals that points at it."""
    known: dict[str, str] = {}
    for link in links:
        anchor = link.anchor.strip()
        target = _target(link.href)
        if _says_something(anchor) and target not in known and not _same(anchor, link.href) \
                and spam_score(anchor) is None:
            known[target] = anchor
    return known


def _target(href: str) -> str:
    """Two links point at the same target up to the scheme, a ``www.``, a trailing slash and case."""
    t = href.strip().lower()
    for prefix in ("https://", "http://", "//"):
        if t.startswith(prefix):
            t = t[len(prefix):]
            break
    if t.startswith("www."):
        t = t[4:]
    return t.rstrip("/")


def _says_something(s: str) -> bool:
    return any(c.isalnum() for c in s)


def _same(anchor: str, href: str) -> bool:
    return _target(anchor) == _target(href)


def _writable(anchor: str, fmt: str) -> bool:
    return "\n" not in anchor and (fmt != "markdown" or not _MARKDOWN_SYNTAX.search(anchor))


def whole_lines(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a removal to its whole lines (line break included) when nothing else stands on them."""
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    le = len(text) if le < 0 else le
    if text[ls:start].strip() or text[end:le].strip():
        return start, end
    end = min(le + 1, len(text))
    # Between two blank lines, one of them goes too (a Markdown HTML block stands between blank lines).
    if (ls == 0 or text[ls - 2:ls] == "\n\n") and text[end:end + 1] == "\n":
        end += 1
    return ls, end


def _non_overlapping(edits: list[Edit]) -> list[Edit]:
    out: list[Edit] = []
    for e in edits:
        if out and e.start < out[-1].end:
            continue  # inside something already removed
        out.append(e)
    return out


def _short(s: str, limit: int = 40) -> str:
    s = " ".join(s.split())
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")
