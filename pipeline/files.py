"""Inputs and outputs on disk: finding the files, naming the outputs, writing them atomically."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from contextlib import contextmanager
from typing import BinaryIO, Iterable, Iterator

DEFAULT_GLOBS = ("*.txt", "*.md")
STDIN = "-"


class UsageError(Exception):
    """The command line asks for something impossible (exit 2)."""


@dataclass(frozen=True)
class Job:
    """One input: ``source`` is a path or ``-``; ``rel`` is its relative path under ``-o``."""

    source: str
    rel: str


def discover(inputs: list[str], globs: tuple[str, ...] = (), exclude: Path | None = None) -> tuple[list[Job], list[tuple[str, str]]]:
    """Expand files and folders into jobs. Returns (jobs, problems) where a problem is (path, message).

    Folders are searched recursively for ``globs`` (default ``*.txt`` and ``*.md``), following links to
    folders but never into a loop, and never into ``exclude`` (the output folder).
    """
    globs = globs or DEFAULT_GLOBS
    jobs: list[Job] = []
    problems: list[tuple[str, str]] = []
    for item in inputs or [STDIN]:
        if item == STDIN:
            jobs.append(Job(STDIN, "stdin.txt"))
            continue
        path = Path(item)
        if path.is_dir():
            found, loops = _walk(path, globs, exclude)
            jobs.extend(Job(str(f), PurePosixPath(*f.relative_to(path).parts).as_posix()) for f in found)
            problems.extend((str(p), "symbolic link loop, not followed") for p in loops)
        elif path.exists() or path.is_symlink():
            jobs.append(Job(item, path.name))
        else:
            problems.append((item, "no such file or folder"))
    seen: dict[str, str] = {}
    for job in jobs:
        if job.rel in seen and job.source != STDIN:
            raise UsageError(f"{job.source}: same output name as {seen[job.rel]} ({job.rel}); "
                             "clean them in separate runs or pass their folder")
        seen[job.rel] = job.source
    return jobs, problems


def _walk(root: Path, globs: tuple[str, ...], exclude: Path | None) -> tuple[list[Path], list[Path]]:
    found: list[Path] = []
    loops: list[Path] = []
    excluded = exclude.resolve() if exclude else None
    seen: set[tuple[int, int]] = set()
    for folder, dirs, files in os.walk(root, followlinks=True):
        here = Path(folder)
        st = here.stat()
        if (st.st_dev, st.st_ino) in seen:
            loops.append(here)
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        if excluded is not None and (here.resolve() == excluded or excluded in here.resolve().parents):
            dirs[:] = []
            continue
        dirs.sort()
        for name in sorted(files):
            p = here / name
            if any(p.match(g) for g in globs):
                found.append(p)
    return found, loops


def output_path(out_dir: Path, rel: str, suffix: str | None = None) -> Path:
    """``out_dir / rel`` with the suffix of the output format; never outside ``out_dir``."""
    parts = [p for p in PurePosixPath(rel).parts if p not in ("..", ".", "/")]
    target = out_dir.joinpath(*parts) if parts else out_dir / "stdin.txt"
    if suffix and target.suffix != suffix:
        target = target.with_suffix(suffix)
    return target


class OutputError(Exception):
    """An output cannot be written where it was asked for (the file fails, the batch goes on)."""


def checked_output(out_dir: Path, target: Path, source: str) -> Path:
    """``target`` if writing it stays inside ``out_dir`` and does not replace the input.

    ``output_path`` already drops ``..`` from the name; a folder under ``out_dir`` that is a symbolic link
    to somewhere else could still lead outside, and an output folder that holds the inputs would
    overwrite them (``--in-place`` is the way to ask for that)."""
    root = out_dir.resolve()
    where = target.parent.resolve()
    if where != root and root not in where.parents:
        raise OutputError(f"cannot write {target}: it would land outside {out_dir} (through a symbolic link)")
    if source != STDIN:
        try:
            same = os.path.samefile(target, source)
        except OSError:
            same = False  # no output yet
        if same:
            raise OutputError(f"cannot write {target}: it is the input itself (use --in-place to rewrite inputs)")
    return target


def open_regular(path: str | Path) -> BinaryIO:
    """Open a regular file for reading, or raise ``OSError`` saying what it is instead.

    Opened without blocking and checked after opening: a FIFO would block a plain ``open`` forever and a
    device (``/dev/zero``) never ends; a file swapped for one of them after a check is caught too."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else \
                "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) \
                else "not a regular file"
            raise OSError(errno.EINVAL, f"not a regular file ({kind})")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write through a temporary file in the same folder and rename: a reader never sees half a file,
    and a failed write leaves the previous file as it was. ``durable``: on disk before the rename
    (``fsync``), so that a power cut cannot leave an empty file under the new name."""
    _atomic(path, [data], durable)


def write_atomic_chunks(path: Path, chunks: Iterable[str]) -> int:
    """Text chunks written as they come, atomically (no fsync); returns the bytes written."""
    return _atomic(path, (chunk.encode("utf-8") for chunk in chunks), durable=False)


def _atomic(path: Path, blocks: Iterable[bytes], durable: bool) -> int:
    size = 0
    with atomic_writer(path, durable=durable) as f:
        for block in blocks:
            f.write(block)
            size += len(block)
    return size


@contextmanager
def atomic_writer(path: Path, *, durable: bool = True) -> Iterator[BinaryIO]:
    """A binary file that appears at ``path`` only when the block ends without an exception."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            if durable:
                os.fsync(f.fileno())
        publish(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise


def remove_quietly(path: str | Path) -> None:
    """Remove a temporary file that may already be gone."""
    try:
        os.unlink(path)
    except OSError:
        pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()


def publish(tmp: str, path: Path) -> None:
    """Rename a finished temporary file onto ``path``, with the mode of the file it replaces (or the
    usual mode of a new file: ``mkstemp`` makes temporary files readable by their owner only)."""
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        mode = _FILE_MODE
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def describe_os_error(exc: OSError) -> str:
    """The reason, in a few words: ``no such file or directory``, ``no space left on device``."""
    if exc.strerror:
        reason = exc.strerror
        return reason if reason.startswith("not a regular file") else reason.lower()
    return str(exc)


def shown(path: str) -> str:
    """A path as messages and reports show it: a file name that is not UTF-8 (kept by Python as lone
    surrogates) has its undecodable bytes spelled ``\\xff`` instead of breaking the output."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
