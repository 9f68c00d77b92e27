"""The ``openai`` backend: any OpenAI-compatible chat endpoint (vLLM, llama.cpp server, Ollama, hosted
APIs), configured by ``OPENAI_BASE_URL``, ``OPENAI_API_KEY`` and ``--model``.

Several units go in one request, each with its id; the answer must carry exactly the same ids, else the
request is retried once and then the document fails: a translation is never paired by position.
Temperature 0; 429 and 5xx answers (and network errors) are retried with exponential backoff, honouring
``Retry-After``. The glossary terms a batch contains go with it; a translation that misses one is asked
for again once, with the requirement stated. The API key is sent in the ``Authorization`` header only and
never appears in a message, a log or a report.
"""

from __future__ import annotations

import http.client
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Sequence

from ..glossary import Glossary
from ..rules import ConfigError
from .backends import Translation, TranslationError, check_terms, required_terms, valid_text
from .units import Unit

DEFAULT_BASE_URL = "https://api.openai.com/v1"
BATCH_SIZE = 16  # units per request
TIMEOUT = 120.0  # seconds per request: the socket's limit for each operation, and the whole request's
MAX_RESPONSE = 16 << 20  # bytes: a chat completion for 16 units is far smaller
RETRIES = 4  # extra attempts after a 429, a 5xx or a network error
BACKOFF = 1.0  # seconds, doubled at each attempt
MAX_WAIT = 30.0
LANGUAGE_NAMES = {"zh": "Simplified Chinese", "en": "English"}

SCHEMA = {
    "name": "translations",
    "strict": True,
    "schema": {
        "type": "object",
        "properties": {"translations": {"type": "array", "items": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "text": {"type": "string"}},
            "required": ["id", "text"], "additionalProperties": False}}},
        "required": ["translations"], "additionalProperties": False,
    },
}


class Malformed(Exception):
    """The answer cannot be paired with the request."""


class OpenAIBackend:
    name = "openai"

    def __init__(self, model: str | None, *, base_url: str | None = None, api_key: str | None = None,
                 batch_size: int | None = None, timeout: float | None = None, retries: int | None = None,
                 backoff: float | None = None, sleep: Callable[[float], None] | None = None):
        if not model:
            raise ConfigError("--translator openai needs --model NAME (the model the endpoint serves)")
        self.model_id = model
        base = (base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
            raise ConfigError(f"OPENAI_BASE_URL must be an http(s) URL, not {_public_url(base)!r}")
        self.url = base + "/chat/completions"
        self._key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY", "")
        # Unset: the module's values, read now (so that a test or an embedding program can change them).
        self.batch_size = max(1, BATCH_SIZE if batch_size is None else batch_size)
        self.timeout = TIMEOUT if timeout is None else timeout
        self.retries = max(0, RETRIES if retries is None else retries)
        self.backoff = BACKOFF if backoff is None else backoff
        self.sleep = sleep or time.sleep
        self.requests = 0  # HTTP requests sent (for tests and stats)
        # After a request gave up (the endpoint is down), later ones try once, without retries and
        # waits, until one succeeds: a dead endpoint costs a batch one attempt per document, not minutes.
        self.failing = False

    def __repr__(self) -> str:  # never shows the key
        return f"OpenAIBackend(model={self.model_id!r}, url={_public_url(self.url)!r})"

    def translate(self, units: Sequence[Unit], source: str, target: str,
                  glossary: Glossary) -> list[Translation]:
        out: list[Translation] = []
        for i in range(0, len(units), self.batch_size):
            try:
                out.extend(self._batch(units[i : i + self.batch_size], source, target, glossary))
            except TranslationError as exc:  # the batches already answered are kept
                raise TranslationError(str(exc), [*out, *[None] * (len(units) - len(out))]) from None
        return out

    # -- one batch -------------------------------------------------------------------------------

    def _batch(self, units: Sequence[Unit], source: str, target: str, glossary: Glossary) -> list[Translation]:
        ids = [u.id for u in units]
        if len(set(ids)) != len(ids):  # ids must name one unit each
            ids = [str(i + 1) for i in range(len(units))]
        items = [{"id": i, "text": u.text} for i, u in zip(ids, units)]
        terms = _terms_for([u.text for u in units], source, glossary)
        texts = self._ask(items, source, target, terms, {})
        missing = check_terms([u.text for u in units], [texts[i] for i in ids], source, target, glossary)
        requirements = {i: list(m) for i, m in zip(ids, missing) if m}
        if requirements:  # once more, for the units that miss a term, with the requirement stated
            again = [item for item in items if item["id"] in requirements]
            texts.update(self._ask(again, source, target, terms, requirements))
        return [Translation(texts[i], "llm") for i in ids]

    def _ask(self, items: list[dict], source: str, target: str, terms: list[dict],
             requirements: dict[str, list[str]]) -> dict[str, str]:
        messages = build_messages(items, source, target, terms, requirements)
        wanted = [item["id"] for item in items]
        for attempt in (1, 2):
            content = self._complete(messages)
            try:
                return parse_answer(content, wanted)
            except Malformed as exc:
                problem = str(exc)
                if attempt == 1:
                    messages = [*messages, {"role": "assistant", "content": content[:2000]},
                                {"role": "user", "content": f"That answer was not usable ({problem}). Answer "
                                 "again with JSON only, one entry for each id you were given."}]
        raise TranslationError(self._scrub(f"openai: {_public_url(self.url)}: the answer could not be paired "
                                           f"with the units twice ({problem})"))

    # -- HTTP ------------------------------------------------------------------------------------

    def _complete(self, messages: list[dict]) -> str:
        payload = {"model": self.model_id, "temperature": 0, "messages": messages,
                   "response_format": {"type": "json_schema", "json_schema": SCHEMA}}
        body = self._post(payload)
        try:
            return body["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise TranslationError(self._scrub(f"openai: {_public_url(self.url)}: unexpected response "
                                               f"shape: {json.dumps(body)[:200]}")) from None

    def _post(self, payload: dict) -> Any:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        wait = self.backoff
        attempts = 1 if self.failing else self.retries + 1
        for attempt in range(attempts):
            request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
            self.requests += 1
            retry_after = None
            try:
                raw = self._exchange(request)
                self.failing = False
                try:
                    return json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    problem = f"not JSON: {raw[:200]!r}"
                    raise TranslationError(self._scrub(f"openai: {_public_url(self.url)}: {problem}")) from None
            except urllib.error.HTTPError as exc:
                detail = _read_some(exc, 300).decode("utf-8", "replace")
                problem = f"HTTP {exc.code}: {detail}"
                if exc.code != 429 and exc.code < 500:
                    raise TranslationError(self._scrub(f"openai: {_public_url(self.url)}: {problem}")) from None
                retry_after = _seconds(exc.headers.get("Retry-After"))
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                # refused, reset, timed out, TLS, a broken or truncated HTTP answer: all worth a retry
                problem = f"{getattr(exc, 'reason', None) or exc or type(exc).__name__}"
            if attempt < attempts - 1:
                self.sleep(min(MAX_WAIT, retry_after if retry_after is not None else wait))
                wait *= 2
        self.failing = True
        raise TranslationError(self._scrub(f"openai: {_public_url(self.url)}: gave up after "
                                           f"{attempts} attempt{'s' if attempts != 1 else ''}: {problem}"))

    def _exchange(self, request: urllib.request.Request) -> bytes:
        """Send one request and read the answer within ``timeout`` seconds in all: the socket's timeout
        bounds each read, and reading stops once the whole request has taken longer (a server that
        trickles its answer a byte at a time never times out a single read)."""
        deadline = time.monotonic() + self.timeout
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no complete answer within {self.timeout:g} s")
                chunk = response.read1(1 << 16)
                if not chunk:
                    return b"".join(chunks)
                size += len(chunk)
                if size > MAX_RESPONSE:
                    raise TranslationError(self._scrub(f"openai: {_public_url(self.url)}: answer larger than "
                                                       f"{MAX_RESPONSE >> 20} MB"))
                chunks.append(chunk)

    def _scrub(self, message: str) -> str:
        return message.replace(self._key, "***") if self._key else message


def build_messages(items: list[dict], source: str, target: str, terms: list[dict],
                   requirements: dict[str, list[str]]) -> list[dict]:
    src, tgt = LANGUAGE_NAMES[source], LANGUAGE_NAMES[target]
    system = (f"You translate {src} into {tgt} for a bilingual publication. Translate each item's text "
              f"faithfully and completely into {tgt}, keeping numbers, names and 《》 titles, with the "
              f"punctuation of {tgt}. Answer with JSON only: "
              '{"translations": [{"id": "...", "text": "..."}]}, exactly one entry for each id given.')
    if terms:
        system += " Use the glossary's translations of its terms exactly."
    request: dict[str, Any] = {"source_language": source, "target_language": target, "items": items}
    if terms:
        request["glossary"] = terms
    if requirements:
        request["requirements"] = {i: {"must_contain": forms} for i, forms in requirements.items()}
        system += " Each translation listed under requirements must contain those terms exactly."
    return [{"role": "system", "content": system},
            {"role": "user", "content": json.dumps(request, ensure_ascii=False)}]


def parse_answer(content: str, wanted: list[str]) -> dict[str, str]:
    """id -> translation; ``Malformed`` unless the answer holds exactly the ids asked for."""
    text = content.strip()
    if text.startswith("```"):  # some models fence their JSON
        text = text.strip("`")
        text = text[text.find("{"):] if "{" in text else text
    try:
        data = json.loads(text)
    except ValueError:
        raise Malformed("not JSON") from None
    entries = data.get("translations") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise Malformed("no 'translations' list")
    out: dict[str, str] = {}
    for e in entries:
        if not isinstance(e, dict) or not isinstance(e.get("id"), (str, int)) or not isinstance(e.get("text"), str):
            raise Malformed("an entry without a string id and text")
        key = str(e["id"])
        if key in out:
            raise Malformed(f"id {key} twice")
        out[key] = valid_text(e["text"]).strip()
    if set(out) != set(wanted):
        lost, extra = sorted(set(wanted) - set(out)), sorted(set(out) - set(wanted))
        raise Malformed(f"ids missing {lost[:5]}, unexpected {extra[:5]}")
    empty = [k for k in wanted if not out[k]]
    if empty:
        raise Malformed(f"empty translation for {empty[:5]}")
    return out


def _terms_for(texts: list[str], source: str, glossary: Glossary) -> list[dict]:
    seen: dict[str, dict] = {}
    for text in texts:
        for t in required_terms(text, source, glossary):
            seen.setdefault(t.zh, {"zh": t.zh, "en": t.en})
    return list(seen.values())


def _read_some(response, limit: int) -> bytes:
    """At most ``limit`` bytes of an error page (it could be large, or never end)."""
    try:
        return response.read(limit) or b""
    except (OSError, http.client.HTTPException):
        return b""


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _public_url(url: str) -> str:
    """The URL without credentials or query (a key could hide in either)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))
