"""The ct2 backend on tiny CTranslate2 models (tiny_ct2.py): loading both folder layouts, batching,
order, determinism, the >>lang<< token, and the stage around it. The models' output is noise in the
target's script: these tests check plumbing, not wording."""

import json
import subprocess

import pytest
import regex

from conftest import duet_command
from pipeline import ConfigError, Pipeline
from pipeline.document import replay
from pipeline.glossary import Glossary
from pipeline.translation.ct2 import Ct2Backend, find_model, target_token
from pipeline.translation.models import resolve_model
from pipeline.translation.units import Unit

SENTENCES = ["今天天气很好。", "关工委组织五老参加活动。", "教育青少年是重要的工作。", "坚持以服务青少年成长为主线。"]


def make_units(texts, lang="zh"):
    return [Unit(f"u{i + 1}", lang, t, 0, len(t), 0, "paragraph") for i, t in enumerate(texts)]


@pytest.mark.parametrize("layout", ["argos-zh-en", "opus-zh-en"])
def test_ct2_both_layouts_one_output_per_unit_in_order(tiny_models, layout):
    folder = find_model(tiny_models[layout])
    assert folder.layout == {"argos-zh-en": "argos", "opus-zh-en": "opus-mt"}[layout]
    backend = Ct2Backend(folder, "en", beam_size=2)
    units = make_units(SENTENCES)
    out = backend.translate(units, "zh", "en", Glossary())
    assert len(out) == len(units) and all(t.origin == "mt" and t.text for t in out)
    # order: each unit alone gives what it gave in the batch
    alone = [backend.translate([u], "zh", "en", Glossary())[0].text for u in units]
    assert [t.text for t in out] == alone
    # reversed input, reversed output
    back = backend.translate(units[::-1], "zh", "en", Glossary())
    assert [t.text for t in back] == [t.text for t in out][::-1]
    # the target vocabulary of these models is Latin only: the output is in the target's script
    assert not any(regex.search(r"\p{Han}", t.text) for t in out)


def test_ct2_is_deterministic_and_handles_empty_batches(tiny_models):
    folder = find_model(tiny_models["argos-zh-en"])
    a = Ct2Backend(folder, "en").translate(make_units(SENTENCES), "zh", "en", Glossary())
    b = Ct2Backend(folder, "en").translate(make_units(SENTENCES), "zh", "en", Glossary())
    assert a == b
    assert Ct2Backend(folder, "en").translate([], "zh", "en", Glossary()) == []


def test_ct2_batches_larger_than_the_batch_size(tiny_models):
    backend = Ct2Backend(find_model(tiny_models["opus-zh-en"]), "en", beam_size=1)
    units = make_units([SENTENCES[i % 4] for i in range(70)])  # more than MAX_BATCH_SIZE (32)
    out = backend.translate(units, "zh", "en", Glossary())
    assert len(out) == 70
    assert [t.text for t in out[:4]] == [t.text for t in out[4:8]]


def test_ct2_multi_target_model_gets_the_lang_token(tiny_models):
    folder = find_model(tiny_models["opus-en-zh"])
    assert target_token(folder.model, "zh") == ">>cmn_Hans<<"
    assert target_token(folder.model, "en") == ">>eng<<"
    assert target_token(find_model(tiny_models["argos-zh-en"]).model, "en") is None
    backend = Ct2Backend(folder, "zh")
    assert backend.prefix == ">>cmn_Hans<<"
    out = backend.translate(make_units(["The weather is good today."], "en"), "en", "zh", Glossary())
    assert len(out) == 1 and ">>" not in out[0].text


def test_ct2_folder_errors_say_what_is_missing(tmp_path, tiny_models):
    with pytest.raises(ConfigError, match="not a model folder"):
        find_model(tmp_path)
    (tmp_path / "model.bin").write_bytes(b"x")
    with pytest.raises(ConfigError, match="needs source.spm and target.spm"):
        find_model(tmp_path)
    with pytest.raises(ConfigError, match="translates zh-en, and no en-zh model is installed"):
        resolve_model(str(tiny_models["argos-zh-en"]), "en", "zh")
    with pytest.raises(ConfigError, match="duet models install zh-en"):
        resolve_model(None, "zh", "en")


def test_ct2_stage_puts_translations_in_place_and_keeps_the_laws(tiny_models):
    text = "关工委组织五老参加活动。The committee organised events.\n\n教育青少年是重要的工作。"
    p = Pipeline(translator="ct2", model=str(tiny_models["argos-zh-en"]), to="en")
    doc = p.clean(text)
    assert replay(text, doc.changes) == doc.text
    assert not regex.search(r"\p{Han}", doc.text)
    assert "The committee organised events." in doc.text
    moved = [c for c in doc.changes if c.stage == "translate"]
    assert [c.before for c in moved] == ["关工委组织五老参加活动。", "教育青少年是重要的工作。"]
    units = doc.stats["translation"]["units"]
    assert [(u["id"], u["lang"], u["origin"]) for u in units] == [("u1", "zh", "mt"), ("u2", "en", None),
                                                                   ("u3", "zh", "mt")]
    for u in units:  # a unit's span holds what is in the output: the translation where it was placed
        assert doc.text[u["start"]:u["end"]] == (u["target"] if u["lang"] == "zh" else u["text"])
    # idempotence: the output is all English, a second run translates nothing and changes nothing
    again = p.clean(doc.text)
    assert again.changes == [] and again.text == doc.text


def test_ct2_cli_beam_size_and_report(tmp_path, tiny_models):
    src = tmp_path / "in.txt"
    src.write_text("今天天气很好。\n", encoding="utf-8")
    report = tmp_path / "r.jsonl"
    run = subprocess.run([*duet_command(), "clean", "--translator", "ct2", "--model", str(tiny_models["opus-zh-en"]),
                          "--to", "en", "--beam-size", "1", "--report", str(report), str(src)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    obj = json.loads(report.read_text("utf-8"))
    assert obj["stats"]["translation"]["translated_by_origin"] == {"mt": 1}
    assert replay(src.read_text("utf-8"), obj["changes"]) == run.stdout
