"""What cleaning a file gives back (``Outcome``) and what every file of a batch is asked for
(``Settings``), with the readers of a large file's spilled report and findings.

Kept apart from ``batch.process`` (which needs every stage) so that the command line can plan a run,
skip unchanged files and copy their stored reports without importing the stages.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

from .files import remove_quietly


@dataclass
class Outcome:
    source: str
    ok: bool = True
    error: str = ""
    output: str | None = None  # the rendered document when not written to a file
    written: str | None = None  # where it was written
    suffix: str | None = None  # the output's suffix when it differs from the input's
    report: str = ""  # the report line (JSON)
    report_file: str | None = None  # or a temporary file holding it (large files); the reader removes it
    findings: list[str] = field(default_factory=list)  # ``path:line:col: rule: message``
    findings_file: str | None = None  # or a temporary file of them (large files)
    changes: int = 0
    untranslated: int = 0  # ``duet check --expect``: runs of the other language
    stats: dict = field(default_factory=dict)
    size: int = 0  # input bytes
    spam_removed: int = 0  # characters the spam stage removed
    skipped: bool = False  # unchanged since the last run (see manifest.py)
    # Written, but a human should know (an empty input, broken UTF-8 replaced): one line each.
    warnings: list[str] = field(default_factory=list)
    # Written, but not all that was asked (translation stopped part way): counts as failed, exit 3, and
    # is not recorded as done, so that the next run does it again.
    incomplete: str = ""
    # The copy of the report line kept for the manifest (file name, bytes), when the worker wrote it.
    report_copy: tuple[str, int] | None = None
    # The hash of the input's bytes (manifest.hash_file) when the manifest needs it (Settings.hash_input).
    input_hash: str = ""


@dataclass(frozen=True)
class Settings:
    """What every file of a batch is asked for (picklable: it travels to worker processes)."""

    out_dir: Path | None = None
    fmt: str | None = None
    check: bool = False
    in_place: bool = False
    report: bool = True  # build the report line
    stream_above: int | None = None  # bytes; larger files are cleaned piece by piece. None: never
    chunk_size: int = 1 << 20  # characters per piece
    spill_dir: str | None = None  # where large files' reports wait to be copied (default: temp folder)
    # Where the manifest keeps report copies (manifest.reports_folder): each worker writes the copies of
    # the files it cleaned, not the one process that collects the results (serial work of a batch).
    report_copies: str | None = None
    # The manifest records each input's hash: taken by the worker from the bytes it cleaned (and not by
    # the process that hands out the files, before it can start a worker: serial work of a batch).
    hash_input: bool = False

    def kwargs(self) -> dict:
        return asdict(self)


def iter_report(outcome: Outcome) -> Iterator[str]:
    """The report line of an outcome, in pieces (a large file's report is read from its temporary file)."""
    if outcome.report_file is None:
        yield outcome.report
        return
    with open(outcome.report_file, encoding="utf-8", newline="") as f:
        while chunk := f.read(1 << 20):
            yield chunk


def iter_findings(outcome: Outcome) -> Iterator[str]:
    if outcome.findings_file is None:
        yield from outcome.findings
        return
    with open(outcome.findings_file, encoding="utf-8", newline="") as f:
        for line in f:
            yield line.rstrip("\n")


def discard_spills(outcome: Outcome) -> None:
    """Remove the temporary files of a large file's report and findings once they are copied."""
    for path in (outcome.report_file, outcome.findings_file):
        if path:
            remove_quietly(path)
