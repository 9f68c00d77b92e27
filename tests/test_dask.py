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
