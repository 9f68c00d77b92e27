import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
# What test modules build when they are collected (pipelines at module level: the spam rules' traditional
# spellings are kept in the cache folder) goes to a folder of this run, never the user's; each test then
# gets its own (``private_cache``).
os.environ["DUET_CACHE_DIR"] = _RUN_CACHE = tempfile.mkdtemp(prefix="duet-tests-")
atexit.register(shutil.rmtree, _RUN_CACHE, ignore_errors=True)
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "gov-report-2023.txt"

# CI runs the same examples every time (derandomize): a run never fails on a draw the last one did not
# make. The fuzz profile draws anew (--hypothesis-seed) and runs 25 times as many.
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def default_pipeline():
    from pipeline import Pipeline

    return Pipeline()


def duet_command() -> list[str]:
    """Run the CLI of the installed package with the interpreter running the tests."""
    return [sys.executable, "-m", "pipeline"]


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Models and the translation memory of every test live in its own folder, never the user's."""
    monkeypatch.setenv("DUET_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "DUET_ARGOS_INDEX", "HF_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "cache"


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    """Tiny CTranslate2 models (see tiny_ct2.py): Argos zh-en and en-zh, OPUS-MT en-zh with >>lang<<."""
    from tiny_ct2 import build_argos, build_opus_mt

    root = tmp_path_factory.mktemp("models")
    return {
        "argos-zh-en": build_argos(root / "argos-zh-en", "zh", "en"),
        "argos-en-zh": build_argos(root / "argos-en-zh", "en", "zh", seed=1),
        "opus-en-zh": build_opus_mt(root / "opus-en-zh", "en", "zh", target_tokens=("cmn_Hans", "eng", "jpn")),
        "opus-zh-en": build_opus_mt(root / "opus-zh-en", "zh", "en", seed=2),
    }


@pytest.fixture
def openai_endpoint(monkeypatch):
    """A local stand-in for an OpenAI-compatible endpoint (fake_openai.py), set as OPENAI_BASE_URL."""
    from fake_openai import FakeOpenAI

    with FakeOpenAI() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        yield server
