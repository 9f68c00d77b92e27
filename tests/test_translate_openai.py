"""The openai backend against a local stand-in for an OpenAI-compatible endpoint (fake_openai.py)."""

import json

import pytest

from fake_openai import FakeOpenAI, chat
from pipeline import ConfigError, Pipeline
from pipeline.document import replay
from pipeline.glossary import load
from pipeline.report import report_line
from pipeline.translation.backends import TranslationError
from pipeline.translation.openai_compat import OpenAIBackend
from pipeline.translation.units import Unit

KEY = "sk-test-secret-0123456789"
GLOSSARY_TOML = '''
[[term]]
zh = "关工委"
en = "Working Committee for Caring for the Next Generation"
variants = ["Customs Work Committee"]
'''


@pytest.fixture
def server():
    with FakeOpenAI() as s:
        yield s


@pytest.fixture
def glossary(tmp_path):
    path = tmp_path / "g.toml"
    path.write_text(GLOSSARY_TOML, encoding="utf-8")
    return load([str(path)])


def units(*texts, lang="zh"):
    return [Unit(f"u{i + 1}", lang, t, 0, len(t), 0, "paragraph") for i, t in enumerate(texts)]


def backend(server, **kw):
    return OpenAIBackend("test-model", base_url=server.url, api_key=KEY, sleep=lambda s: None, **kw)


def test_request_shape_auth_header_and_ids(server, glossary):
    out = backend(server).translate(units("今天天气很好。", "关工委组织活动。"), "zh", "en", glossary)
    assert [t.text for t in out] == ["Translated sentence 1.",
                                     "Translated sentence 2 Working Committee for Caring for the Next Generation."]
    assert all(t.origin == "llm" for t in out)
    (req,) = server.requests
    assert req["path"] == "/v1/chat/completions"
    assert req["headers"]["Authorization"] == f"Bearer {KEY}"
    body = req["body"]
    assert body["model"] == "test-model" and body["temperature"] == 0
    assert body["response_format"]["type"] == "json_schema"
    sent = json.loads(body["messages"][1]["content"])
    assert [i["id"] for i in sent["items"]] == ["u1", "u2"]
    # the glossary goes with the request that contains its term
    assert sent["glossary"] == [{"zh": "关工委", "en": "Working Committee for Caring for the Next Generation"}]


def test_no_glossary_when_no_term_occurs(server, glossary):
    backend(server).translate(units("今天天气很好。"), "zh", "en", glossary)
    assert "glossary" not in json.loads(server.requests[0]["body"]["messages"][1]["content"])


def test_batches_of_units(server):
    out = backend(server, batch_size=2).translate(units(*[f"句子{i}。" for i in range(5)]), "zh", "en", load([]))
    assert len(out) == 5 and len(server.requests) == 3
    assert [t.text for t in out][4] == "Translated sentence 5."


def test_429_then_success_is_retried_with_backoff(server):
    waits = []
    server.script = [(429, {"error": "slow down"}, {"Retry-After": "0"}), (503, "busy", {})]
    b = OpenAIBackend("m", base_url=server.url, api_key=KEY, sleep=waits.append)
    out = b.translate(units("今天天气很好。"), "zh", "en", load([]))
    assert out[0].text == "Translated sentence 1."
    assert len(server.requests) == 3
    assert waits == [0.0, 2.0]  # Retry-After honoured, then the doubled backoff


def test_gives_up_after_the_retries_without_leaking_the_key(server):
    server.script = [(500, f"internal error, key {KEY}", {})] * 3
    with pytest.raises(TranslationError) as exc:
        backend(server, retries=2).translate(units("你好。"), "zh", "en", load([]))
    assert "gave up after 3 attempts" in str(exc.value)
    assert KEY not in str(exc.value) and "***" in str(exc.value)


def test_client_errors_are_not_retried(server):
    server.script = [(401, {"error": "bad key"}, {})]
    with pytest.raises(TranslationError, match="HTTP 401"):
        backend(server).translate(units("你好。"), "zh", "en", load([]))
    assert len(server.requests) == 1


def test_wrong_ids_are_retried_never_paired_by_position(server):
    swapped = chat({"translations": [{"id": "u9", "text": "A."}, {"id": "u1", "text": "B."}]})
    server.script = [(200, swapped, {})]
    out = backend(server).translate(units("第一句。", "第二句。"), "zh", "en", load([]))
    assert [t.text for t in out] == ["Translated sentence 1.", "Translated sentence 2."]
    assert len(server.requests) == 2
    retry = server.requests[1]["body"]["messages"]
    assert retry[-1]["role"] == "user" and "not usable" in retry[-1]["content"]


@pytest.mark.parametrize("bad", [
    chat("Sure! Here are your translations: ..."),  # not JSON
    chat({"translations": [{"id": "u1", "text": "Only one."}]}),  # an id missing
    chat({"translations": [{"id": "u1", "text": "A."}, {"id": "u1", "text": "B."}]}),  # an id twice
    {"choices": []},  # not a chat completion
])
def test_malformed_answers_twice_fail_the_document(server, bad):
    server.script = [(200, bad, {}), (200, bad, {})]
    with pytest.raises(TranslationError):
        backend(server).translate(units("第一句。", "第二句。"), "zh", "en", load([]))


def test_missing_term_is_asked_again_with_the_requirement(server, glossary):
    server.omit_terms = True  # the model ignores the glossary the first time
    server.script = [lambda body: (200, chat({"translations": [
        {"id": "u1", "text": "The Customs Work Committee met."}]}), {})]
    out = backend(server).translate(units("关工委召开会议。"), "zh", "en", glossary)
    assert len(server.requests) == 2
    sent = json.loads(server.requests[1]["body"]["messages"][1]["content"])
    assert sent["requirements"] == {"u1": {"must_contain": ["Working Committee for Caring for the Next Generation"]}}
    assert [i["id"] for i in sent["items"]] == ["u1"]
    assert out[0].text == "Translated sentence 1."  # the second answer, still without the term


def test_stage_flags_a_translation_that_misses_a_term(server, glossary, monkeypatch, tmp_path):
    server.omit_terms = True
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    path = tmp_path / "g.toml"
    path.write_text(GLOSSARY_TOML, encoding="utf-8")
    doc = Pipeline(translator="openai", model="m", to="en", terms=[str(path)]).clean("关工委召开会议。")
    (flag,) = [f for f in doc.flags if f.rule == "missing-term"]
    assert "Working Committee for Caring" in flag.message
    assert doc.text[flag.start:flag.end] == doc.stats["translation"]["units"][0]["target"]


def test_stage_with_the_endpoint_replay_and_idempotence(server, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    text = "第一句。The second sentence.\n\n第三句。"
    p = Pipeline(translator="openai", model="m", to="en")
    doc = p.clean(text)
    assert doc.text == "Translated sentence 1. The second sentence.\n\nTranslated sentence 3."
    assert replay(text, doc.changes) == doc.text
    assert KEY not in report_line(doc, "-")
    assert p.clean(doc.text).changes == []


def test_configuration_errors():
    with pytest.raises(ConfigError, match="needs --model"):
        OpenAIBackend(None)
    with pytest.raises(ConfigError, match="http"):
        OpenAIBackend("m", base_url="ftp://x")
    assert KEY not in repr(OpenAIBackend("m", base_url="http://127.0.0.1:9/v1", api_key=KEY))


def test_earlier_stages_flag_the_translated_text_once(server, monkeypatch):
    # The earlier stages run again over the text with its translations in place: a flag of theirs on
    # text the translation left as it was (an English number read as ``A.B万``) is there once, not once
    # per run; one on text that was translated away is gone.
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    text = "It reached 3.40,000 people.\n\n关工委召开会议。"
    flags = [(f.stage, f.rule, f.start, f.end) for f in Pipeline(translator="openai", model="m", to="en").clean(text).flags]
    assert flags == [("numbers", "wan-separator", 11, 19)]
    assert [f.rule for f in Pipeline(translator="openai", model="m", to="zh").clean(text).flags] == []
