"""--engine dask: the same per-file function on a Dask cluster, the same results as a local run.
The cluster lives in this process (threads), so that the tests stay short."""

import pytest

from test_batch import corpus, run, tree  # noqa: F401 (corpus is a fixture)

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler():
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                       dashboard_address=None)
    yield cluster.scheduler_address
    cluster.close()


@pytest.mark.parametrize("shared_storage", [True, False])
def test_a_dask_cluster_writes_what_a_local_run_writes(corpus, tmp_path, scheduler, shared_storage):  # noqa: F811
    local = run(corpus, output=tmp_path / "local", report=tmp_path / "local.jsonl", jobs=1)
    remote = run(corpus, output=tmp_path / "dask", report=tmp_path / "dask.jsonl", engine="dask",
                 scheduler=scheduler, shared_storage=shared_storage)
    assert remote[0] == local[0] == 3  # broken.txt fails on the cluster too, the others are written
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert "broken.txt: binary data" in remote[2] and "(dask, " in remote[2]
    again = run(corpus, output=tmp_path / "dask", report=tmp_path / "dask.jsonl", engine="dask",
                scheduler=scheduler, shared_storage=shared_storage)
    assert "8 skipped" in again[2]  # the manifest works the same whatever the engine


def test_check_on_a_dask_cluster_prints_the_same_findings(corpus, scheduler):  # noqa: F811
    assert run(corpus, check=True, engine="dask", scheduler=scheduler)[:2] == run(corpus, check=True, jobs=1)[:2]


def test_a_scheduler_without_the_dask_engine_is_a_usage_error(corpus):  # noqa: F811
    code, _, err = run(corpus, check=True, scheduler="tcp://127.0.0.1:8786")
    assert code == 2 and "--engine dask" in err


@pytest.mark.parametrize("shared_storage", [True, False])
def test_many_files_go_to_the_cluster_a_few_at_a_time_with_the_same_results(tmp_path, scheduler, shared_storage,
                                                                            monkeypatch):
    import pipeline.engines as engines
    from conftest import SEED

    src = tmp_path / "in"
    src.mkdir()
    paragraphs = SEED.read_text(encoding="utf-8").split("\n\n")
    for i in range(40):
        (src / f"doc{i:02d}.txt").write_text("\n\n".join(paragraphs[i % 7 :: 5]), encoding="utf-8")
    sizes, chunks = [], engines.chunks

    def recorded(work, workers):
        for chunk in chunks(work, workers):
            sizes.append(len(chunk))
            yield chunk

    monkeypatch.setattr(engines, "chunks", recorded)
    local = run(src, output=tmp_path / "local", report=tmp_path / "local.jsonl", jobs=1)
    remote = run(src, output=tmp_path / "dask", report=tmp_path / "dask.jsonl", engine="dask",
                 scheduler=scheduler, shared_storage=shared_storage)
    assert remote[0] == local[0] == 0
    assert sum(sizes) == 40 and max(sizes) > 1  # (the cluster has two threads: five files to a task first)
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()


def test_a_task_that_fails_on_the_cluster_fails_only_its_file(tmp_path, scheduler, monkeypatch):
    """A task the cluster cannot finish (its worker died each time: Dask's KilledWorker) is sent again file by
    file: only the file to blame fails, with a reason, and the batch goes on."""
    import pipeline.engines as engines

    src = tmp_path / "in"
    src.mkdir()
    for i in range(30):
        (src / f"doc{i:02d}.txt").write_text(f"第{i}号文件,各方面工作。\n", encoding="utf-8")
    real = engines.dask_task

    def dies_on_doc07(options, chunk, settings):
        if any(job.rel == "doc07.txt" for _, job, _ in chunk):
            raise RuntimeError("worker killed")
        return real(options, chunk, settings)

    monkeypatch.setattr(engines, "dask_task", dies_on_doc07)
    from pipeline.files import discover

    sent = [c for c in engines.chunks(enumerate(discover([str(src)])[0]), 2)
            if any(job.rel == "doc07.txt" for _, job in c)]
    assert len(sent[0]) == 3  # doc07.txt goes with two others first
    code, _, err = run(src, output=tmp_path / "out", engine="dask", scheduler=scheduler)
    assert code == 3
    assert "doc07.txt: the Dask task cleaning it failed (RuntimeError: worker killed)" in err
    assert "30 files: 29 cleaned, 1 failed" in err
    assert len(tree(tmp_path / "out")) == 29
