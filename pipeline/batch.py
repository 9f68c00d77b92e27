"""Cleaning files: one function per file (``process``) and a loop over many (``run_batch``).

``process`` never raises for a bad input: it returns an ``Outcome`` with the error, so that a batch
always finishes the other files. Outputs are written atomically.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

from .document import Document
from .files import STDIN, Job, UsageError, describe_os_error, output_path, write_atomic
from .report import LineIndex, findings, report_line
from .runner import Pipeline, format_for
from .stages.decode import DecodeError, decode
from .translation.backends import TranslationError
from .writers import render, suffix_for


@dataclass
class Outcome:
    source: str
    ok: bool = True
    error: str = ""
    output: str | None = None  # the rendered document when not written to a file
    written: str | None = None  # where it was written
    report: str = ""  # the report line (JSON)
    findings: list[str] = field(default_factory=list)  # ``path:line:col: rule: message``
    changes: int = 0
    stats: dict = field(default_factory=dict)
    size: int = 0  # input bytes


def read_input(source: str, stdin: TextIO | None = None) -> bytes:
    if source == STDIN:
        return (stdin or sys.stdin).buffer.read()
    with open(source, "rb") as f:
        return f.read()


def process(pipeline: Pipeline, job: Job, *, out_dir: Path | None = None, fmt: str | None = None,
            check: bool = False, in_place: bool = False, data: bytes | None = None) -> Outcome:
    """Clean one input. Writes to ``out_dir`` (or back to the input with ``in_place``), else returns
    the output in ``Outcome.output``. With ``check``, nothing is written and findings are listed."""
    out = Outcome(job.source)
    try:
        if data is None:
            data = read_input(job.source)
        out.size = len(data)
        doc_format = format_for(job.source, pipeline.options)
        doc = pipeline.clean_bytes(data, source=job.source, format=doc_format)
        out.report = report_line(doc, job.source)
        out.changes = len(doc.changes)
        out.stats = doc.stats
        if check:
            out.findings = _finding_lines(doc, job.source, data)
            return out
        rendered = render(doc, fmt, pipeline.options).encode("utf-8")
        if in_place and job.source != STDIN:
            if doc.changes:
                write_atomic(Path(job.source), rendered)
            out.written = job.source
        elif out_dir is not None:
            target = output_path(out_dir, job.rel, suffix_for(fmt, doc.format))
            write_atomic(target, rendered)
            out.written = str(target)
        else:
            out.output = rendered.decode("utf-8")
    except DecodeError as exc:
        out.ok, out.error = False, str(exc)
    except (UsageError, TranslationError) as exc:
        out.ok, out.error = False, str(exc)
    except OSError as exc:
        out.ok, out.error = False, describe_os_error(exc)
    return out


def _finding_lines(doc: Document, source: str, data: bytes) -> list[str]:
    # Line numbers refer to the decoded input, which the pipeline does not keep: decode it again.
    index = LineIndex(decode(data).text)
    lines = []
    for f in findings(doc):
        line, col = index.line_col(f.offset)
        lines.append(f"{source}:{line}:{col}: {f.rule}: {f.message}")
    return lines


def run_batch(pipeline: Pipeline, jobs: list[Job], *, out_dir: Path | None, fmt: str | None,
              check: bool = False, in_place: bool = False, report: TextIO | None = None,
              on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    outcomes = []
    for job in jobs:
        outcome = process(pipeline, job, out_dir=out_dir, fmt=fmt, check=check, in_place=in_place)
        if report is not None and outcome.ok:
            report.write(outcome.report)
        if on_done is not None:
            on_done(outcome)
        outcomes.append(outcome)
    return outcomes


__all__ = ["Outcome", "process", "run_batch", "UsageError"]
