"""What the ``duet`` commands do, as plain functions (the CLI only parses and calls these).

Exit codes (contract): 0 success; 1 findings (``duet check``); 2 usage or configuration error;
3 at least one input failed while the others were processed and written.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .batch import Outcome, run_batch
from .files import STDIN, UsageError, discover, write_atomic
from .options import Options, find_config, load_config, options_from_mapping
from .rules import ConfigError
from .runner import Pipeline

OK, FINDINGS, USAGE, FAILED = 0, 1, 2, 3


@dataclass
class Request:
    inputs: list[str]
    cli_options: dict[str, Any] = field(default_factory=dict)  # only what the user gave
    output: Path | None = None
    report: Path | None = None
    config: Path | None = None
    no_config: bool = False
    in_place: bool = False
    progress: bool | None = None


def effective_options(req: Request, cwd: Path | None = None) -> tuple[Options, Path | None]:
    """Defaults, then the config file (``--config`` or the nearest one), then the command line."""
    path = req.config if req.config else (None if req.no_config else find_config(cwd))
    values = load_config(path) if path else {}
    given = {k: v for k, v in req.cli_options.items() if v is not None}
    values.update(options_from_mapping(given, "command line"))
    return Options(**values), path


def _err(message: str, stderr: TextIO) -> None:
    print(f"duet: {message}", file=stderr)


def clean_command(req: Request, *, check: bool = False, stdout: TextIO | None = None,
                  stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        options, _ = effective_options(req)
        if not check and req.output is None and not req.in_place and len(req.inputs) > 1:
            raise UsageError("several inputs need -o DIR (or --in-place)")
        if req.in_place and STDIN in req.inputs:
            raise UsageError("--in-place cannot rewrite standard input")
        jobs, problems = discover(req.inputs, options.glob, exclude=req.output)
        if not check and req.output is None and not req.in_place and len(jobs) > 1:
            raise UsageError(f"{req.inputs[0]} holds {len(jobs)} files: give -o DIR to write them")
        pipeline = Pipeline(options)
    except (ConfigError, UsageError) as exc:
        _err(str(exc), stderr)
        return USAGE
    for path, message in problems:
        _err(f"{path}: {message}", stderr)

    with ExitStack() as stack:
        report_buffer: list[str] = []
        progress = _progress_bar(stack, req, jobs, stderr)

        def done(outcome: Outcome) -> None:
            if not outcome.ok:
                _err(f"{outcome.source}: {outcome.error}", stderr)
            else:
                report_buffer.append(outcome.report)
                if outcome.output is not None:
                    stdout.buffer.write(outcome.output.encode("utf-8")) if hasattr(stdout, "buffer") \
                        else stdout.write(outcome.output)
                for line in outcome.findings:
                    print(line, file=stdout)
            if progress is not None:
                progress.update(1)

        outcomes = run_batch(pipeline, jobs, out_dir=req.output, fmt=options.format, check=check,
                             in_place=req.in_place, on_done=done)
    stdout.flush()
    if req.report is not None:
        try:
            write_atomic(req.report, "".join(report_buffer).encode("utf-8"))
        except OSError as exc:
            _err(f"{req.report}: cannot write the report: {exc.strerror or exc}", stderr)
            return FAILED
    failed = sum(not o.ok for o in outcomes) + len(problems)
    if failed:
        return FAILED
    # Spam flagged with --spam flag changes nothing but is still a finding.
    if check and any(o.changes or o.stats.get("spam") for o in outcomes):
        return FINDINGS
    return OK


def _progress_bar(stack: ExitStack, req: Request, jobs: list, stderr: TextIO):
    """A bar on standard error for batches written to a folder: when it is a terminal, or asked for."""
    wanted = req.progress if req.progress is not None else (req.output is not None and stderr.isatty())
    if not wanted or len(jobs) < 2:
        return None
    from tqdm import tqdm

    return stack.enter_context(tqdm(total=len(jobs), unit="file", file=stderr, disable=False))
