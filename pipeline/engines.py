"""Where ``batch.process`` runs: in this process, in local worker processes, or on a Dask cluster.

Every engine takes ``(index, Job)`` pairs and yields ``(index, Outcome)`` pairs as files finish (in any
order; the caller puts them back in input order). Each worker builds its ``Pipeline`` once (rules,
glossaries and converters loaded once per worker, not once per file) and runs the same ``process``
function, so results never depend on the engine or on the number of workers.
"""

from __future__ import annotations

import os
import signal
import threading
from glob import escape as glob_escape
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from .outcome import Outcome, Settings
from .files import (Job, OutputError, UsageError, checked_output, describe_os_error, open_regular, output_path,
                    remove_quietly, write_atomic)
from .options import Options

if TYPE_CHECKING:
    from .runner import Pipeline

# ``batch.process`` and ``Pipeline`` (every stage) are imported where a file is cleaned: a run with
# nothing to clean never imports them. The process pool's modules (about 10 ms) are imported by the runs
# that start one.

Work = Iterable[tuple[int, Job]]
Results = Iterator[tuple[int, Outcome]]


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_here(pipeline: Pipeline, work: Work, settings: Settings, sink=None) -> Results:
    """In this process, one file after the other."""
    from .batch import process

    for index, job in work:
        yield index, process(pipeline, job, sink=sink, **settings.kwargs())


# -- local worker processes -----------------------------------------------------------------------

_WORKER_PIPELINE: Pipeline | None = None


def _init_worker(options: Options) -> None:
    """Pool initializer: one Pipeline per worker process, the parent's when the worker is a fork of it
    (the stages are set up once for the whole batch), else built here. Ctrl-C is the parent's to handle:
    a worker always finishes the file it is writing (outputs are atomic), the parent stops giving out
    more."""
    global _WORKER_PIPELINE
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _WORKER_PIPELINE is None or _WORKER_PIPELINE.options != options:
        from .runner import Pipeline

        _WORKER_PIPELINE = Pipeline(options)


def _work(chunk: list[tuple[int, Job]], settings: Settings) -> list[tuple[int, Outcome]]:
    from .batch import process

    assert _WORKER_PIPELINE is not None
    kwargs = settings.kwargs()
    return [(index, process(_WORKER_PIPELINE, job, **kwargs)) for index, job in chunk]


# A task sent to a worker is a few files: sending one costs the collecting process about half a
# millisecond of CPU, which it takes from the workers, and a folder of small files is sent by the
# thousand. Chunks get smaller towards the end of the batch (so that the workers finish together) and
# hold at most _CHUNK_FILES files and _CHUNK_BYTES bytes (so that Ctrl-C, which lets a worker finish
# its chunk, is not kept waiting). A larger file is a chunk of its own.
_CHUNK_FILES = 8
_CHUNK_BYTES = 1 << 20


def chunks(work: Work, workers: int) -> Iterator[list[tuple[int, Job]]]:
    """``work`` in chunks of at most 1/(4 x workers) of the files left (guided scheduling), at least one
    file, at most ``_CHUNK_FILES`` files and ``_CHUNK_BYTES`` bytes."""
    items = list(work)
    start = 0
    while start < len(items):
        most = max(1, min(_CHUNK_FILES, (len(items) - start) // (workers * 4)))
        end, size = start, 0
        while end < start + most:
            size += _size(items[end][1])
            if end > start and size > _CHUNK_BYTES:
                break
            end += 1
        yield items[start:end]
        start = end


def _size(job: Job) -> int:
    try:
        return os.stat(job.source).st_size
    except (OSError, ValueError):
        return 0  # cleaning it says what is wrong


def run_pool(options: Options, work: Work, settings: Settings, workers: int,
             pipeline: Pipeline | None = None) -> Results:
    """In ``workers`` local processes, a few files at a time (``chunks``). At most two chunks per worker
    are queued at a time, so that an interruption leaves little half-started and the parent's memory
    stays small.

    A worker that dies (killed for using too much memory, a crash in a native library) breaks the whole
    pool. The files it had in hand are then cleaned again one at a time, each in a fresh process, so
    that only the file that kills its worker fails; the batch goes on with a new pool."""
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    global _WORKER_PIPELINE
    if pipeline is not None and multiprocessing.get_start_method() == "fork":
        _WORKER_PIPELINE = pipeline  # the workers inherit it
    queue = chunks(work, workers)
    while True:
        pending: dict = {}
        try:
            yield from _pool_pass(options, queue, settings, workers, pending)
            return
        except BrokenProcessPool:
            for index, job in sorted(item for chunk in pending.values() for item in chunk):
                outcome = _alone(options, index, job, settings)
                _remove_orphans(job, settings)
                yield index, outcome


def _pool_pass(options: Options, queue: Iterator[list[tuple[int, Job]]], settings: Settings, workers: int,
               pending: dict) -> Results:
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    window = workers * 2
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(options,)) as pool:
        try:
            while True:
                for chunk in queue:
                    try:
                        pending[pool.submit(_work, chunk, settings)] = chunk
                    except BrokenProcessPool:
                        # The pool broke as the chunk was handed out (a worker died a moment before its
                        # files failed): the chunk is cleaned again with the others, not lost.
                        pending[Future()] = chunk
                        raise
                    if len(pending) >= window:
                        break
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    results = fut.result()  # BrokenProcessPool when a worker died
                    del pending[fut]
                    yield from results
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise


def _alone(options: Options, index: int, job: Job, settings: Settings) -> Outcome:
    """One file in a process of its own: its outcome, or a failure saying that its worker died."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(1, initializer=_init_worker, initargs=(options,)) as pool:
        try:
            return pool.submit(_work, [(index, job)], settings).result()[0][1]
        except BrokenProcessPool:
            return Outcome(job.source, ok=False, error="the worker process cleaning it died (out of memory, "
                           "or a crash in a native library); the other files were cleaned")


def _remove_orphans(job: Job, settings: Settings) -> None:
    """The temporary output files that a killed worker could not remove (``atomic_writer`` names them
    ``.NAME.*.tmp`` beside the output); the file itself was just written again, or failed."""
    if settings.in_place:
        targets = [Path(job.source)]
    elif settings.out_dir is not None:
        targets = [output_path(settings.out_dir, job.rel)]
        if settings.fmt:
            from .writers import SUFFIXES

            targets.append(output_path(settings.out_dir, job.rel, SUFFIXES.get(settings.fmt)))
    else:
        return
    for target in targets:
        for orphan in target.parent.glob(f".{glob_escape(target.name)}.*.tmp"):
            remove_quietly(orphan)


# -- Dask ------------------------------------------------------------------------------------------

_DASK_PIPELINES: dict[Options, Pipeline] = {}
_DASK_LOCK = threading.Lock()


def _dask_pipeline(options: Options) -> Pipeline:
    """One Pipeline per worker process and configuration, built by the first task that needs it."""
    with _DASK_LOCK:
        pipeline = _DASK_PIPELINES.get(options)
        if pipeline is None:
            from .runner import Pipeline

            pipeline = _DASK_PIPELINES[options] = Pipeline(options)
        return pipeline


def dask_task(options: Options, chunk: list[tuple[int, Job, bytes | None]],
              settings: Settings) -> list[tuple[int, Outcome]]:
    """What runs on a Dask worker: ``process`` on each file of a chunk, on its path (shared storage) or
    on the bytes sent along."""
    from .batch import process

    pipeline, kwargs = _dask_pipeline(options), settings.kwargs()
    return [(index, process(pipeline, job, data=data, **kwargs)) for index, job, data in chunk]


def run_dask(options: Options, work: Work, settings: Settings, *, scheduler: str | None, workers: int,
             shared_storage: bool = True) -> Results:
    """On a Dask cluster: the one at ``scheduler``, or a local cluster of ``workers`` processes.

    Shared storage: only paths travel; workers read inputs and write outputs themselves. Otherwise the
    input's bytes travel to the worker and the cleaned output (and report) come back to be written here.
    """
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise UsageError("--engine dask needs the dask extra: pip install 'duet-pipeline[dask]'") from None
    remote = settings if shared_storage else _contents_settings(settings)
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise UsageError(f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc})") from None
        cluster = None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster, timeout="30s")
    try:
        threads = max(1, sum(client.nthreads().values()))
        queue = chunks(work, threads)  # (a task costs the scheduler far more than a local one)
        window = threads * 2
        futures = as_completed()
        jobs_of: dict[str, dict[int, Job]] = {}

        def submit(chunk: list[tuple[int, Job]]) -> Results:
            """Send a chunk to the cluster; yields the files whose input cannot even be read here."""
            items = []
            for index, job in chunk:
                try:
                    items.append((index, job, None if shared_storage else _read(job)))
                except OSError as exc:
                    yield index, Outcome(job.source, ok=False, error=describe_os_error(exc))
            if items:
                fut = client.submit(dask_task, options, items, remote, pure=False)
                jobs_of[fut.key] = {index: job for index, job, _ in items}
                futures.add(fut)

        def fill() -> Results:
            for chunk in queue:
                yield from submit(chunk)
                if futures.count() >= window:
                    return

        yield from fill()
        while not futures.is_empty():
            fut = next(futures)
            jobs = jobs_of.pop(fut.key)
            try:
                results = fut.result()
            except Exception as exc:  # the task itself failed (its worker died each time it ran it)
                if len(jobs) > 1:  # the files again one by one, so that only the one to blame fails
                    for item in sorted(jobs.items()):
                        yield from submit([item])
                    continue
                (index, job), = jobs.items()
                results = [(index, Outcome(job.source, ok=False, error=f"the Dask task cleaning it failed "
                                           f"({type(exc).__name__}: {exc}); the other files were cleaned"))]
            for index, outcome in results:
                if not shared_storage:
                    outcome = _write_back(outcome, jobs[index], settings)
                yield index, outcome
            yield from fill()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _read(job: Job) -> bytes:
    with open_regular(job.source) as f:
        return f.read()


def _contents_settings(settings: Settings) -> Settings:
    """Workers without our disks: they return the output instead of writing it, and never stream."""
    from dataclasses import replace

    return replace(settings, out_dir=None, in_place=False, stream_above=None, report_copies=None)


def _write_back(outcome: Outcome, job: Job, settings: Settings) -> Outcome:
    """Write what a worker without shared storage sent back, as ``process`` would have."""
    if not outcome.ok or settings.check or outcome.output is None:
        return outcome
    data = outcome.output.encode("utf-8")
    try:
        if settings.in_place:
            if outcome.changes:
                write_atomic(Path(job.source), data)
            outcome.written = job.source
        elif settings.out_dir is not None:
            target = checked_output(settings.out_dir, output_path(settings.out_dir, job.rel, outcome.suffix), job.source)
            write_atomic(target, data)
            outcome.written = str(target)
        else:
            return outcome
    except OSError as exc:
        outcome.ok, outcome.error = False, f"cannot write: {describe_os_error(exc)}"
    except OutputError as exc:
        outcome.ok, outcome.error = False, str(exc)
    outcome.output = None
    return outcome
