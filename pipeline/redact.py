"""Secrets never leave duet in a message: every error and warning goes through ``redact``.

The OpenAI-compatible backend reads its key from ``OPENAI_API_KEY`` and sends it in one header only;
an exception raised deep in a library (an HTTP error page that echoes the request, a URL with the key in
its query) could still carry it, so messages are scrubbed where they are printed or stored, whatever
raised them.
"""

from __future__ import annotations

import os

SECRET_VARIABLES = ("OPENAI_API_KEY",)
MASK = "***"


def secrets() -> list[str]:
    """The secret values set in the environment (long enough not to mask ordinary words)."""
    values = (os.environ.get(name, "") for name in SECRET_VARIABLES)
    return sorted({v for v in values if len(v) >= 6}, key=len, reverse=True)


def redact(message: str, extra: tuple[str, ...] = ()) -> str:
    for secret in (*[s for s in extra if s and len(s) >= 6], *secrets()):
        message = message.replace(secret, MASK)
    return message
