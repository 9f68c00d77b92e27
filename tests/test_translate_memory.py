"""The translation memory: a hit never calls the backend; TMX export and import."""

import subprocess


from conftest import duet_command
from pipeline import Pipeline
from pipeline.translation.exchange import read_tmx
from pipeline.translation.memory import Entry, Memory, normalize

TEXT = "第一句。The second sentence.\n\n第三句。  第一句。"



def test_second_run_makes_no_backend_call_and_gives_the_same_output(openai_endpoint):
    first = Pipeline(translator="openai", model="m", to="en").clean(TEXT)
    calls = len(openai_endpoint.requests)
    assert calls == 1
    second = Pipeline(translator="openai", model="m", to="en").clean(TEXT)  # a new process would do the same
    assert len(openai_endpoint.requests) == calls
    assert second.text == first.text
    origins = [u["origin"] for u in second.stats["translation"]["units"] if u["lang"] == "zh"]
    assert origins == ["memory", "memory", "memory"]


def test_memory_is_keyed_by_model_and_direction(openai_endpoint):
    Pipeline(translator="openai", model="m", to="en").clean("第一句。")
    Pipeline(translator="openai", model="other", to="en").clean("第一句。")
    assert len(openai_endpoint.requests) == 2


def test_memory_can_be_switched_off(openai_endpoint, private_cache):
    Pipeline(translator="openai", model="m", to="en", disable=["translation-memory"]).clean("第一句。")
    Pipeline(translator="openai", model="m", to="en", disable=["translation-memory"]).clean("第一句。")
    assert len(openai_endpoint.requests) == 2
    assert not (private_cache / "memory.sqlite").exists()


def test_normalized_source_and_imported_pairs_first(tmp_path):
    m = Memory(tmp_path / "m.sqlite")
    m.store([Entry("ct2", "x", "zh", "en", "你好 。", "Hello.", "mt"),
             Entry("tmx", "", "zh", "en", "再见。", "Goodbye (approved).", "tmx"),
             Entry("ct2", "x", "zh", "en", "再见。", "Bye.", "mt")])
    assert normalize("  你好\n  。 ") == "你好 。"
    found = m.lookup("ct2", "x", "zh", "en", ["你好\t。", "再见。", "没有。"])
    assert found == {"你好 。": "Hello.", "再见。": "Goodbye (approved)."}
    assert m.lookup("ct2", "x", "en", "zh", ["你好 。"]) == {}


def test_tm_export_and_import_through_the_cli(openai_endpoint, tmp_path, private_cache):
    Pipeline(translator="openai", model="m", to="en").clean("第一句。第二句。")
    out = tmp_path / "mem.tmx"
    run = subprocess.run([*duet_command(), "tm", "export", str(out)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert sorted(read_tmx(out.read_bytes())) == [("第一句。", "Translated sentence 1."),
                                                 ("第二句。", "Translated sentence 2.")]
    # a fresh cache imports the pairs: the backend is not asked again, in either direction
    fresh = tmp_path / "fresh"
    env_run = subprocess.run([*duet_command(), "tm", "import", str(out)], capture_output=True, text=True,
                             timeout=60, env={**__import__("os").environ, "DUET_CACHE_DIR": str(fresh)})
    assert env_run.returncode == 0, env_run.stderr
    assert "2 pairs imported" in env_run.stdout
    memory = Memory(fresh / "memory.sqlite")
    assert memory.lookup("openai", "m", "zh", "en", ["第一句。"]) == {"第一句。": "Translated sentence 1."}
    assert memory.lookup("ct2", "any", "en", "zh", ["Translated sentence 2."]) == {
        "Translated sentence 2.": "第二句。"}


def test_tm_import_of_a_broken_file_is_a_usage_error(tmp_path):
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx><body><tu>", encoding="utf-8")
    run = subprocess.run([*duet_command(), "tm", "import", str(bad)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "bad.tmx: not a readable TMX file" in run.stderr
