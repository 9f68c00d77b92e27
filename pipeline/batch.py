"""Cleaning files: one function per file (``process``) and a loop over many (``run_batch``).

``process`` never raises for a bad input: it returns an ``Outcome`` with the error, so that a batch
always finishes the other files. Outputs are written atomically. ``process`` is the unit of work of
every engine (in this process, in worker processes, on a Dask cluster): results do not depend on
where it runs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO, Callable, TextIO

from .document import Document
from .files import (STDIN, Job, OutputError, UsageError, atomic_writer, checked_output, describe_os_error,
                    open_regular, output_path, shown, write_atomic)
from .manifest import hash_bytes, hash_file, write_report_copy
from .outcome import Outcome, Settings, iter_report
from .redact import redact
from .registry import whole_document_stages
from .rules import ConfigError
from .report import UNTRANSLATED, Finding, LineIndex, document_stats, findings, report_line
from .runner import Pipeline, format_for
from .stages.decode import DecodeError, decode
from .stream import VISIBLE, clean_stream
from .summary import spam_removed
from .translation.backends import TranslationError
from .writers import render, suffix_for


def read_input(source: str, stdin: TextIO | None = None) -> bytes:
    if source == STDIN:
        return (stdin or sys.stdin).buffer.read()
    with open_regular(source) as f:
        return f.read()


class InputError(Exception):
    """An input cannot be read (it vanished, it is not a regular file, reading it failed)."""


def process(pipeline: Pipeline, job: Job, *, out_dir: Path | None = None, fmt: str | None = None,
            check: bool = False, in_place: bool = False, data: bytes | None = None,
            report: bool = True, stream_above: int | None = None, chunk_size: int = 1 << 20,
            spill_dir: str | None = None, report_copies: str | None = None, hash_input: bool = False,
            sink: BinaryIO | None = None) -> Outcome:
    """Clean one input. Writes to ``out_dir`` (or back to the input with ``in_place``), else to ``sink``,
    else returns the output in ``Outcome.output``. With ``check``, nothing is written and findings are
    listed. ``data``: the input's bytes, when the caller has read them (else the file is read here).

    Never raises for a bad input, a failed write or a bug met on one file: the ``Outcome`` says what
    went wrong in one line (secrets removed), and the batch goes on with the next file. A failed write
    leaves the previous output as it was (outputs are replaced atomically). ``report_copies``: the folder
    where the manifest keeps each written file's report line (``manifest.write_report_copy``);
    ``hash_input``: ``Outcome.input_hash`` is the hash of the bytes cleaned, for the manifest."""
    out = Outcome(job.source)
    try:
        _process(pipeline, job, out, out_dir=out_dir, fmt=fmt, check=check, in_place=in_place, data=data,
                 report=report, stream_above=stream_above, chunk_size=chunk_size, spill_dir=spill_dir, sink=sink,
                 hash_input=hash_input)
    except (DecodeError, InputError, OutputError, UsageError, TranslationError, ConfigError) as exc:
        out.ok, out.error = False, str(exc)
    except OSError as exc:
        out.ok, out.error = False, describe_os_error(exc)
    except MemoryError:
        out.ok, out.error = False, "out of memory while cleaning it (split the file, or see docs/reliability.md)"
    except Exception as exc:  # a bug met on one file must not stop the batch: say it, go on
        out.ok, out.error = False, f"internal error (please report it): {type(exc).__name__}: {exc}"
    if not out.ok:
        out.error = redact(" ".join(out.error.split()))  # one line, no secret
        out.output = None
    elif report_copies is not None and out.written and not out.incomplete and (out.report or out.report_file):
        try:
            out.report_copy = write_report_copy(Path(report_copies), job.rel, iter_report(out))
        except OSError:
            pass  # the process collecting the results writes it, and says so if it cannot either
    return out


def _process(pipeline: Pipeline, job: Job, out: Outcome, *, out_dir, fmt, check, in_place, data, report,
             stream_above, chunk_size, spill_dir, sink, hash_input) -> None:
    doc_format = format_for(job.source, pipeline.options)
    if data is None and stream_above is not None and _streamable(pipeline, job, fmt, doc_format, stream_above):
        if hash_input:  # (a file too large to hold is hashed before it is read piece by piece)
            try:
                out.input_hash = hash_file(job.source)
            except OSError as exc:
                raise InputError(f"cannot read: {describe_os_error(exc)}") from None
        _process_stream(pipeline, job, out, out_dir=out_dir, check=check, in_place=in_place, report=report,
                        chunk_size=chunk_size, spill_dir=spill_dir, sink=sink)
        return
    if data is None:
        try:
            data = read_input(job.source)
        except OSError as exc:
            raise InputError(f"cannot read: {describe_os_error(exc)}") from None
    if hash_input:
        out.input_hash = hash_bytes(data)
    out.size = len(data)
    doc = pipeline.clean_bytes(data, source=job.source, format=doc_format)
    out.warnings = document_warnings(doc, len(data))
    out.incomplete = translation_problem(doc)
    out.stats = document_stats(doc)
    if report:
        out.report = report_line(doc, job.source, out.stats)  # a name that is not UTF-8 as \udcXX escapes
    out.changes = len(doc.changes)
    out.spam_removed = spam_removed(doc.changes)
    if check:
        found = findings(doc, pipeline.options.expect)
        out.untranslated = sum(f.rule.startswith(UNTRANSLATED) for f in found)
        out.findings = _finding_lines(found, shown(job.source), data)
        return
    rendered = render(doc, fmt, pipeline.options).encode("utf-8")
    out.suffix = suffix_for(fmt, doc.format)
    if in_place and job.source != STDIN:
        if doc.changes:
            _write(Path(job.source), rendered)
        out.written = job.source
    elif out_dir is not None:
        target = checked_output(out_dir, output_path(out_dir, job.rel, out.suffix), job.source)
        _write(target, rendered)
        out.written = str(target)
    elif sink is not None:
        sink.write(rendered)
    else:
        out.output = rendered.decode("utf-8")


def _write(target: Path, data: bytes) -> None:
    try:
        write_atomic(target, data)
    except OSError as exc:
        raise OutputError(f"cannot write {shown(str(target))}: {describe_os_error(exc)} "
                          "(the previous output, if any, is unchanged)") from None


def warnings_for(size: int, visible: bool, decode_problems: list[tuple[int, str]]) -> list[str]:
    """What a human should know about a file that was cleaned and written all the same."""
    warnings = []
    if size == 0:
        warnings.append("empty file")
    elif not visible:
        warnings.append("nothing visible left after cleaning (the input held only spaces, invisible "
                        "characters or removed spam)")
    if decode_problems:
        n = len(decode_problems)
        first = decode_problems[0][1].split(" are not", 1)[0]
        warnings.append(f"{n} invalid UTF-8 sequence{'s' if n != 1 else ''} replaced by U+FFFD (first: {first}); "
                        "see the decode/invalid-utf8 flags")
    return warnings


def document_warnings(doc: Document, size: int) -> list[str]:
    problems = [(f.start, f.message) for f in doc.flags if f.stage == "decode"]
    return warnings_for(size, VISIBLE.search(doc.text) is not None, problems)


def translation_problem(doc: Document) -> str:
    """Why the translation of a document stopped part way ('' when it did not)."""
    info = doc.stats.get("translation") or {}
    return info.get("error", "") if isinstance(info, dict) else ""


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
    if target is not None and out_dir is not None:
        target = checked_output(out_dir, target, job.source)
    try:
        f = open_regular(job.source)
    except OSError as exc:
        raise InputError(f"cannot read: {describe_os_error(exc)}") from None
    with f:
        if target is None:
            result = clean_stream(pipeline, f, job.source, None if check else sink, chunk_size=chunk_size,
                                  report=report, check=check, spill_dir=spill_dir)
        else:
            try:
                with atomic_writer(target) as dest:
                    result = clean_stream(pipeline, f, job.source, _Guarded(dest, target),
                                          chunk_size=chunk_size, report=report, check=False, spill_dir=spill_dir)
                    if in_place and not result.changes:
                        raise _Unchanged  # drops the copy: the input stays as it was
            except _Unchanged:
                pass
            except OSError as exc:  # creating or finishing the output (the writes are guarded)
                raise OutputError(f"cannot write {shown(str(target))}: {describe_os_error(exc)} "
                                  "(the previous output, if any, is unchanged)") from None
            out.written = str(target)
    out.warnings = warnings_for(result.size, result.visible, result.decode_problems)
    out.size = result.size
    out.changes = result.changes
    out.stats = result.stats
    out.report_file = result.report_path
    out.findings_file = result.findings_path
    out.spam_removed = result.spam_removed
    out.untranslated = result.untranslated
    return out


class _Guarded:
    """The output of a large file: a failed write says which file it was."""

    def __init__(self, f: BinaryIO, target: Path):
        self.f, self.target = f, target

    def write(self, data: bytes) -> int:
        try:
            return self.f.write(data)
        except OSError as exc:
            raise OutputError(f"cannot write {shown(str(self.target))}: {describe_os_error(exc)} "
                              "(the previous output, if any, is unchanged)") from None


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


__all__ = ["Outcome", "Settings", "process", "run_batch", "UsageError"]
