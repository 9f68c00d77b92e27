"""Cleaning files: one function per file (``process``) and a loop over many (``run_batch``).

``process`` never raises for a bad input: it returns an ``Outcome`` with the error, so that a batch
always finishes the other files. Outputs are written atomically. ``process`` is the unit of work of
every engine (in this process, in worker processes, on a Dask cluster): results do not depend on
where it runs.
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, TextIO

from .document import Document
from .files import (STDIN, Job, UsageError, atomic_writer, describe_os_error, output_path, remove_quietly,
                    write_atomic)
from .registry import whole_document_stages
from .report import UNTRANSLATED, Finding, LineIndex, document_stats, findings, report_line
from .runner import Pipeline, format_for
from .stages.decode import DecodeError, decode
from .stream import clean_stream
from .summary import spam_removed
from .translation.backends import TranslationError
from .writers import render, suffix_for


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

    def kwargs(self) -> dict:
        return asdict(self)


def read_input(source: str, stdin: TextIO | None = None) -> bytes:
    if source == STDIN:
        return (stdin or sys.stdin).buffer.read()
    with open(source, "rb") as f:
        return f.read()


def process(pipeline: Pipeline, job: Job, *, out_dir: Path | None = None, fmt: str | None = None,
            check: bool = False, in_place: bool = False, data: bytes | None = None,
            report: bool = True, stream_above: int | None = None, chunk_size: int = 1 << 20,
            spill_dir: str | None = None, sink: BinaryIO | None = None) -> Outcome:
    """Clean one input. Writes to ``out_dir`` (or back to the input with ``in_place``), else to ``sink``,
    else returns the output in ``Outcome.output``. With ``check``, nothing is written and findings are
    listed. ``data``: the input's bytes, when the caller has read them (else the file is read here)."""
    out = Outcome(job.source)
    try:
        doc_format = format_for(job.source, pipeline.options)
        if data is None and stream_above is not None and _streamable(pipeline, job, fmt, doc_format, stream_above):
            return _process_stream(pipeline, job, out, out_dir=out_dir, check=check, in_place=in_place,
                                   report=report, chunk_size=chunk_size, spill_dir=spill_dir, sink=sink)
        if data is None:
            data = read_input(job.source)
        out.size = len(data)
        doc = pipeline.clean_bytes(data, source=job.source, format=doc_format)
        if report:
            out.report = report_line(doc, job.source)
        out.changes = len(doc.changes)
        out.stats = document_stats(doc)
        out.spam_removed = spam_removed(doc.changes)
        if check:
            found = findings(doc, pipeline.options.expect)
            out.untranslated = sum(f.rule.startswith(UNTRANSLATED) for f in found)
            out.findings = _finding_lines(found, job.source, data)
            return out
        rendered = render(doc, fmt, pipeline.options).encode("utf-8")
        out.suffix = suffix_for(fmt, doc.format)
        if in_place and job.source != STDIN:
            if doc.changes:
                write_atomic(Path(job.source), rendered)
            out.written = job.source
        elif out_dir is not None:
            target = output_path(out_dir, job.rel, out.suffix)
            write_atomic(target, rendered)
            out.written = str(target)
        elif sink is not None:
            sink.write(rendered)
        else:
            out.output = rendered.decode("utf-8")
    except DecodeError as exc:
        out.ok, out.error = False, str(exc)
    except (UsageError, TranslationError) as exc:
        out.ok, out.error = False, str(exc)
    except OSError as exc:
        out.ok, out.error = False, describe_os_error(exc)
    return out


def _streamable(pipeline: Pipeline, job: Job, fmt: str | None, doc_format: str, stream_above: int) -> bool:
    """Large plain-text files, when no enabled stage needs the whole document (see registry.context)."""
    if job.source == STDIN or doc_format != "text" or fmt not in (None, "text"):
        return False
    try:
        if os.path.getsize(job.source) <= stream_above:
            return False
    except OSError:
        return False  # reading it will say what is wrong
    return not whole_document_stages(pipeline.options)


class _Unchanged(Exception):
    """A file cleaned in place that nothing changed."""


def _process_stream(pipeline: Pipeline, job: Job, out: Outcome, *, out_dir, check, in_place, report,
                    chunk_size, spill_dir, sink) -> Outcome:
    """A large file: read, cleaned and written piece by piece (see stream.py)."""
    if check:
        target = None
    elif in_place:
        target = Path(job.source)
    elif out_dir is not None:
        target = output_path(out_dir, job.rel)
    else:
        target = None
    with open(job.source, "rb") as f:
        if target is None:
            result = clean_stream(pipeline, f, job.source, None if check else sink, chunk_size=chunk_size,
                                  report=report, check=check, spill_dir=spill_dir)
        else:
            try:
                with atomic_writer(target) as dest:
                    result = clean_stream(pipeline, f, job.source, dest, chunk_size=chunk_size, report=report,
                                          check=False, spill_dir=spill_dir)
                    if in_place and not result.changes:
                        raise _Unchanged  # drops the copy: the input stays as it was
            except _Unchanged:
                pass
            out.written = str(target)
    out.size = result.size
    out.changes = result.changes
    out.stats = result.stats
    out.report_file = result.report_path
    out.findings_file = result.findings_path
    out.spam_removed = result.spam_removed
    out.untranslated = result.untranslated
    return out


def _finding_lines(found: list[Finding], source: str, data: bytes) -> list[str]:
    # Line numbers refer to the decoded input, which the pipeline does not keep: decode it again.
    index = LineIndex(decode(data).text)
    lines = []
    for f in found:
        line, col = index.line_col(f.offset)
        lines.append(f"{source}:{line}:{col}: {f.rule}: {f.message}")
    return lines


def run_batch(pipeline: Pipeline, jobs: list[Job], *, out_dir: Path | None, fmt: str | None,
              check: bool = False, in_place: bool = False, report: TextIO | None = None,
              on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """The plain sequential loop (the engines in ``engines.py`` do the same in parallel)."""
    outcomes = []
    for job in jobs:
        outcome = process(pipeline, job, out_dir=out_dir, fmt=fmt, check=check, in_place=in_place)
        if report is not None and outcome.ok:
            report.write(outcome.report)
        if on_done is not None:
            on_done(outcome)
        outcomes.append(outcome)
    return outcomes


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


__all__ = ["Outcome", "Settings", "process", "run_batch", "UsageError"]
