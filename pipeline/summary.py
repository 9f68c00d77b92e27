"""The summary a batch prints on standard error when it ends: files, changes by stage, spam, speed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable


def spam_removed(changes: Iterable) -> int:
    """Characters the spam stage took out of a document."""
    return sum(max(0, len(c.before) - len(c.after)) for c in changes if c.stage == "spam")


@dataclass
class Summary:
    files: int = 0
    done: int = 0
    skipped: int = 0
    failed: int = 0
    bytes: int = 0  # of the inputs cleaned in this run (skipped ones are not read)
    changes_by_stage: Counter = field(default_factory=Counter)
    spam_removed: int = 0

    def add(self, outcome) -> None:
        self.files += 1
        if outcome.skipped:
            self.skipped += 1
        elif not outcome.ok:
            self.failed += 1
        else:
            self.failed += bool(outcome.incomplete)  # written, but not all that was asked
            self.done += not outcome.incomplete
            self.bytes += outcome.size
            self.changes_by_stage.update(outcome.stats.get("changes_by_stage", {}))
            self.spam_removed += outcome.spam_removed

    def lines(self, seconds: float, *, check: bool = False, engine: str = "") -> list[str]:
        verb = "checked" if check else "cleaned"
        files = f"{self.files} file{'s' if self.files != 1 else ''}: {self.done} {verb}"
        files += f", {self.skipped} skipped (unchanged since the last run)" if self.skipped else ""
        files += f", {self.failed} failed" if self.failed else ""
        stages = ", ".join(f"{k} {v}" for k, v in sorted(self.changes_by_stage.items())) or "none"
        mb = self.bytes / 1e6
        speed = f"{mb / seconds:.2f} MB/s" if seconds > 0 else "-"
        return [
            f"summary: {files}",
            f"summary: changes by stage: {stages}; spam removed: {self.spam_removed} characters",
            f"summary: {mb:.2f} MB in {seconds:.2f} s, {speed}{f' ({engine})' if engine else ''}",
        ]
