"""A stand-in for an OpenAI-compatible chat endpoint, on 127.0.0.1, for the tests.

It records every request (path, headers, JSON body). By default it answers like a well-behaved model:
one translation per item id, in the target language, containing the glossary terms it was given; a test
can queue other answers (an HTTP status, a malformed body, wrong ids) with ``script``, make it slow
(``delay``: seconds before answering; ``drip``: seconds between the bytes of the answer), or make it
fail from some request on (``fail_after``: answer HTTP 503 to every request after that many).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def good_translation(text: str, item_id: str, target: str, glossary: list[dict]) -> str:
    """A deterministic 'translation' in the target's script, with the terms the source contains."""
    if target == "en":
        terms = [t["en"] for t in glossary if t["zh"] in text]
        return " ".join(["Translated sentence", item_id.strip("u"), *terms]).rstrip() + "."
    terms = [t["zh"] for t in glossary if t["en"].lower() in text.lower()]
    return "译文第" + "".join("〇一二三四五六七八九"[int(c)] for c in item_id.strip("u") if c.isdigit()) + "句" + "".join(terms) + "。"


def answer_for(request: dict, *, omit_terms: bool = False) -> dict:
    user = json.loads(request["messages"][1]["content"])  # the request; a retry adds messages after it
    glossary = [] if omit_terms else user.get("glossary", [])
    out = [{"id": item["id"], "text": good_translation(item["text"], item["id"], user["target_language"], glossary)}
           for item in user["items"]]
    return chat({"translations": out})


def chat(content) -> dict:
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    return {"id": "x", "object": "chat.completion", "choices": [
        {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]}


class FakeOpenAI:
    def __init__(self):
        self.requests: list[dict] = []
        self.script: list = []  # answers to give first: (status, body dict or str, headers) or a callable
        self.omit_terms = False
        self.delay = 0.0
        self.drip = 0.0
        self.fail_after: int | None = None
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                owner.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if owner.delay:
                    time.sleep(owner.delay)
                if owner.fail_after is not None and len(owner.requests) > owner.fail_after:
                    status, reply, headers = 503, {"error": "overloaded"}, {}
                elif owner.script:
                    step = owner.script.pop(0)
                    status, reply, headers = step(body) if callable(step) else step
                else:
                    status, reply, headers = 200, answer_for(body, omit_terms=owner.omit_terms), {}
                data = (reply if isinstance(reply, str) else json.dumps(reply, ensure_ascii=False)).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                if owner.drip:
                    for i in range(len(data)):
                        self.wfile.write(data[i:i + 1])
                        self.wfile.flush()
                        time.sleep(owner.drip)
                else:
                    self.wfile.write(data)

            def log_message(self, *args):  # keep the test output clean
                pass

            def handle(self):  # a client that gave up has closed the connection: not an error here
                try:
                    super().handle()
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True  # a handler still sleeping does not hold the test up
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
