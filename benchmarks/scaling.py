"""Batches: 120 files with --jobs 1 and --jobs 2, a rerun with nothing changed, Dask against local.

    .venv/bin/python benchmarks/scaling.py                 # everything (needs the dask extra for the last)
    .venv/bin/python benchmarks/scaling.py --files 120 --runs 3 --no-dask
    .venv/bin/python benchmarks/scaling.py --repeat 10 --no-dask   # 120 files of 400 KB

Each figure is the best of ``--runs`` runs of the real command line (a new process each time, as a user
runs it), wall time. Parallel figures need idle cores: on a shared machine they come out low. The
speed-up of --jobs 2 is also given round by round (each round runs both, one after the other): its
median is the figure to quote on a machine whose speed drifts.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import make_corpus

DUET = [sys.executable, "-m", "pipeline"]


CPU: list[float] = []  # CPU seconds (user + system, all processes) of each timed run


def timed(args: list[str]) -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    r = subprocess.run([*DUET, *args], capture_output=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime)
    if r.returncode != 0:
        raise SystemExit(f"duet {' '.join(args)} failed: {r.stderr.decode()[-500:]}")
    return elapsed


def best(runs: int, args: list[str], before=None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        times.append(timed(args))
    return min(times)


def paired(runs: int, common: list[str], fresh) -> tuple[list[float], list[float], list[float], list[float]]:
    """``runs`` rounds of --jobs 1 and --jobs 2 back to back (which goes first alternates): on a shared
    machine the speed of the cores drifts, and the two figures of one round see the same drift."""
    times: dict[str, list[float]] = {"1": [], "2": []}
    cpu: dict[str, list[float]] = {"1": [], "2": []}
    for n in range(runs):
        for jobs in ("1", "2") if n % 2 == 0 else ("2", "1"):
            fresh()
            times[jobs].append(timed(["clean", *common, "--jobs", jobs]))
            cpu[jobs].append(CPU[-1])
    return times["1"], times["2"], cpu["1"], cpu["2"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=120)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=1, help="each file is the seed's size times this")
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="duet-bench-"))
    try:
        src = work / "in"
        total = make_corpus(src, args.files, args.repeat)
        out = work / "out"
        mb = total / 1e6
        print(f"{args.files} files, {mb:.1f} MB (cut from the seed); best of {args.runs}, wall time")

        def fresh():
            shutil.rmtree(out, ignore_errors=True)

        common = [str(src), "-o", str(out), "--report", str(work / "r.jsonl"), "--quiet"]
        one, two, cpu1, cpu2 = paired(args.runs, common, fresh)
        t1, t2, c1, c2 = min(one), min(two), min(cpu1), min(cpu2)
        print(f"--jobs 1:                     {t1:6.2f} s  {mb / t1:6.2f} MB/s  (CPU {c1:.2f} s)")
        print(f"--jobs 2:                     {t2:6.2f} s  {mb / t2:6.2f} MB/s  speed-up {t1 / t2:.2f}x  "
              f"(CPU {c2:.2f} s: the work added by the workers is {c2 - c1:+.2f} s)")
        ratios = sorted(a / b for a, b in zip(one, two))
        print(f"  speed-up of each round:     median {statistics.median(ratios):.2f}x, "
              f"{ratios[0]:.2f}-{ratios[-1]:.2f}x over {len(ratios)} rounds")
        fresh()
        timed(["clean", *common, "--jobs", "2"])
        tr = best(args.runs, ["clean", *common, "--jobs", "2"])
        first = min(t1, t2)
        print(f"rerun, nothing changed:       {tr:6.2f} s  {first / tr:6.1f}x faster than the first run "
              f"(the faster of the two above)")
        if not args.no_dask:
            td = best(args.runs, ["clean", *common, "--jobs", "2", "--engine", "dask"], fresh)
            print(f"--engine dask (local cluster, 2 workers, started by the command): {td:6.2f} s "
                  f"({t2 / td:.2f}x the local engine)")
            td = _dask_on_a_running_cluster(args.runs, common, fresh)
            print(f"--engine dask --scheduler (a cluster already running, 2 workers):  {td:6.2f} s "
                  f"({t2 / td:.2f}x the local engine)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _dask_on_a_running_cluster(runs: int, common: list[str], fresh) -> float:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        args = ["clean", *common, "--engine", "dask", "--scheduler", cluster.scheduler_address]
        fresh()
        timed(args)  # warm up: the workers import duet and build their pipelines on the first task
        return best(runs, args, fresh)


if __name__ == "__main__":
    main()
