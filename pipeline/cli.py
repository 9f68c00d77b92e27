"""The ``duet`` command line: parses options and calls ``pipeline.commands``."""

from __future__ import annotations

import atexit
import os
import sys
from pathlib import Path
from typing import List, NoReturn, Optional

import typer

from . import __version__
from .commands import Request, clean_command, config_show, models_install_command, models_list_command, tm_command

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.split(":")[0] + ": clean "
                  "contaminated, half machine-translated Chinese/English documents.")

Inputs = typer.Argument(None, help="Files, folders (searched recursively) or - for standard input.")
Output = typer.Option(None, "-o", "--output", help="Write one output per input under this folder.")
Report = typer.Option(None, "--report", help="Write a JSON Lines report, one object per input.")
Format = typer.Option(None, "--format", help="text|markdown|html|jsonl|tmx|xliff (default: the input's own).")
InputFormat = typer.Option(None, "--input-format", help="text|markdown|html (default: from the suffix).")
Terms = typer.Option(None, "--terms", help="A term glossary: a name from rules/terms/ or a path. Repeatable.")
Rules = typer.Option(None, "--rules", help="An extra rule file or folder. Repeatable.")
Disable = typer.Option(None, "--disable", help="Switch off a stage or rule by name. Repeatable, or comma-separated.")
Spam = typer.Option(None, "--spam", help="remove (default) | mask | flag")
SpamMask = typer.Option(None, "--spam-mask", help="The marker that replaces spam with --spam mask.")
Variant = typer.Option(None, "--variant", help="keep|auto|simplified|traditional|taiwan|hongkong")
DigitSpacing = typer.Option(None, "--digit-spacing/--no-digit-spacing", help="A space between Han and digits.")
To = typer.Option(None, "--to", help="Target language of the translation stage: en|zh.")
Translator = typer.Option(None, "--translator", help="Translation backend: none|ct2|openai.")
Model = typer.Option(None, "--model", help="Model folder (ct2) or model name (openai).")
BeamSize = typer.Option(None, "--beam-size", help="Beam search width of the ct2 backend (default 2; 1 is greedy).")
Bilingual = typer.Option(None, "--bilingual/--no-bilingual", help="Emit both languages side by side.")
Glob = typer.Option(None, "--glob", help="File pattern searched in folders (default *.txt and *.md). Repeatable.")
Config = typer.Option(None, "--config", help="Read options from this TOML file instead of the nearest duet.toml.")
NoConfig = typer.Option(False, "--no-config", help="Ignore duet.toml and [tool.duet].")
InPlace = typer.Option(None, "--in-place/--no-in-place", help="Rewrite each input file with its cleaned text.")
Progress = typer.Option(None, "--progress/--no-progress", help="Progress bar on standard error (default: "
                        "when it is a terminal).")
Jobs = typer.Option(None, "-j", "--jobs", help="Worker processes (default: one per core).")
Engine = typer.Option(None, "--engine", help="local (default) | dask")
Scheduler = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 "
                         "(default: a local cluster).")
SharedStorage = typer.Option(None, "--shared-storage/--no-shared-storage", help="Dask workers see the same "
                             "files (default): paths travel, not contents.")
Force = typer.Option(None, "--force/--no-force", help="Clean every input again, even unchanged ones.")
Quiet = typer.Option(None, "-q", "--quiet/--no-quiet", help="No summary at the end.")
StreamAbove = typer.Option(None, "--stream-above", help="Clean files larger than this piece by piece "
                           "(default 32MB).")
ChunkSize = typer.Option(None, "--chunk-size", help="Size of the pieces of a large file (default 1MB).")
Expect = typer.Option(None, "--expect", help="The language the document is meant to be in: en|zh.")


def _split(values: Optional[List[str]]) -> Optional[list[str]]:
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _request(inputs, config, no_config, **options) -> Request:
    for key in ("terms", "rules", "glob"):
        options[key] = options[key] or None
    options["disable"] = _split(options["disable"])
    for key in ("output", "report"):
        options[key] = str(options[key]) if options.get(key) is not None else None
    return Request(inputs=list(inputs or []), cli_options=options, config=config, no_config=no_config)


@app.command()
def clean(
    inputs: Optional[List[str]] = Inputs, output: Optional[Path] = Output, format: Optional[str] = Format,
    input_format: Optional[str] = InputFormat, report: Optional[Path] = Report,
    terms: Optional[List[str]] = Terms, rules: Optional[List[str]] = Rules,
    disable: Optional[List[str]] = Disable, spam: Optional[str] = Spam, spam_mask: Optional[str] = SpamMask,
    variant: Optional[str] = Variant, digit_spacing: Optional[bool] = DigitSpacing, to: Optional[str] = To,
    translator: Optional[str] = Translator, model: Optional[str] = Model, beam_size: Optional[int] = BeamSize,
    bilingual: Optional[bool] = Bilingual, glob: Optional[List[str]] = Glob,
    config: Optional[Path] = Config, no_config: bool = NoConfig, in_place: Optional[bool] = InPlace,
    progress: Optional[bool] = Progress, jobs: Optional[int] = Jobs, engine: Optional[str] = Engine,
    scheduler: Optional[str] = Scheduler, shared_storage: Optional[bool] = SharedStorage,
    force: Optional[bool] = Force, quiet: Optional[bool] = Quiet, stream_above: Optional[str] = StreamAbove,
    chunk_size: Optional[str] = ChunkSize,
) -> None:
    """Clean documents: standard input to standard output, or files and folders to -o DIR."""
    req = _request(inputs, config, no_config, output=output, report=report, in_place=in_place,
                   progress=progress, format=format, input_format=input_format, terms=terms, rules=rules,
                   disable=disable, spam=spam, spam_mask=spam_mask, variant=variant,
                   digit_spacing=digit_spacing, to=to, translator=translator, model=model, beam_size=beam_size,
                   bilingual=bilingual, glob=glob, jobs=jobs, engine=engine, scheduler=scheduler,
                   shared_storage=shared_storage, force=force, quiet=quiet, stream_above=stream_above,
                   chunk_size=chunk_size)
    raise typer.Exit(clean_command(req))


@app.command()
def check(
    inputs: Optional[List[str]] = Inputs, input_format: Optional[str] = InputFormat,
    report: Optional[Path] = Report, terms: Optional[List[str]] = Terms, rules: Optional[List[str]] = Rules,
    disable: Optional[List[str]] = Disable, spam: Optional[str] = Spam, variant: Optional[str] = Variant,
    digit_spacing: Optional[bool] = DigitSpacing, expect: Optional[str] = Expect,
    glob: Optional[List[str]] = Glob, config: Optional[Path] = Config, no_config: bool = NoConfig,
    progress: Optional[bool] = Progress, jobs: Optional[int] = Jobs, engine: Optional[str] = Engine,
    scheduler: Optional[str] = Scheduler, shared_storage: Optional[bool] = SharedStorage,
    quiet: Optional[bool] = Quiet, stream_above: Optional[str] = StreamAbove,
    chunk_size: Optional[str] = ChunkSize,
) -> None:
    """Run the same stages, write nothing, print each finding as path:line:col: rule: message.
    Exit 1 if anything would change."""
    req = _request(inputs, config, no_config, report=report, progress=progress, input_format=input_format,
                   terms=terms, rules=rules, disable=disable, spam=spam, variant=variant,
                   digit_spacing=digit_spacing, expect=expect, glob=glob, jobs=jobs, engine=engine,
                   scheduler=scheduler, shared_storage=shared_storage, quiet=quiet,
                   stream_above=stream_above, chunk_size=chunk_size)
    raise typer.Exit(clean_command(req, check=True))


config_app = typer.Typer(help="The configuration: duet.toml or [tool.duet] in pyproject.toml.")
app.add_typer(config_app, name="config")


@config_app.command("show")
def show(config: Optional[Path] = Config, no_config: bool = NoConfig) -> None:
    """Print the effective configuration, each option with where it came from."""
    raise typer.Exit(config_show(Request(inputs=[], config=config, no_config=no_config)))


models_app = typer.Typer(no_args_is_help=True, help="Translation models for --translator ct2.")
tm_app = typer.Typer(no_args_is_help=True, help="The translation memory (SQLite in the cache folder).")
app.add_typer(models_app, name="models")
app.add_typer(tm_app, name="tm")


@models_app.command("install")
def models_install(
    direction: str = typer.Argument(..., help="zh-en or en-zh."),
    source: Optional[str] = typer.Option(None, "--from", help="A package, archive or folder: a path or an http(s) URL."),
    kind: str = typer.Option("argos", "--source", help="Without --from: argos (package index) or opus-mt (hub)."),
) -> None:
    """Download, verify and install a model into the cache folder (DUET_CACHE_DIR)."""
    raise typer.Exit(models_install_command(direction, source, kind))


@models_app.command("list")
def models_list() -> None:
    """Show the installed models."""
    raise typer.Exit(models_list_command())


@tm_app.command("export")
def tm_export(path: Path = typer.Argument(..., help="The TMX file to write.")) -> None:
    """Write every pair of the translation memory to a TMX file."""
    raise typer.Exit(tm_command("export", path))


@tm_app.command("import")
def tm_import(path: Path = typer.Argument(..., help="A TMX file with zh and en.")) -> None:
    """Add the zh/en pairs of a TMX file to the memory (preferred to machine output)."""
    raise typer.Exit(tm_command("import", path))


@app.command()
def version() -> None:
    """Print the version."""
    print(__version__)


def main() -> None:  # console script entry point
    try:
        app()
    except SystemExit as done:
        code = done.code
    else:
        code = 0
    exit_without_teardown(code)


def exit_without_teardown(code: int | str | None) -> NoReturn:
    """End the process as ``sys.exit(code)`` would, without tearing the interpreter down: freeing every
    object (the stages' automata, OpenCC's dictionaries, the modules) costs about 30 ms of every run,
    and by now a run has closed and published everything it wrote. The exit handlers still run and the
    standard streams are flushed."""
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``duet ... | head``), a closed stream
            pass
    os._exit(code)
