"""What the ``duet`` commands do, as plain functions (the CLI only parses and calls these).

Exit codes (contract): 0 success; 1 findings (``duet check``); 2 usage or configuration error;
3 at least one input failed while the others were processed and written. An interrupted run exits 130.
"""

from __future__ import annotations

import dataclasses
import io
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .outcome import Outcome, Settings, discard_spills, iter_findings, iter_report
from .engines import default_jobs, run_dask, run_here, run_pool
from .files import STDIN, Job, UsageError, describe_os_error, discover, publish, remove_quietly, shown
from .manifest import Manifest, config_hash, hash_file, reports_folder
from .options import Options, find_config, load_config, options_from_mapping, parse_size
from .redact import redact
from .rules import ConfigError
from .summary import Summary

if TYPE_CHECKING:
    from .runner import Pipeline

OK, FINDINGS, USAGE, FAILED, INTERRUPTED = 0, 1, 2, 3, 130


@dataclass
class Request:
    inputs: list[str]
    cli_options: dict[str, Any] = field(default_factory=dict)  # only what the user gave
    config: Path | None = None
    no_config: bool = False


def effective_options(req: Request, cwd: Path | None = None) -> tuple[Options, Path | None]:
    """Defaults, then the config file (``--config`` or the nearest one), then the command line."""
    options, path, _ = options_with_origins(req, cwd)
    return options, path


def options_with_origins(req: Request, cwd: Path | None = None) -> tuple[Options, Path | None, dict[str, str]]:
    """The effective options, the config file read (if any), and where each option came from."""
    path = req.config if req.config else (None if req.no_config else find_config(cwd))
    values = load_config(path) if path else {}
    origins = {name: str(path) for name in values}
    given = options_from_mapping({k: v for k, v in req.cli_options.items() if v is not None}, "command line")
    values.update(given)
    origins.update({name: "command line" for name in given})
    return Options(**values), path, origins


def _err(message: str, stderr: TextIO) -> None:
    print(f"duet: {redact(message)}", file=stderr)


def _binary(stream: TextIO):
    """A binary view of a text stream (tests pass ``StringIO``)."""
    if hasattr(stream, "buffer"):
        return stream.buffer

    class Sink:
        def write(self, data: bytes) -> None:
            stream.write(data.decode("utf-8"))

    return Sink()


@dataclass
class Plan:
    """A checked request: what to clean, where to, and how."""

    options: Options
    jobs: list[Job]
    problems: list[tuple[str, str]]
    settings: Settings
    out_dir: Path | None
    report: Path | None
    workers: int
    _pipeline: Pipeline | None = None

    @property
    def pipeline(self) -> Pipeline:
        """Built (rules, glossaries and converters loaded and checked) when first needed: a rerun that
        finds every file unchanged under the same configuration hash (which covers the rule files) has
        nothing to clean and loads nothing."""
        if self._pipeline is None:
            from .runner import Pipeline  # (every stage: imported only for a run that cleans something)

            self._pipeline = Pipeline(self.options)
        return self._pipeline


def plan(req: Request, *, check: bool) -> Plan:
    """Validate the request (raises ``ConfigError`` or ``UsageError``, exit 2)."""
    options, _ = effective_options(req)
    if check:
        options = options.replace(output=None, in_place=False)
    out_dir = Path(options.output) if options.output else None
    in_place = options.in_place
    if in_place and out_dir is not None:
        raise UsageError("--in-place and -o DIR exclude each other")
    if not check and out_dir is None and not in_place and len(req.inputs) > 1:
        raise UsageError("several inputs need -o DIR (or --in-place)")
    if in_place and (STDIN in req.inputs or not req.inputs):
        raise UsageError("--in-place cannot rewrite standard input")
    if options.scheduler and options.engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    jobs, problems = discover(req.inputs, options.glob, exclude=out_dir)
    if not check and out_dir is None and not in_place and len(jobs) > 1:
        raise UsageError(f"{req.inputs[0]} holds {len(jobs)} files: give -o DIR to write them")
    report = Path(options.report) if options.report else None
    spill_dir = str(report.parent) if report else (str(out_dir) if out_dir else None)
    settings = Settings(out_dir=out_dir, fmt=options.format, check=check, in_place=in_place,
                        report=report is not None, stream_above=parse_size(options.stream_above),
                        chunk_size=parse_size(options.chunk_size), spill_dir=spill_dir,
                        report_copies=str(reports_folder(out_dir)) if report and out_dir and not check else None,
                        hash_input=out_dir is not None and not check)
    workers = options.jobs or default_jobs()
    return Plan(options, jobs, problems, settings, out_dir, report, workers)


def clean_command(req: Request, *, check: bool = False, stdout: TextIO | None = None,
                  stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        p = plan(req, check=check)
    except (ConfigError, UsageError) as exc:
        _err(str(exc), stderr)
        return USAGE
    for path, message in p.problems:
        _err(f"{path}: {message}", stderr)
    try:
        return _run(p, check, stdout, stderr)
    except (ConfigError, UsageError) as exc:
        _err(str(exc), stderr)
        return USAGE


def _run(p: Plan, check: bool, stdout: TextIO, stderr: TextIO) -> int:
    options, settings = p.options, p.settings
    started = time.perf_counter()
    manifest = Manifest.load(p.out_dir) if p.out_dir is not None and not check else None
    config = config_hash(options) if manifest is not None else ""
    results: dict[int, Outcome] = {}
    todo: list[tuple[int, Job]] = []
    for index, job in enumerate(p.jobs):
        # Only a file the manifest knows can be skipped: the others are hashed where they are cleaned.
        if manifest is not None and not options.force and job.rel in manifest.entries:
            try:
                input_hash = hash_file(job.source)
            except OSError:
                todo.append((index, job))  # cleaning it will say what is wrong
                continue
            entry = manifest.fresh(job.rel, input_hash, config, settings.report)
            if entry is not None:
                stored = str(manifest.report_path(entry)) if settings.report else None
                results[index] = Outcome(job.source, skipped=True, report_file=stored,
                                         written=str(p.out_dir / entry["output"]))
                continue
        todo.append((index, job))

    if todo:
        p.pipeline  # a bad rule file stops the run here, before anything is written (exit 2)
    summary = Summary()
    interrupted = False
    manifest_problems: list[str] = []
    with ExitStack() as stack:
        report_out = _open_report(stack, p.report) if p.report else None
        bar = _progress_bar(stack, options, p, todo, stderr)
        writer = _InOrder(len(p.jobs), results, report_out, stdout, stderr, summary, bar)
        if bar is not None and len(todo) < len(p.jobs):
            bar.set_postfix_str(f"{len(p.jobs) - len(todo)} unchanged, skipped")
        finished = 0
        single_to_stdout = (p.out_dir is None and not settings.in_place and not check)
        try:
            for index, outcome in _engine(p, todo, stdout if single_to_stdout else None):
                results[index] = outcome
                if manifest is not None:
                    problem = _remember(manifest, p.jobs[index], config, outcome)
                    if problem is not None and problem not in manifest_problems:
                        manifest_problems.append(problem)
                if bar is not None:
                    finished += 1
                    bar.set_description(f"{finished}/{len(todo)} files", refresh=False)
                    bar.update(outcome.size)
                writer.flush()
        except KeyboardInterrupt:
            interrupted = True
        finally:
            if manifest is not None:
                problem = _save(manifest)
                if problem is not None:
                    manifest_problems.append(problem)
        if not interrupted:  # a file no engine gave back fails, and says so: it is never left out
            for index, job in todo:
                results.setdefault(index, Outcome(job.source, ok=False, error="internal error (please report "
                                                  "it): no result came back for this file"))
        writer.flush()
        for problem in manifest_problems:
            _err(problem, stderr)
        if interrupted:
            done = sum(1 for o in results.values() if o.ok and not o.skipped)
            _err(f"interrupted: {done} of {len(todo)} files cleaned and recorded; run the same command "
                 "again to go on where it stopped", stderr)
            if report_out is not None:
                report_out.abandon()
            return INTERRUPTED
        if report_out is not None:
            try:
                report_out.commit()
            except OSError as exc:
                _err(f"{p.report}: cannot write the report: {describe_os_error(exc)}", stderr)
                return FAILED
    stdout.flush()
    if not options.quiet and (len(p.jobs) > 1 or p.out_dir is not None or settings.in_place):
        workers = p.workers if options.engine == "dask" else min(p.workers, max(1, len(todo)))
        engine = f"{options.engine}, {workers} worker{'s' if workers != 1 else ''}"
        for line in summary.lines(time.perf_counter() - started, check=check, engine=engine):
            _err(line, stderr)
    failed = summary.failed + len(p.problems) + len(manifest_problems)
    if failed:
        return FAILED
    # Spam flagged with --spam flag changes nothing but is still a finding.
    if check and any(o.changes or o.untranslated or o.stats.get("spam") for o in results.values()):
        return FINDINGS
    return OK


def _engine(p: Plan, todo: list[tuple[int, Job]], stdout: TextIO | None):
    """Pick where the files are cleaned: here (one file, or one worker), a pool, or Dask."""
    options = p.options
    if not todo:
        return iter(())
    if options.engine == "dask":
        return run_dask(options, todo, p.settings, scheduler=options.scheduler, workers=p.workers,
                        shared_storage=options.shared_storage)
    if p.workers <= 1 or len(todo) <= 1:
        return run_here(p.pipeline, todo, p.settings, sink=_binary(stdout) if stdout is not None else None)
    return run_pool(options, todo, p.settings, min(p.workers, len(todo)), pipeline=p.pipeline)


def _remember(manifest: Manifest, job: Job, config: str, outcome: Outcome) -> str | None:
    """Record a finished file in the manifest under the hash of the bytes that were cleaned; a problem
    saving it is returned, never raised (the output is written: losing its record only means the next
    run cleans it again)."""
    try:
        if outcome.ok and outcome.written and not outcome.incomplete and outcome.input_hash:
            manifest.record(job.rel, outcome.input_hash, config, outcome.written,
                            iter_report(outcome) if (outcome.report or outcome.report_file) else None,
                            copy=outcome.report_copy)
        else:
            manifest.forget(job.rel)
    except (OSError, ValueError) as exc:
        manifest.forget(job.rel)
        return f"{manifest.path}: cannot record {shown(job.source)}: {_reason(exc)}"
    return None


def _save(manifest: Manifest) -> str | None:
    try:
        manifest.save()
    except (OSError, ValueError) as exc:
        return f"{manifest.path}: cannot save the record of this run: {_reason(exc)} (the next run " \
               "cleans every file again)"
    return None


def _reason(exc: Exception) -> str:
    return describe_os_error(exc) if isinstance(exc, OSError) else str(exc)


class _Report:
    """The report file, written as results arrive (in input order) and renamed into place at the end."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.f = io.open(fd, "w", encoding="utf-8", newline="")

    def write(self, text: str) -> None:
        self.f.write(text)

    def commit(self) -> None:
        self.f.close()
        publish(self.tmp, self.path)

    def abandon(self) -> None:
        self.f.close()
        remove_quietly(self.tmp)


def _open_report(stack: ExitStack, path: Path) -> _Report:
    try:
        report = _Report(path)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the report: {describe_os_error(exc)}") from None
    stack.callback(lambda: None if report.f.closed else report.abandon())
    return report


class _InOrder:
    """Emits results in input order whatever order they finish in: report lines, findings, errors."""

    def __init__(self, total: int, results: dict[int, Outcome], report, stdout: TextIO, stderr: TextIO,
                 summary: Summary, bar=None):
        self.total, self.results, self.report = total, results, report
        self.stdout, self.stderr, self.summary, self.bar = stdout, stderr, summary, bar
        self.next = 0

    def flush(self) -> None:
        while self.next < self.total and self.next in self.results:
            outcome = self.results[self.next]
            self._emit(outcome)
            self.summary.add(outcome)
            self.next += 1

    def _say(self, message: str) -> None:
        if self.bar is not None:  # above the bar, not through it
            self.bar.write(f"duet: {redact(message)}", file=self.stderr)
        else:
            _err(message, self.stderr)

    def _emit(self, outcome: Outcome) -> None:
        name = shown(outcome.source)
        if not outcome.ok:
            self._say(f"{name}: {outcome.error}")
            return
        for warning in outcome.warnings:
            self._say(f"{name}: warning: {warning}")
        if outcome.incomplete:
            self._say(f"{name}: {outcome.incomplete}")
        if self.report is not None:
            for part in iter_report(outcome):
                self.report.write(part)
        if outcome.output is not None:
            _binary(self.stdout).write(outcome.output.encode("utf-8"))
        for line in iter_findings(outcome):
            print(line, file=self.stdout)
        if not outcome.skipped:
            discard_spills(outcome)


def _progress_bar(stack: ExitStack, options: Options, p: Plan, todo: list, stderr: TextIO):
    """Files and MB on standard error: when it is a terminal and there are several files, or asked for."""
    wanted = options.progress if options.progress is not None else (
        stderr.isatty() and len(p.jobs) > 1 and (p.out_dir is not None or p.settings.in_place))
    if not wanted:
        return None
    from tqdm import tqdm

    total = 0
    for _, job in todo:
        try:
            total += os.path.getsize(job.source) if job.source != STDIN else 0
        except OSError:
            pass
    bar = stack.enter_context(tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1000, file=stderr,
                                   desc=f"0/{len(todo)} files", dynamic_ncols=True))
    return bar


# -- duet config show -------------------------------------------------------------------------------


def config_show(req: Request, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Print the effective configuration as TOML, each option with where its value came from."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        options, path, origins = options_with_origins(req)
    except ConfigError as exc:
        _err(str(exc), stderr)
        return USAGE
    print(f"# configuration file: {path if path else 'none'}", file=stdout)
    for f in dataclasses.fields(Options):
        value = getattr(options, f.name)
        origin = origins.get(f.name, "default")
        shown = _toml_value(value)
        if f.name == "jobs" and value == 0:
            origin += f"; 0 means one per core: {default_jobs()}"
        line = f"{f.name} = {shown}" if shown is not None else f"# {f.name} is not set"
        print(f"{line:<40} # {origin}", file=stdout)
    return OK


def _toml_value(value: Any) -> str | None:
    import json

    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


# -- duet models / duet tm ------------------------------------------------------------------------

def models_install_command(direction: str, origin: str | None, kind: str, *, stderr: TextIO | None = None) -> int:
    from .translation.models import InstallError, install

    stderr = stderr or sys.stderr
    try:
        install(direction, origin, source_kind=kind, log=lambda m: _err(m, stderr))
    except ConfigError as exc:
        _err(str(exc), stderr)
        return USAGE
    except InstallError as exc:
        _err(f"models install {direction}: {exc}", stderr)
        return FINDINGS
    return OK


def models_list_command(*, stdout: TextIO | None = None) -> int:
    from .translation.cache import models_dir
    from .translation.models import list_installed

    stdout = stdout or sys.stdout
    found = list_installed()
    if not found:
        print(f"no models installed in {models_dir()} (duet models install zh-en)", file=stdout)
    for m in found:
        print(f"{m.direction}\t{m.layout}\t{m.name}\t{m.path}\t{m.origin}", file=stdout)
    return OK


def tm_command(action: str, path: Path, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """``duet tm export FILE`` / ``duet tm import FILE``."""
    from .translation.memory import export_tmx, import_tmx, open_memory

    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    memory = open_memory()
    try:
        if action == "export":
            count = export_tmx(memory, path)
            print(f"{count} pairs written to {path}", file=stdout)
        else:
            count = import_tmx(memory, path)
            print(f"{count} pairs imported from {path}", file=stdout)
    except OSError as exc:
        _err(f"{path}: {exc.strerror or exc}", stderr)
        return FAILED
    except ValueError as exc:
        _err(f"{path}: {exc}", stderr)
        return USAGE
    finally:
        memory.close()
    return OK
