"""Translation backends under faults (the local stand-in of tests/fake_openai.py): every network call
has a time limit, retries are bounded, a backend that fails part way leaves what it translated in the
memory and in the output and marks the rest untranslated, and the API key appears nowhere."""

import ast
import io
import json
import time
from pathlib import Path

import pytest

from pipeline import Pipeline
from pipeline.batch import process
from pipeline.commands import Request, clean_command
from pipeline.files import Job
from pipeline.glossary import load
from pipeline.translation import openai_compat
from pipeline.translation.backends import TranslationError
from pipeline.translation.memory import open_memory
from pipeline.translation.openai_compat import OpenAIBackend
from test_translate_openai import server, units  # noqa: F401 (a fixture)

KEY = "sk-live-do-not-print-0123456789abcdef"
# Twenty Chinese sentences: two requests of 16 units and 4.
SENTENCES = [f"第{n}句话讲的是关心下一代工作的进展情况。" for n in "一二三四五六七八九十"] + \
            [f"第十{n}句话讲的是青少年教育工作的新成果。" for n in "一二三四五六七八九"] + ["第二十句话是最后一句。"]
TEXT = "".join(SENTENCES) + "\n"


@pytest.fixture
def fast(monkeypatch):
    """Retries without waiting (the backoff is tested in test_translate_openai.py)."""
    monkeypatch.setattr(openai_compat, "BACKOFF", 0.0)


def backend(server, **kw):
    return OpenAIBackend("m", base_url=server.url, api_key=KEY, sleep=lambda s: None, **kw)


# -- time limits and retries ---------------------------------------------------------------------------


def test_an_endpoint_that_never_answers_times_out_and_the_retries_are_bounded(server):
    server.delay = 3.0
    started = time.monotonic()
    with pytest.raises(TranslationError, match="gave up after 3 attempts") as exc:
        backend(server, timeout=0.3, retries=2).translate(units("你好。"), "zh", "en", load([]))
    assert time.monotonic() - started < 2.5
    assert len(server.requests) == 3
    assert KEY not in str(exc.value)


def test_an_answer_trickled_byte_by_byte_is_cut_at_the_deadline(server):
    """Each read gets a byte in time, so only a deadline on the whole request stops it."""
    server.drip = 0.02  # a ~300-byte answer would take 6 s
    started = time.monotonic()
    with pytest.raises(TranslationError, match="gave up after 1 attempt"):
        backend(server, timeout=0.6, retries=0).translate(units("你好。"), "zh", "en", load([]))
    assert time.monotonic() - started < 2.5


def test_a_refused_connection_is_retried_then_reported(monkeypatch):
    b = OpenAIBackend("m", base_url="http://127.0.0.1:9/v1", api_key=KEY, sleep=lambda s: None, retries=1,
                      timeout=2)
    with pytest.raises(TranslationError, match="gave up after 2 attempts"):
        b.translate(units("你好。"), "zh", "en", load([]))
    assert b.requests == 2


def test_after_giving_up_the_next_requests_try_once_until_one_succeeds(server):
    server.fail_after = 0  # every request is answered 503
    b = backend(server, retries=3)
    with pytest.raises(TranslationError, match="gave up after 4 attempts"):
        b.translate(units("第一句。"), "zh", "en", load([]))
    with pytest.raises(TranslationError, match="gave up after 1 attempt"):
        b.translate(units("第二句。"), "zh", "en", load([]))
    assert len(server.requests) == 5
    server.fail_after = None  # back up: one attempt succeeds, and retries are back
    assert b.translate(units("第三句。"), "zh", "en", load([]))[0].text == "Translated sentence 1."
    assert not b.failing


def test_every_network_call_in_the_package_has_a_timeout():
    """Static check: each urlopen / create_connection / Client(...) call passes ``timeout=``."""
    root = Path(__file__).resolve().parent.parent / "pipeline"
    calls = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in ("urlopen", "create_connection", "HTTPConnection", "HTTPSConnection", "Client"):
                    calls.append((path.name, node.lineno, any(k.arg == "timeout" for k in node.keywords)))
    assert len(calls) >= 4  # openai (1), models (2), dask (1)
    assert all(has for _, _, has in calls), [c for c in calls if not c[2]]


# -- a failure part way through ------------------------------------------------------------------------


def test_a_backend_failing_midway_keeps_what_it_translated_and_marks_the_rest(server, fast, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    server.fail_after = 1  # the first request (16 units) is answered, then the endpoint goes down
    pipeline = Pipeline(translator="openai", model="m", to="en")
    out = process(pipeline, Job("doc.txt", "doc.txt"), data=TEXT.encode(), out_dir=tmp_path / "out")
    assert out.ok and out.written  # the output is written ...
    assert out.incomplete.startswith("translation incomplete: 4 of 20 units left untranslated")  # ... and says so
    assert KEY not in out.incomplete
    written = (tmp_path / "out" / "doc.txt").read_text(encoding="utf-8")
    assert written.count("Translated sentence") == 16  # translated units are in place
    for sentence in SENTENCES[16:]:
        assert sentence in written  # the rest stays in Chinese: never a wrong or empty translation
    report = json.loads(out.report)
    flagged = [f for f in report["flags"] if f["rule"] == "untranslated"]
    assert len(flagged) == 4 and all("the backend failed" in f["message"] for f in flagged)
    assert KEY not in out.report
    memory = open_memory()
    try:
        remembered = list(memory.entries())
    finally:
        memory.close()
    assert len(remembered) == 16  # the work done is kept
    # The endpoint is back: the 16 come from the memory, only the 4 others are asked for.
    server.fail_after = None
    asked_before = len(server.requests)
    again = process(Pipeline(translator="openai", model="m", to="en"), Job("doc.txt", "doc.txt"),
                    data=TEXT.encode(), out_dir=tmp_path / "out")
    assert again.ok and not again.incomplete
    sent = json.loads(server.requests[asked_before]["body"]["messages"][1]["content"])["items"]
    assert len(server.requests) == asked_before + 1 and len(sent) == 4
    origins = [u["origin"] for u in json.loads(again.report)["stats"]["translation"]["units"]]
    assert origins.count("memory") == 16 and origins.count("llm") == 4


def test_in_a_batch_the_incomplete_file_fails_is_not_recorded_and_is_redone(server, fast, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("English only, nothing to translate.\n", encoding="utf-8")
    (src / "b.txt").write_text(TEXT, encoding="utf-8")
    server.fail_after = 1

    def run():
        err = io.StringIO()
        req = Request([str(src)], cli_options={"output": str(tmp_path / "out"), "translator": "openai",
                                                "model": "m", "to": "en", "jobs": 1,
                                                "report": str(tmp_path / "r.jsonl")}, no_config=True)
        return clean_command(req, stdout=io.StringIO(), stderr=err), err.getvalue()

    code, err = run()
    assert code == 3
    assert "b.txt: translation incomplete: 4 of 20 units left untranslated" in err
    assert "1 cleaned, 1 failed" in err
    assert KEY not in err and KEY not in (tmp_path / "r.jsonl").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "b.txt").exists()
    server.fail_after = None
    code, err = run()
    assert code == 0, err
    assert "1 cleaned, 1 skipped" in err  # a.txt was recorded, b.txt was not: it is cleaned again


# -- the key -------------------------------------------------------------------------------------------


def test_the_key_never_appears_in_messages_reports_or_outputs(server, fast, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_BASE_URL", server.url + f"?api_key={KEY}")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    echo = f'{{"error": "invalid request from key {KEY}", "headers": {{"Authorization": "Bearer {KEY}"}}}}'
    server.script = [(400, echo, {})]
    (tmp_path / "in.txt").write_text("第一句。\n", encoding="utf-8")
    err, out = io.StringIO(), io.StringIO()
    req = Request([str(tmp_path / "in.txt")], cli_options={"output": str(tmp_path / "out"), "translator": "openai",
                                                           "model": "m", "to": "en",
                                                           "report": str(tmp_path / "r.jsonl")}, no_config=True)
    code = clean_command(req, stdout=out, stderr=err)
    assert code == 3
    assert "HTTP 400" in err.getvalue() and "***" in err.getvalue()
    everything = err.getvalue() + out.getvalue() + "".join(
        p.read_text(encoding="utf-8") for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".txt", ".jsonl"))
    assert KEY not in everything
    assert server.requests[0]["headers"]["Authorization"] == f"Bearer {KEY}"  # it was sent, in the header only


def test_an_unexpected_error_carrying_the_key_is_redacted(server, monkeypatch):
    """A bug that puts the key into an exception message: the file fails, the message is scrubbed."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)

    def broken(self, request):
        raise RuntimeError(f"unexpected: headers were {request.headers}")

    monkeypatch.setattr(OpenAIBackend, "_exchange", broken)
    out = process(Pipeline(translator="openai", model="m", to="en"), Job("-", "x.txt"), data="第一句。".encode())
    assert not out.ok and out.error.startswith("internal error (please report it): RuntimeError")
    assert KEY not in out.error and "***" in out.error
