"""Batches: worker processes, the summary, incremental runs, large files through the CLI, the
configuration file, and the publishing hooks (pre-commit, CI)."""

import io
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEED, duet_command
from pipeline.commands import Request, clean_command, config_show
from pipeline.document import replay
from pipeline.manifest import Manifest


def duet(*args, stdin: bytes | None = None, cwd=None):
    return subprocess.run([*duet_command(), *map(str, args)], input=stdin, capture_output=True, cwd=cwd,
                          timeout=120)


def run(*inputs, check=False, config=None, **options):
    """``duet clean`` in this process; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    options = {k: str(v) if isinstance(v, Path) else v for k, v in options.items()}
    req = Request([str(i) for i in inputs], cli_options=options, config=config, no_config=config is None)
    code = clean_command(req, check=check, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def corpus(tmp_path):
    """Eight files of different sizes and dirt, and one that is not text."""
    src = tmp_path / "in"
    seed = SEED.read_text(encoding="utf-8")
    paragraphs = seed.split("\n\n")
    for i in range(8):
        sub = src / ("a" if i % 2 else "b")
        sub.mkdir(parents=True, exist_ok=True)
        text = "\n\n".join(paragraphs[i::3]) + "\u200b\r\n" * (i % 3)
        (sub / f"doc{i}.txt").write_text(text, encoding="utf-8")
    (src / "a" / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    return src


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".duet" not in p.parts}


def test_any_number_of_workers_writes_the_same_outputs_and_report(corpus, tmp_path):
    results = {}
    for jobs in (1, 2, 3):
        out = tmp_path / f"out{jobs}"
        r = duet("clean", corpus, "-o", out, "--report", tmp_path / f"r{jobs}.jsonl", "--jobs", jobs)
        assert r.returncode == 3, r.stderr  # broken.txt failed, the others were written
        results[jobs] = (tree(out), (tmp_path / f"r{jobs}.jsonl").read_bytes(), r.stderr.decode())
    assert results[1][0] == results[2][0] == results[3][0]
    assert results[1][1] == results[2][1] == results[3][1]
    assert len(results[1][0]) == 8
    inputs = [json.loads(line)["input"] for line in results[2][1].decode().splitlines()]
    assert inputs == sorted(inputs)  # the order of the inputs, not of completion
    err = results[2][2]
    assert "broken.txt: binary data" in err
    assert "summary: 9 files: 8 cleaned, 1 failed" in err
    reports = [json.loads(line) for line in results[2][1].decode().splitlines()]
    removed = sum(len(c["before"]) - len(c["after"]) for r in reports for c in r["changes"] if c["stage"] == "spam")
    assert removed > 0  # the seed's spam injections are in the corpus
    assert "changes by stage: invisible " in err and f"spam removed: {removed} characters" in err
    assert "MB/s (local, 2 workers)" in err


def test_a_rerun_skips_what_is_unchanged_and_reports_the_same(corpus, tmp_path):
    out, rep = tmp_path / "out", tmp_path / "r.jsonl"
    first = run(corpus, output=out, report=rep, jobs=2)
    assert first[0] == 3
    report = rep.read_bytes()
    outputs = tree(out)
    code, _, err = run(corpus, output=out, report=rep, jobs=2)
    assert code == 3  # broken.txt is never recorded: it fails again
    assert "0 cleaned, 8 skipped (unchanged since the last run), 1 failed" in err
    assert rep.read_bytes() == report  # a skipped input's report line is the one kept from its run
    assert tree(out) == outputs

    (corpus / "a" / "doc1.txt").write_text("改过的文本\u200b。\n", encoding="utf-8")
    (out / "b" / "doc2.txt").unlink()  # a missing output is written again
    code, _, err = run(corpus, output=out, report=rep)
    assert "2 cleaned, 6 skipped" in err
    assert (out / "a" / "doc1.txt").read_text(encoding="utf-8") == "改过的文本。\n"
    assert (out / "b" / "doc2.txt").read_bytes() == outputs["b/doc2.txt"]

    assert "8 cleaned" in run(corpus, output=out, report=rep, force=True)[2]
    assert "8 cleaned" in run(corpus, output=out, report=rep, disable=["blank-lines"])[2]  # new configuration
    assert "8 cleaned" in run(corpus, output=out, report=rep)[2]  # and back


def test_the_worker_that_cleans_a_file_keeps_its_report_copy_for_the_manifest(corpus, tmp_path):
    from pipeline.batch import process
    from pipeline.files import Job
    from pipeline.manifest import reports_folder
    from pipeline.runner import Pipeline

    out, copies = tmp_path / "out", reports_folder(tmp_path / "out")
    source = corpus / "a" / "doc1.txt"
    outcome = process(Pipeline(), Job(str(source), "a/doc1.txt"), out_dir=out, report_copies=str(copies))
    name, size = outcome.report_copy
    assert (copies / name).read_text(encoding="utf-8") == outcome.report and size == len(outcome.report.encode())
    # Nothing is kept for a file that was not written (it failed, or a check writes nothing).
    assert process(Pipeline(), Job(str(corpus / "a" / "broken.txt"), "a/broken.txt"), out_dir=out,
                   report_copies=str(copies)).report_copy is None
    assert process(Pipeline(), Job(str(source), "a/doc1.txt"), check=True, report_copies=str(copies)).report_copy is None

    # The manifest of a batch points at the copies the workers wrote; a rerun reports from them.
    rep = tmp_path / "r.jsonl"
    assert run(corpus, output=out, report=rep, jobs=2)[0] == 3
    manifest = Manifest.load(out)
    assert len(manifest.entries) == 8
    for rel, entry in manifest.entries.items():
        assert manifest.report_path(entry).stat().st_size == entry["report_bytes"] > 0
    assert sorted(p.name for p in copies.iterdir()) == sorted(e["report"] for e in manifest.entries.values())
    first = rep.read_bytes()
    assert "8 skipped" in run(corpus, output=out, report=rep, jobs=2)[2]
    assert rep.read_bytes() == first


def test_workers_get_files_in_chunks_that_shrink_towards_the_end(tmp_path):
    from pipeline.engines import _CHUNK_BYTES, _CHUNK_FILES, chunks
    from pipeline.files import Job

    def job(name: str, size: int) -> Job:
        path = tmp_path / name
        with open(path, "wb") as f:
            f.truncate(size)
        return Job(str(path), name)

    work = [(i, job(f"f{i:03d}.txt", 40_000)) for i in range(120)]
    work[30] = (30, job("large.txt", 2 * _CHUNK_BYTES))
    work.append((120, Job(str(tmp_path / "missing.txt"), "missing.txt")))  # cleaning it says what is wrong
    got = list(chunks(work, 2))
    assert [item for chunk in got for item in chunk] == work  # every file once, in order
    assert all(1 <= len(c) <= _CHUNK_FILES for c in got)
    assert [(30, work[30][1])] in got  # a file larger than a chunk goes alone
    sizes = [sum(Path(j.source).stat().st_size for _, j in c if Path(j.source).exists()) for c in got]
    assert all(size <= _CHUNK_BYTES for c, size in zip(got, sizes) if len(c) > 1)
    assert len(got[0]) == _CHUNK_FILES and [len(c) for c in got[-8:]] == [1] * 8  # the workers end together
    assert len(got) < len(work) / 3
    assert [len(c) for c in chunks(work[:7], 2)] == [1] * 7  # a few files: one at a time


def test_the_manifest_records_the_hash_of_the_bytes_each_worker_cleaned(corpus, tmp_path, monkeypatch):
    """Files the manifest does not know yet are hashed by the worker that cleans them, from the bytes it
    read (a large file streamed piece by piece is hashed before it is read); files it knows are hashed
    first, to skip those that did not change."""
    import pipeline.commands as commands
    from pipeline.manifest import hash_file

    hashed = []
    monkeypatch.setattr(commands, "hash_file", lambda path: hashed.append(path) or hash_file(path))
    out = tmp_path / "out"
    (corpus / "b" / "doc0.txt").write_text(SEED.read_text(encoding="utf-8") * 3, encoding="utf-8")
    assert run(corpus, output=out, jobs=2, stream_above="20KB")[0] == 3
    assert hashed == []
    entries = Manifest.load(out).entries
    assert len(entries) == 8
    assert all(e["input"] == hash_file(corpus / rel) for rel, e in entries.items())
    assert "0 cleaned, 8 skipped" in run(corpus, output=out, jobs=2, stream_above="20KB")[2]
    assert len(hashed) == 8  # broken.txt is not in the manifest: it is cleaned (and fails) again

    from pipeline.batch import process
    from pipeline.files import Job
    from pipeline.outcome import discard_spills
    from pipeline.runner import Pipeline

    large = corpus / "b" / "doc0.txt"
    streamed = process(Pipeline(), Job(str(large), "b/doc0.txt"), out_dir=tmp_path / "again",
                       stream_above=20_000, hash_input=True)
    assert streamed.report_file is not None  # (the streamed path spills its report)
    assert streamed.input_hash == hash_file(large)
    discard_spills(streamed)


def test_a_report_copy_the_worker_cannot_write_is_written_by_the_collecting_process(corpus, tmp_path, monkeypatch):
    import pipeline.batch

    def refuse(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pipeline.batch, "write_report_copy", refuse)
    out, rep = tmp_path / "out", tmp_path / "r.jsonl"
    assert run(corpus, output=out, report=rep, jobs=1)[0] == 3
    manifest = Manifest.load(out)
    assert len(manifest.entries) == 8
    for entry in manifest.entries.values():
        assert manifest.report_path(entry).stat().st_size == entry["report_bytes"] > 0
    assert "8 skipped" in run(corpus, output=out, report=rep)[2]


def test_a_rerun_with_nothing_to_clean_sets_up_no_stage_and_bad_rules_still_stop_a_run(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for name in ("a.txt", "b.txt"):
        (src / name).write_text("各方面,工作。\n", encoding="utf-8")
    assert run(src, output=out, jobs=2)[0] == 0
    # A new process, as a user's rerun: the stages are neither set up nor imported, nor is the pool.
    rerun = subprocess.run([sys.executable, "-c", (
        "import atexit, sys\n"
        "from pipeline.cli import main\n"
        "atexit.register(lambda: print(sorted(m for m in sys.modules if m in ('pipeline.runner', 'pipeline.registry')\n"
        "                or m.startswith(('pipeline.stages', 'multiprocessing', 'concurrent')))))\n"
        f"sys.argv = ['duet', 'clean', {str(src)!r}, '-o', {str(out)!r}, '--jobs', '2']\n"
        "main()\n")],
        capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0 and rerun.stdout == "[]\n", rerun.stderr
    assert "0 cleaned, 2 skipped" in rerun.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[[signal]]\nname = 'x'\nrole = 'anchor'\n", encoding="utf-8")
    code, _, err = run(src, output=out, rules=[str(bad)])  # a new configuration: every file is cleaned again
    assert code == 2 and str(bad) in err and "weight" in err
    assert not list(out.glob("*.tmp*")) and (out / "a.txt").read_text(encoding="utf-8") == "各方面，工作。\n"


def test_a_report_asked_for_later_cleans_again_what_has_none(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, output=out)
    code, _, err = run(corpus, output=out, report=tmp_path / "r.jsonl")
    assert "8 cleaned" in err
    assert len((tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()) == 8
    assert "8 skipped" in run(corpus, output=out)[2]  # no report wanted: the outputs are enough


def test_an_interrupted_run_leaves_whole_files_and_resumes(corpus, tmp_path, monkeypatch):
    import pipeline.commands as commands

    real = commands._engine

    def interrupted_after_the_fourth_file(p, todo, stdout):
        for n, item in enumerate(real(p, todo, stdout)):
            if n == 3:  # the fourth file is written, Ctrl-C comes before it is recorded
                raise KeyboardInterrupt
            yield item

    monkeypatch.setattr(commands, "_engine", interrupted_after_the_fourth_file)
    out, rep = tmp_path / "out", tmp_path / "r.jsonl"
    code, _, err = run(corpus, output=out, report=rep, jobs=1)
    # a/broken.txt comes first and fails; two files are recorded, a third was written whole
    assert code == 130 and "interrupted: 2 of 9 files cleaned" in err
    assert not rep.exists()  # no half report either
    assert len(tree(out)) == 3 and not [p for p in out.rglob("*.tmp")]
    assert len(Manifest.load(out).entries) == 2
    monkeypatch.setattr(commands, "_engine", real)
    code, _, err = run(corpus, output=out, report=rep, jobs=2)
    assert "6 cleaned, 2 skipped" in err and len(tree(out)) == 8


def test_a_large_file_is_cleaned_in_pieces_with_the_same_result(tmp_path):
    seed = SEED.read_text(encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text(seed * 3, encoding="utf-8")
    flag = []  # the default options, spam removal included, clean piece by piece
    for name, extra in (("whole", flag), ("pieces", [*flag, "--stream-above", "1KB", "--chunk-size", "4KB"])):
        r = duet("clean", big, "-o", tmp_path / name, "--report", tmp_path / f"{name}.jsonl", *extra)
        assert r.returncode == 0, r.stderr
    out = (tmp_path / "pieces" / "big.txt").read_text(encoding="utf-8")
    assert out == (tmp_path / "whole" / "big.txt").read_text(encoding="utf-8")
    report = json.loads((tmp_path / "pieces.jsonl").read_text(encoding="utf-8"))
    assert report["stats"]["streamed"] is True
    assert replay(seed * 3, report["changes"]) == out
    whole = json.loads((tmp_path / "whole.jsonl").read_text(encoding="utf-8"))
    assert report["segments"] == whole["segments"]
    assert not [p for p in tmp_path.rglob(".duet-*.part")]  # the report's pieces are cleaned up
    # to standard output, and as a check
    r = duet("clean", big, *flag, "--stream-above", "1KB", "--chunk-size", "4KB")
    assert r.stdout.decode("utf-8") == out
    r = duet("check", big, *flag, "--stream-above", "1KB", "--chunk-size", "4KB")
    whole_check = duet("check", big, *flag)
    assert r.returncode == 1 and r.stdout == whole_check.stdout


# -- configuration ----------------------------------------------------------------------------------


def test_every_option_can_come_from_the_config_file_and_the_command_line_wins(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("a\u200bb\n", encoding="utf-8")
    (tmp_path / "docs" / "b.txt").write_text("c\u200bd\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.duet]\noutput = "cleaned"\nreport = "reports/r.jsonl"\njobs = 1\nquiet = true\n'
        'disable = ["structure"]\nstream_above = "1KB"\n', encoding="utf-8")
    work = tmp_path / "docs"
    r = duet("clean", ".", cwd=work)
    assert r.returncode == 0 and r.stderr == b""  # quiet
    assert (tmp_path / "cleaned" / "a.txt").read_text(encoding="utf-8") == "ab\n"  # relative to the file
    assert len((tmp_path / "reports" / "r.jsonl").read_text().splitlines()) == 2
    r = duet("clean", ".", "-o", tmp_path / "elsewhere", "--no-quiet", "--jobs", "2", cwd=work)
    assert (tmp_path / "elsewhere" / "b.txt").exists() and b"2 workers" in r.stderr

    r = duet("config", "show", cwd=work)
    shown = r.stdout.decode()
    assert r.returncode == 0 and f"# configuration file: {tmp_path / 'pyproject.toml'}" in shown
    lines = {line.split(" = ")[0]: line for line in shown.splitlines() if " = " in line}
    assert lines["jobs"].startswith("jobs = 1 ") and lines["jobs"].endswith(str(tmp_path / "pyproject.toml"))
    assert lines["output"].startswith(f'output = "{tmp_path / "cleaned"}"')
    assert lines["engine"].startswith('engine = "local"') and lines["engine"].endswith("# default")


def test_config_show_names_the_command_line_and_reads_back_as_toml(tmp_path):
    from pipeline.rules import tomllib

    out = io.StringIO()
    req = Request([], cli_options={"jobs": 3, "spam": "mask"}, no_config=True)
    assert config_show(req, stdout=out) == 0
    text = out.getvalue()
    assert "jobs = 3" in text and "# command line" in text
    values = tomllib.loads(text)
    assert values["spam"] == "mask" and values["stream_above"] == "32MB" and "scheduler" not in values


@pytest.mark.parametrize("line, message", [
    ("jobs = -1", "'jobs' must be a whole number"),
    ('jobs = "two"', "'jobs' must be a whole number"),
    ('stream_above = "big"', "a size such as"),
    ('engine = "spark"', "must be one of local, dask"),
    ("quiet = 1", "'quiet' must be true or false"),
])
def test_bad_options_in_the_config_file_exit_2_naming_the_file(tmp_path, line, message):
    (tmp_path / "duet.toml").write_text(line + "\n", encoding="utf-8")
    r = duet("clean", stdin=b"x", cwd=tmp_path)
    assert r.returncode == 2
    assert "duet.toml" in r.stderr.decode() and message in r.stderr.decode()


# -- publishing workflows -----------------------------------------------------------------------------


def _entry_command(entry: str) -> list[str]:
    words = shlex.split(entry)
    assert words[0] == "duet"
    return [*duet_command(), *words[1:]]


def test_the_pre_commit_hook_fails_on_a_dirty_file_and_passes_a_clean_one(tmp_path):
    import re

    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    check = hooks["duet-check"]
    dirty, clean = tmp_path / "dirty.md", tmp_path / "clean.txt"
    dirty.write_text("第一段\u200b。\n", encoding="utf-8")
    clean.write_text("已经干净的文本。\n", encoding="utf-8")
    assert re.search(check["files"], "notes/dirty.md") and not re.search(check["files"], "setup.py")
    r = subprocess.run([*_entry_command(check["entry"]), dirty, clean], capture_output=True, timeout=60)
    assert r.returncode == 1
    assert r.stdout.decode().startswith(f"{dirty}:1:4: zero-width:")
    r = subprocess.run([*_entry_command(check["entry"]), clean], capture_output=True, timeout=60)
    assert r.returncode == 0 and r.stdout == b""
    fix = hooks["duet-clean"]
    r = subprocess.run([*_entry_command(fix["entry"]), dirty, clean], capture_output=True, timeout=60)
    assert r.returncode == 0 and dirty.read_text(encoding="utf-8") == "第一段。\n"


def test_the_ci_example_fails_when_duet_check_finds_something(tmp_path):
    import yaml

    workflow = yaml.safe_load((ROOT / "docs" / "ci" / "duet-check.yml").read_text())
    steps = workflow["jobs"]["duet-check"]["steps"]
    command = next(s["run"] for s in steps if s.get("name") == "Check the documents")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text("已经干净的文本。\n", encoding="utf-8")
    r = subprocess.run(_entry_command(command), cwd=tmp_path, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    (tmp_path / "docs" / "news.txt").write_text("新闻\u200b稿。\r\n", encoding="utf-8")
    r = subprocess.run(_entry_command(command), cwd=tmp_path, capture_output=True, timeout=60)
    assert r.returncode == 1
    assert "docs/news.txt:1:3: zero-width" in r.stdout.decode()
    assert (tmp_path / "duet-findings.jsonl").exists()


def test_the_python_api_example_in_the_docs_runs(tmp_path, monkeypatch):
    """docs/batch.md shows duet as a step in someone else's pipeline: run that example as written."""
    text = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1]
    code = section.split("```python", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "docs/batch.md", "exec"), namespace)  # the example asserts what it shows
    assert namespace["cleaned"] and all("\u200b" not in r["text"] for r in namespace["cleaned"])


def test_every_command_line_option_is_an_option_of_the_config_file():
    import dataclasses

    import typer.main

    from pipeline.cli import app
    from pipeline.options import Options

    fields = {f.name for f in dataclasses.fields(Options)}
    command = typer.main.get_command(app)
    for name in ("clean", "check"):
        params = {p.name for p in command.commands[name].params} - {"inputs", "config", "no_config"}
        assert params <= fields, params - fields


def test_progress_in_files_and_megabytes_when_asked(corpus, tmp_path):
    r = duet("clean", corpus, "-o", tmp_path / "out", "--progress", "-q")
    err = r.stderr.decode()
    assert "9/9 files: 100%" in err and "104k/104k" in err and "summary" not in err
    assert "\rduet: " in err and "binary data (NUL byte at offset 8)\n" in err  # a line of its own


def test_a_large_file_cleaned_in_place_is_replaced_only_when_something_changed(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(("第一段\u200b。\n\n" + "Second paragraph.\n\n") * 200, encoding="utf-8")
    small = ["--stream-above", "1KB", "--chunk-size", "1KB"]
    r = duet("clean", "--in-place", big, *small)
    assert r.returncode == 0, r.stderr
    assert big.read_text(encoding="utf-8") == ("第一段。\n\n" + "Second paragraph.\n\n") * 199 + \
        "第一段。\n\nSecond paragraph.\n"
    before = big.stat().st_mtime_ns
    assert duet("clean", "--in-place", big, *small).returncode == 0
    assert big.stat().st_mtime_ns == before and not list(tmp_path.glob(".*"))
