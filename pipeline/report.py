"""The report (one JSON object per input document) and ``duet check`` findings."""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass

from .document import Document


def report_object(doc: Document, input_name: str) -> dict:
    """The contract's report object, plus per-document ``stats``."""
    return {
        "input": input_name,
        "changes": [c.to_dict() for c in doc.changes],
        "flags": [f.to_dict() for f in doc.flags],
        "segments": [s.to_dict() for s in doc.segments],
        "stats": document_stats(doc),
    }


def report_line(doc: Document, input_name: str) -> str:
    return json.dumps(report_object(doc, input_name), ensure_ascii=False) + "\n"


def document_stats(doc: Document) -> dict:
    by_stage: dict[str, int] = {}
    for c in doc.changes:
        by_stage[c.stage] = by_stage.get(c.stage, 0) + 1
    stats = {k: v for k, v in doc.stats.items() if not k.startswith("_")}
    stats["changes_by_stage"] = by_stage
    stats["output_chars"] = len(doc.text)
    return stats


@dataclass(frozen=True)
class Finding:
    offset: int  # in the decoded input
    rule: str
    message: str


def findings(doc: Document) -> list[Finding]:
    """What ``duet check`` prints: every change, and every flag, at its place in the input."""
    out = [
        Finding(doc.change_input_offset(i), c.rule, f"{_show(c.before)} -> {_show(c.after)} ({c.stage}"
                + (f", score {c.score:.2f})" if c.score is not None else ")"))
        for i, c in enumerate(doc.changes)
    ]
    out += [Finding(doc.to_input_offset(f.start), f.rule, f"{f.message} ({f.stage})") for f in doc.flags]
    out.sort(key=lambda f: f.offset)
    return out


def _show(s: str, limit: int = 40) -> str:
    """Quoted, shortened, with invisible characters spelled out (``\\u200b``)."""
    s = s if len(s) <= limit else s[: limit - 1] + "…"
    shown = "".join(c if c.isprintable() and c not in "\u00ad\u3000" or c == " " else
                    c.encode("unicode_escape").decode("ascii") for c in s)
    return '"' + shown.replace('"', '\\"') + '"'


class LineIndex:
    """Offsets to 1-based ``line:col`` (columns count characters)."""

    def __init__(self, text: str):
        self.starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def line_col(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1
