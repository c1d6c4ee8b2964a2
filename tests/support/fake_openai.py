"""A tiny OpenAI-compatible HTTP server for tests (standard library only).

The project's tests must never reach the real OpenAI API.  Instead of mocking SDK internals,
tests point the *real* ``openai`` client (or LangChain's ``ChatOpenAI`` / ``OpenAIEmbeddings``)
at this server on ``127.0.0.1``, so retries, timeouts, SSE parsing and error mapping are the
genuine client code paths.

Usage::

    from tests.support.fake_openai import FakeOpenAI, Reply, fake_openai_fixture  # noqa: F401

    def test_answer(fake_openai: FakeOpenAI) -> None:
        fake_openai.script(Reply.rate_limited(retry_after=0.01), Reply.text('{"answer": "..."}'))
        llm = ChatOpenAI(base_url=fake_openai.base_url, api_key="sk-test", model="gpt-4o-mini")
        ...
        assert fake_openai.chat_requests[-1]["body"]["messages"][0]["role"] == "system"

Endpoints: ``POST /v1/chat/completions`` (JSON or SSE when ``"stream": true``),
``POST /v1/embeddings``, ``GET /v1/models`` and ``GET /v1/models/{id}``.  Anything else gets a
404 with an OpenAI-style error body, so a client that silently switched API (for example to
``/v1/responses``) fails loudly.

Every response carries ``Connection: close``: no keep-alive means no idle handler threads, and
``stop()`` really stops serving (a pooled connection cannot keep talking to a stopped server).
The server never logs anything; in particular the ``Authorization`` header only ever appears
in :attr:`FakeOpenAI.requests`.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import dataclasses
import hashlib
import itertools
import json
import math
import re
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal

import pytest

__all__ = [
    "FakeOpenAI",
    "RecordedRequest",
    "Reply",
    "Responder",
    "estimate_tokens",
    "fake_openai",
    "fake_openai_fixture",
    "hashed_embedding",
]

#: A recorded request: ``{"method", "path", "headers", "body"}``; header names are lower-case and
#: ``body`` is the parsed JSON (``None`` if the body was empty or not JSON).
RecordedRequest = dict[str, Any]

ReplyKind = Literal["content", "error", "raw", "cut"]

DEFAULT_MODELS: tuple[str, ...] = ("gpt-4o-mini", "gpt-4o", "text-embedding-3-small")

_CHAT_PATH = "/v1/chat/completions"
_EMBEDDINGS_PATH = "/v1/embeddings"
_MODELS_PATH = "/v1/models"


@dataclass(frozen=True)
class Reply:
    """What the fake server answers to one request.

    Build one with the class-method helpers rather than the constructor.  ``delay`` (seconds)
    applies to every kind of reply and is spent *before* the status line is sent, so a client
    whose read timeout is shorter than the delay raises a timeout.
    """

    kind: ReplyKind = "content"
    content: str = ""
    #: Explicit stream chunks (their concatenation is what the client receives).
    parts: tuple[str, ...] | None = None
    finish_reason: str = "stop"
    status: int = 200
    error: dict[str, Any] | None = None
    headers: tuple[tuple[str, str], ...] = ()
    raw_body: bytes = b""
    content_type: str = "application/json"
    delay: float = 0.0
    #: Pause between SSE chunks (to exercise read timeouts in the middle of a stream).
    chunk_delay: float = 0.0
    #: Only for ``kind == "cut"``: end the chunked body properly (no error in the client, but
    #: no ``finish_reason`` and no ``[DONE]``) instead of dropping the connection.
    graceful: bool = False
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    # -- normal answers -------------------------------------------------------------------

    @classmethod
    def text(
        cls,
        content: str,
        *,
        finish_reason: str = "stop",
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        delay: float = 0.0,
        chunk_delay: float = 0.0,
        parts: Sequence[str] | None = None,
    ) -> Reply:
        """A normal assistant message; ``content`` may be any text (e.g. a JSON document).

        Token counts default to a deterministic estimate (see :func:`estimate_tokens`).
        ``parts`` overrides how a streamed answer is split into chunks; it must join to
        ``content``.
        """
        if parts is not None and "".join(parts) != content:
            raise ValueError("parts must join to content")
        return cls(
            kind="content",
            content=content,
            parts=tuple(parts) if parts is not None else None,
            finish_reason=finish_reason,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            delay=delay,
            chunk_delay=chunk_delay,
        )

    @classmethod
    def json(cls, document: Any, **kwargs: Any) -> Reply:
        """A normal message whose content is ``document`` serialised as JSON."""
        return cls.text(json.dumps(document, ensure_ascii=False), **kwargs)

    @classmethod
    def length_limited(cls, content: str, **kwargs: Any) -> Reply:
        """An answer cut short by ``max_tokens``: ``finish_reason="length"``."""
        return cls.text(content, finish_reason="length", **kwargs)

    # -- HTTP errors ----------------------------------------------------------------------

    @classmethod
    def http_error(
        cls,
        status: int,
        message: str,
        *,
        type: str,
        code: str | None = None,
        param: str | None = None,
        retry_after: float | None = None,
        headers: Iterable[tuple[str, str]] = (),
        delay: float = 0.0,
    ) -> Reply:
        """An HTTP error with an OpenAI-style body ``{"error": {message, type, param, code}}``.

        ``retry_after`` (seconds, may be fractional) becomes a ``retry-after`` header, which the
        openai client honours between retries when it is in (0, 120].
        """
        all_headers = list(headers)
        if retry_after is not None:
            all_headers.append(("retry-after", _format_seconds(retry_after)))
        return cls(
            kind="error",
            status=status,
            error={"message": message, "type": type, "param": param, "code": code},
            headers=tuple(all_headers),
            delay=delay,
        )

    @classmethod
    def invalid_api_key(cls) -> Reply:
        """401 ``invalid_api_key`` (the message deliberately does not echo the key)."""
        return cls.http_error(
            401,
            "Incorrect API key provided. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
            type="invalid_request_error",
            code="invalid_api_key",
        )

    @classmethod
    def rate_limited(cls, *, retry_after: float | None = 0.01) -> Reply:
        """429 ``rate_limit_exceeded`` (transient: the client should retry)."""
        return cls.http_error(
            429,
            "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, "
            "Requested 1. Please try again in 20ms.",
            type="requests",
            code="rate_limit_exceeded",
            retry_after=retry_after,
        )

    @classmethod
    def insufficient_quota(cls, *, retry_after: float | None = None) -> Reply:
        """429 ``insufficient_quota``: same status as a rate limit but retrying cannot help.

        Note the openai SDK still retries it (it only looks at the status), so callers must
        check ``err.code`` themselves.
        """
        return cls.http_error(
            429,
            "You exceeded your current quota, please check your plan and billing details.",
            type="insufficient_quota",
            code="insufficient_quota",
            retry_after=retry_after,
        )

    @classmethod
    def server_error(cls, *, retry_after: float | None = None) -> Reply:
        """500 ``server_error``."""
        return cls.http_error(
            500,
            "The server had an error while processing your request. Sorry about that!",
            type="server_error",
            retry_after=retry_after,
        )

    @classmethod
    def overloaded(cls, *, retry_after: float | None = None) -> Reply:
        """503 ``service_unavailable`` (engine overloaded)."""
        return cls.http_error(
            503,
            "The engine is currently overloaded, please try again later.",
            type="server_error",
            code="service_unavailable",
            retry_after=retry_after,
        )

    @classmethod
    def context_length_exceeded(cls, *, max_tokens: int = 128000, requested: int = 130000) -> Reply:
        """400 ``context_length_exceeded`` (prompt too long for the model)."""
        return cls.http_error(
            400,
            f"This model's maximum context length is {max_tokens} tokens. However, your messages "
            f"resulted in {requested} tokens. Please reduce the length of the messages.",
            type="invalid_request_error",
            code="context_length_exceeded",
            param="messages",
        )

    # -- broken answers -------------------------------------------------------------------

    @classmethod
    def non_json(
        cls,
        body: str | bytes = "<html><body><h1>502 Bad Gateway</h1></body></html>",
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        delay: float = 0.0,
    ) -> Reply:
        """A body that is not JSON (e.g. a proxy's HTML page), with status 200 or 502 etc."""
        raw = body.encode() if isinstance(body, str) else body
        return cls(kind="raw", status=status, raw_body=raw, content_type=content_type, delay=delay)

    @classmethod
    def cut_stream(
        cls,
        sent: str | Sequence[str],
        *,
        graceful: bool = False,
        delay: float = 0.0,
        chunk_delay: float = 0.0,
    ) -> Reply:
        """A stream that stops after sending ``sent``: no ``finish_reason``, no ``[DONE]``.

        By default the connection is dropped without the terminating HTTP chunk (the client
        sees an incomplete body, as when a proxy or the network fails).  With
        ``graceful=True`` the HTTP body ends properly, so the client sees a clean end of stream
        whose last chunk simply has no ``finish_reason``.

        For a non-streaming request, a cut reply announces the full ``Content-Length`` but sends
        only part of the JSON before closing (``graceful`` is ignored).
        """
        parts = (sent,) if isinstance(sent, str) else tuple(sent)
        return cls(
            kind="cut",
            content="".join(parts),
            parts=parts if not isinstance(sent, str) else None,
            finish_reason="",
            graceful=graceful,
            delay=delay,
            chunk_delay=chunk_delay,
        )

    def with_delay(self, seconds: float) -> Reply:
        """The same reply, sent after ``seconds``."""
        return dataclasses.replace(self, delay=seconds)


#: ``responder(request_body)`` computes a reply from the request; returning ``None`` falls back
#: to the server's default reply, and a plain ``str`` means ``Reply.text(str)``.
Responder = Callable[[dict[str, Any]], Reply | str | None]


def estimate_tokens(text: str) -> int:
    """A deterministic stand-in for a tokenizer: about four characters per token, at least 1."""
    return max(1, math.ceil(len(text) / 4))


def _format_seconds(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else repr(float(seconds))


def _message_text(message: Any) -> str:
    """The text of a chat message whose content is a string or a list of content parts."""
    if not isinstance(message, dict):
        return ""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part.get("text", "") for part in content if isinstance(part, dict)
        )  # image parts etc. count as nothing
    return ""


def _prompt_tokens(body: dict[str, Any]) -> int:
    messages = body.get("messages")
    if not isinstance(messages, list):
        return 1
    # Roughly what OpenAI does: a few tokens of framing per message plus the text itself.
    return sum(4 + estimate_tokens(_message_text(m)) for m in messages) + 3


def _split_for_stream(text: str) -> list[str]:
    """Word-sized stream chunks that join back to ``text`` exactly."""
    return re.findall(r"\s*\S+|\s+", text) or [""]


def hashed_embedding(text: str, dimensions: int) -> list[float]:
    """A deterministic unit vector for ``text`` derived from SHAKE-256 of its UTF-8 bytes.

    Values are rounded to float32 so the ``float`` and ``base64`` encodings decode to exactly
    the same numbers.  Different texts get unrelated vectors (no semantic similarity).
    """
    digest = hashlib.shake_256(text.encode("utf-8")).digest(4 * dimensions)
    raw = [(v / 0xFFFFFFFF) * 2.0 - 1.0 for v in struct.unpack(f"<{dimensions}I", digest)]
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    scaled = [x / norm for x in raw]
    return list(struct.unpack(f"<{dimensions}f", struct.pack(f"<{dimensions}f", *scaled)))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False
    fake: FakeOpenAI

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay silent: a client that hung up (timeout tests) is expected, not an error."""


class _Dropped(Exception):
    """The server is stopping or the client went away: abandon the response."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeOpenAI/1.0"
    sys_version = ""
    server: _Server

    # -- plumbing -------------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.server.fake._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.fake._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Never log (default logging writes to stderr and must not leak anything)."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        self.close_connection = True  # every response says "Connection: close"
        with contextlib.suppress(_Dropped, OSError):
            self._route()

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def _write(self, data: bytes) -> None:
        if self.server.fake._stopping.is_set():
            raise _Dropped
        self.wfile.write(data)
        self.wfile.flush()

    def _sleep(self, seconds: float) -> None:
        """Sleep, but wake up at once (and abandon the response) when the server stops."""
        if seconds > 0 and self.server.fake._stopping.wait(seconds):
            raise _Dropped

    def _start(
        self, status: int, content_type: str, headers: Iterable[tuple[str, str]] = ()
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Connection", "close")
        self.send_header("x-request-id", self.server.fake._next_id("req_"))
        for name, value in headers:
            self.send_header(name, value)

    def _send_json(
        self, status: int, document: Any, headers: Iterable[tuple[str, str]] = ()
    ) -> None:
        self._send_bytes(status, json.dumps(document).encode(), "application/json", headers)

    def _send_bytes(
        self,
        status: int,
        data: bytes,
        content_type: str,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        self._start(status, content_type, headers)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self._write(data)

    def _send_error_reply(self, reply: Reply) -> None:
        self._send_json(reply.status, {"error": reply.error}, reply.headers)

    # -- routing --------------------------------------------------------------------------

    def _route(self) -> None:
        fake = self.server.fake
        raw = self._read_body() if self.command == "POST" else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        path = self.path.split("?", 1)[0]
        headers = {name.lower(): value for name, value in self.headers.items()}
        fake._record({"method": self.command, "path": path, "headers": headers, "body": body})

        if fake.api_key is not None and headers.get("authorization") != f"Bearer {fake.api_key}":
            self._send_error_reply(Reply.invalid_api_key())
            return
        if self.command == "POST" and path in (_CHAT_PATH, _EMBEDDINGS_PATH):
            if not isinstance(body, dict):
                self._send_error_reply(
                    Reply.http_error(
                        400,
                        "We could not parse the JSON body of your request.",
                        type="invalid_request_error",
                    )
                )
            elif path == _CHAT_PATH:
                self._chat(body)
            else:
                self._embeddings(body)
        elif self.command == "GET" and path == _MODELS_PATH:
            self._send_json(200, {"object": "list", "data": [fake._model(m) for m in fake.models]})
        elif self.command == "GET" and path.startswith(_MODELS_PATH + "/"):
            model_id = path[len(_MODELS_PATH) + 1 :]
            if model_id in fake.models:
                self._send_json(200, fake._model(model_id))
            else:
                self._send_error_reply(
                    Reply.http_error(
                        404,
                        f"The model '{model_id}' does not exist",
                        type="invalid_request_error",
                        code="model_not_found",
                        param="model",
                    )
                )
        else:
            self._send_error_reply(
                Reply.http_error(
                    404,
                    f"Invalid URL ({self.command} {path})",
                    type="invalid_request_error",
                    code="unknown_url",
                )
            )

    # -- chat -----------------------------------------------------------------------------

    def _chat(self, body: dict[str, Any]) -> None:
        fake = self.server.fake
        reply = fake._next_chat_reply(body)
        self._sleep(reply.delay)
        if reply.kind == "error":
            self._send_error_reply(reply)
            return
        if reply.kind == "raw":
            self._send_bytes(reply.status, reply.raw_body, reply.content_type, reply.headers)
            return

        completion_id = fake._next_id("chatcmpl-")
        model = str(body.get("model") or "gpt-4o-mini")
        usage = _usage(
            reply.prompt_tokens if reply.prompt_tokens is not None else _prompt_tokens(body),
            reply.completion_tokens
            if reply.completion_tokens is not None
            else estimate_tokens(reply.content),
        )
        common = {
            "id": completion_id,
            "created": int(time.time()),
            "model": model,
            "system_fingerprint": "fp_fake",
        }
        if body.get("stream"):
            options = body.get("stream_options")
            include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
            self._stream_chat(reply, common, usage if include_usage else None)
            return

        document = {
            **common,
            "object": "chat.completion",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.content, "refusal": None},
                    "logprobs": None,
                    "finish_reason": reply.finish_reason,
                }
            ],
            "usage": usage,
        }
        data = json.dumps(document).encode()
        if reply.kind == "cut":
            self._start(200, "application/json", reply.headers)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self._write(data[: len(data) // 2])
            self._abort_connection()
            return
        self._send_bytes(200, data, "application/json", reply.headers)

    def _stream_chat(
        self, reply: Reply, common: dict[str, Any], usage: dict[str, Any] | None
    ) -> None:
        self._start(200, "text/event-stream; charset=utf-8", reply.headers)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()

        def chunk(delta: dict[str, Any], finish_reason: str | None) -> dict[str, Any]:
            document: dict[str, Any] = {
                **common,
                "object": "chat.completion.chunk",
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
                ],
            }
            if usage is not None:
                document["usage"] = None
            return document

        parts = list(reply.parts) if reply.parts is not None else _split_for_stream(reply.content)
        self._event(chunk({"role": "assistant", "content": "", "refusal": None}, None))
        for index, part in enumerate(parts):
            if index:
                self._sleep(reply.chunk_delay)
            self._event(chunk({"content": part}, None))

        if reply.kind == "cut":
            if reply.graceful:
                self._write(b"0\r\n\r\n")
            else:
                self._abort_connection()
            return

        self._sleep(reply.chunk_delay)
        self._event(chunk({}, reply.finish_reason))
        if usage is not None:
            self._event(
                {**common, "object": "chat.completion.chunk", "choices": [], "usage": usage}
            )
        self._chunk(b"data: [DONE]\n\n")
        self._write(b"0\r\n\r\n")

    def _event(self, document: dict[str, Any]) -> None:
        self._chunk(b"data: " + json.dumps(document).encode() + b"\n\n")

    def _chunk(self, data: bytes) -> None:
        """One HTTP/1.1 chunk (the SSE framing lives inside the chunked body)."""
        self._write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    def _abort_connection(self) -> None:
        """Drop the connection without finishing the HTTP message."""
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raise _Dropped

    # -- embeddings -----------------------------------------------------------------------

    def _embeddings(self, body: dict[str, Any]) -> None:
        fake = self.server.fake
        reply = fake._next_embedding_reply()
        if reply is not None:
            self._sleep(reply.delay)
            if reply.kind == "error":
                self._send_error_reply(reply)
                return
            if reply.kind == "raw":
                self._send_bytes(reply.status, reply.raw_body, reply.content_type, reply.headers)
                return
            if reply.kind == "cut":
                self._start(200, "application/json", reply.headers)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self._write(b'{"object": "list", "data": [')
                self._abort_connection()

        texts = _embedding_inputs(body.get("input"))
        if texts is None:
            self._send_error_reply(
                Reply.http_error(
                    400,
                    "'input' must be a string, an array of strings or an array of token arrays.",
                    type="invalid_request_error",
                    param="input",
                )
            )
            return
        dimensions = body.get("dimensions")
        dim = dimensions if isinstance(dimensions, int) and dimensions > 0 else fake.dimensions
        base64_format = body.get("encoding_format") == "base64"
        data = []
        for index, text in enumerate(texts):
            vector = fake.embed(text, dim)
            encoded: Any = (
                base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
                if base64_format
                else vector
            )
            data.append({"object": "embedding", "index": index, "embedding": encoded})
        tokens = sum(estimate_tokens(t) for t in texts)
        self._send_json(
            200,
            {
                "object": "list",
                "data": data,
                "model": str(body.get("model") or "text-embedding-3-small"),
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
        )


def _usage(prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def _embedding_inputs(value: Any) -> list[str] | None:
    """Input texts; token arrays are embedded via their JSON text so they stay deterministic."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value:
        if all(isinstance(v, str) for v in value):
            return list(value)
        if all(isinstance(v, int) for v in value):
            return [json.dumps(value)]
        if all(isinstance(v, list) for v in value):
            return [json.dumps(v) for v in value]
    return None


class FakeOpenAI:
    """An OpenAI-compatible server on ``127.0.0.1`` with scripted chat replies.

    Chat replies are chosen, per request, from: the scripted queue (:meth:`script`, one reply
    consumed per chat request), else ``responder(request_body)``, else ``default_reply``.
    Embeddings are always answered with :func:`hashed_embedding` vectors unless
    :meth:`script_embeddings` queued an error/delay for them.

    If ``api_key`` is given, requests without ``Authorization: Bearer <api_key>`` get a 401.
    """

    def __init__(
        self,
        *,
        default_reply: Reply | str = "OK",
        responder: Responder | None = None,
        dimensions: int = 8,
        api_key: str | None = None,
        models: Sequence[str] = DEFAULT_MODELS,
        embed: Callable[[str, int], list[float]] = hashed_embedding,
    ) -> None:
        self.default_reply = _as_reply(default_reply)
        self.responder = responder
        # Answers requests for structured output (``response_format`` json_schema) ahead of
        # the script and the responder, when set: the question reader's call.
        self.reader: Responder | None = None
        self.dimensions = dimensions
        self.api_key = api_key
        self.models = tuple(models)
        self.embed = embed
        self._lock = threading.Lock()
        self._chat_queue: deque[Reply] = deque()
        self._embedding_queue: deque[Reply] = deque()
        self._requests: list[RecordedRequest] = []
        #: Exceptions raised by ``responder`` (each one was answered with a 500).
        self.responder_errors: list[Exception] = []
        self._ids = itertools.count(1)
        self._connections: set[socket.socket] = set()
        #: The most connections open at one moment (shows requests were served in parallel).
        self.peak_connections = 0
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeOpenAI:
        """Bind a free port on 127.0.0.1 and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("FakeOpenAI is already running")
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"FakeOpenAI:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Stop at once: pending delayed replies are abandoned and open connections dropped.

        Idempotent.  After ``stop()`` new connections are refused.
        """
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._connections:
                    break
            time.sleep(0.005)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeOpenAI is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``, for ``base_url=`` / ``OPENAI_BASE_URL``."""
        return f"http://127.0.0.1:{self.port}/v1"

    def client_env(self, api_key: str = "sk-test") -> dict[str, str]:
        """Environment variables that point default-constructed clients at this server."""
        return {"OPENAI_BASE_URL": self.base_url, "OPENAI_API_KEY": api_key}

    # -- scripting ------------------------------------------------------------------------

    def script(self, *replies: Reply | str) -> None:
        """Queue chat replies, consumed one per chat request (a ``str`` means ``Reply.text``)."""
        with self._lock:
            self._chat_queue.extend(_as_reply(r) for r in replies)

    def script_embeddings(self, *replies: Reply | str) -> None:
        """Queue replies for embedding requests; a content reply means "answer normally"."""
        with self._lock:
            self._embedding_queue.extend(_as_reply(r) for r in replies)

    @property
    def pending(self) -> int:
        """Scripted chat replies not yet consumed."""
        with self._lock:
            return len(self._chat_queue)

    # -- records --------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received, in arrival order."""
        with self._lock:
            return copy.deepcopy(self._requests)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r["path"] == _CHAT_PATH]

    @property
    def embedding_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r["path"] == _EMBEDDINGS_PATH]

    def clear(self) -> None:
        """Forget recorded requests and scripted replies."""
        with self._lock:
            self._requests.clear()
            self._chat_queue.clear()
            self._embedding_queue.clear()

    def __repr__(self) -> str:
        # Deliberately no request data here: headers include the Authorization value.
        where = self.base_url if self.running else "stopped"
        return f"<FakeOpenAI {where} requests={len(self._requests)}>"

    # -- used by the handler --------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
                self.peak_connections = max(self.peak_connections, len(self._connections))
            else:
                self._connections.discard(conn)

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            return f"{prefix}fake{next(self._ids):06d}"

    def _next_chat_reply(self, body: dict[str, Any]) -> Reply:
        if self.reader is not None and (body.get("response_format") or {}).get("type") == (
            "json_schema"
        ):
            return _as_reply(self.reader(body))  # structured output: a reading, not an answer
        with self._lock:
            if self._chat_queue:
                return self._chat_queue.popleft()
        if self.responder is not None:
            # Called outside the lock: a responder may be slow or inspect ``requests``.
            try:
                computed = self.responder(body)
            except Exception as exc:
                # Surface the bug instead of silently dropping the connection.
                with self._lock:
                    self.responder_errors.append(exc)
                return Reply.http_error(
                    500, f"FakeOpenAI responder raised {exc!r}", type="fake_responder_error"
                )
            if computed is not None:
                return _as_reply(computed)
        return self.default_reply

    def _next_embedding_reply(self) -> Reply | None:
        with self._lock:
            return self._embedding_queue.popleft() if self._embedding_queue else None

    @staticmethod
    def _model(model_id: str) -> dict[str, Any]:
        return {"id": model_id, "object": "model", "created": 1700000000, "owned_by": "fake-openai"}


def _as_reply(reply: Reply | str) -> Reply:
    return Reply.text(reply) if isinstance(reply, str) else reply


@pytest.fixture(name="fake_openai")
def fake_openai_fixture() -> Iterator[FakeOpenAI]:
    """A started :class:`FakeOpenAI` (8-dimensional embeddings, default reply ``"OK"``).

    Import it as ``fake_openai_fixture`` in a test module (``# noqa: F401``): importing it as
    ``fake_openai`` makes ruff report F811 wherever a test takes a ``fake_openai`` argument.
    Importing ``fake_openai`` is fine in a conftest.
    """
    with FakeOpenAI() as server:
        yield server


#: The same fixture under its pytest name (``from tests.support.fake_openai import fake_openai``).
fake_openai = fake_openai_fixture
