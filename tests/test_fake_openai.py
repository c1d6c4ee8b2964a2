"""The fake OpenAI server, exercised through the real ``openai`` and LangChain clients."""

from __future__ import annotations

import http.client
import json
import logging
import math
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import openai
import pytest
from langchain_openai import ChatOpenAI, OpenAIEmbeddings

from tests.support.fake_openai import (
    FakeOpenAI,
    Reply,
    fake_openai_fixture,  # noqa: F401
    hashed_embedding,
)

MODEL = "gpt-4o-mini"
USER = [{"role": "user", "content": "What did the minister say about tariffs?"}]


def client(server: FakeOpenAI, **kwargs: Any) -> openai.OpenAI:
    options: dict[str, Any] = {"api_key": "sk-test", "max_retries": 0, "timeout": 5.0}
    options.update(kwargs)
    return openai.OpenAI(base_url=server.base_url, **options)


def chat_model(server: FakeOpenAI, **kwargs: Any) -> ChatOpenAI:
    options: dict[str, Any] = {"max_retries": 0, "timeout": 5.0}
    options.update(kwargs)
    return ChatOpenAI(base_url=server.base_url, api_key="sk-test", model=MODEL, **options)


def raw_stream(server: FakeOpenAI, body: dict[str, Any]) -> bytes:
    """The exact bytes of a streamed answer (http.client undoes the chunked framing)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        payload = json.dumps(body)
        conn.request("POST", "/v1/chat/completions", payload, {"Content-Type": "application/json"})
        response = conn.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type", "").startswith("text/event-stream")
        return response.read()
    finally:
        conn.close()


# -- openai client: plain and streamed answers ---------------------------------------------


def test_non_streaming_returns_scripted_json_content_usage_and_records_request(
    fake_openai: FakeOpenAI,
) -> None:
    document = {"answer": "Tariffs stay.", "passages": [2, 5]}
    fake_openai.script(Reply.json(document, prompt_tokens=1200, completion_tokens=35))

    completion = client(fake_openai).chat.completions.create(
        model=MODEL, messages=USER, response_format={"type": "json_object"}
    )

    assert json.loads(completion.choices[0].message.content or "") == document
    assert completion.choices[0].finish_reason == "stop"
    assert completion.model == MODEL
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (1200, 35)
    assert completion.usage.total_tokens == 1235

    [request] = fake_openai.requests
    assert request["method"] == "POST"
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["authorization"] == "Bearer sk-test"
    assert request["body"]["messages"] == USER
    assert request["body"]["response_format"] == {"type": "json_object"}
    assert fake_openai.pending == 0


def test_queue_is_consumed_in_order_then_default_reply_with_estimated_usage(
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.default_reply = Reply.text("fallback")
    fake_openai.script("first", Reply.text("second"))
    c = client(fake_openai)

    answers = [
        c.chat.completions.create(model=MODEL, messages=USER).choices[0].message.content
        for _ in range(3)
    ]

    assert answers == ["first", "second", "fallback"]
    last = c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "x" * 40}])
    assert last.usage is not None
    # Estimate: ceil(chars / 4) per text, plus 4 per message and 3 of framing.
    assert (last.usage.prompt_tokens, last.usage.completion_tokens) == (4 + 10 + 3, 2)


def test_responder_computes_the_answer_from_the_prompt(fake_openai: FakeOpenAI) -> None:
    def cite_passages(body: dict[str, Any]) -> Reply | None:
        prompt = body["messages"][-1]["content"]
        numbers = [int(n) for n in re.findall(r"\[P(\d+)\]", prompt)]
        return Reply.json({"passages": numbers}) if numbers else None

    fake_openai.responder = cite_passages
    fake_openai.default_reply = Reply.text("no passages")
    c = client(fake_openai)

    def ask(prompt: str) -> str:
        messages = [{"role": "user", "content": prompt}]
        completion = c.chat.completions.create(model=MODEL, messages=messages)
        return completion.choices[0].message.content or ""

    assert json.loads(ask("[P3] tariffs ... [P7] quotas")) == {"passages": [3, 7]}
    assert ask("no markers here") == "no passages"  # responder returned None
    fake_openai.script(Reply.text("scripted wins"))
    assert ask("[P1] text") == "scripted wins"  # the queue comes before the responder
    assert json.loads(ask("[P1] text")) == {"passages": [1]}


def test_a_failing_responder_is_reported_as_500(fake_openai: FakeOpenAI) -> None:
    def broken(body: dict[str, Any]) -> Reply:
        raise KeyError("passages")

    fake_openai.responder = broken

    with pytest.raises(openai.InternalServerError) as caught:
        client(fake_openai).chat.completions.create(model=MODEL, messages=USER)

    assert "KeyError('passages')" in caught.value.message
    assert [repr(e) for e in fake_openai.responder_errors] == ["KeyError('passages')"]


def test_streaming_with_usage(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(
        Reply.text('{"answer": "yes"}', parts=['{"ans', 'wer": ', '"yes"}'], completion_tokens=6)
    )

    stream = client(fake_openai).chat.completions.create(
        model=MODEL, messages=USER, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)

    assert all(chunk.object == "chat.completion.chunk" for chunk in chunks)
    assert len({chunk.id for chunk in chunks}) == 1
    with_choices = [chunk for chunk in chunks if chunk.choices]
    assert with_choices[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].delta.content for c in with_choices[1:4]] == ['{"ans', 'wer": ', '"yes"}']
    assert [c.choices[0].finish_reason for c in with_choices] == [None, None, None, None, "stop"]
    # The usage chunk comes last and has no choices, as with the real API.
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 6
    assert chunks[-1].usage.total_tokens == chunks[-1].usage.prompt_tokens + 6
    assert all(chunk.usage is None for chunk in chunks[:-1])


def test_stream_wire_format_is_sse_with_done_marker(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.text("Hello big world"))

    raw = raw_stream(fake_openai, {"model": MODEL, "messages": USER, "stream": True})

    assert raw.endswith(b"\n\ndata: [DONE]\n\n")
    events = raw.decode().split("\n\n")
    assert events[-1] == ""
    assert all(event.startswith("data: ") and "\n" not in event for event in events[:-1])
    documents = [json.loads(event.removeprefix("data: ")) for event in events[:-2]]
    assert {d["object"] for d in documents} == {"chat.completion.chunk"}
    assert all("usage" not in d for d in documents)  # not requested
    text = "".join(d["choices"][0]["delta"].get("content") or "" for d in documents)
    assert text == "Hello big world"
    assert documents[-1]["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "stop",
    }


def test_stream_ending_with_finish_reason_length(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.length_limited('{"answer": "Tariffs will'))

    chunks = list(
        client(fake_openai).chat.completions.create(model=MODEL, messages=USER, stream=True)
    )

    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == '{"answer": "Tariffs will'
    assert chunks[-1].choices[0].finish_reason == "length"


# -- LangChain ChatOpenAI ------------------------------------------------------------------


def test_langchain_invoke(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.json({"answer": "No."}, prompt_tokens=50, completion_tokens=7))

    message = chat_model(fake_openai).invoke("Did she confirm the visit?")

    assert json.loads(str(message.content)) == {"answer": "No."}
    assert message.response_metadata["finish_reason"] == "stop"
    assert message.usage_metadata is not None
    assert message.usage_metadata["input_tokens"] == 50
    assert message.usage_metadata["output_tokens"] == 7
    [request] = fake_openai.chat_requests
    assert request["headers"]["authorization"] == "Bearer sk-test"
    assert request["body"]["model"] == MODEL
    assert request["body"]["messages"] == [
        {"role": "user", "content": "Did she confirm the visit?"}
    ]


def test_langchain_stream_with_usage(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.text("The visit is confirmed.", completion_tokens=5))

    chunks = list(chat_model(fake_openai, stream_usage=True).stream("Is the visit on?"))

    assert [c.content for c in chunks if c.content] == ["The", " visit", " is", " confirmed."]
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged += chunk
    assert merged.content == "The visit is confirmed."
    assert merged.response_metadata["finish_reason"] == "stop"
    assert merged.usage_metadata is not None
    assert merged.usage_metadata["output_tokens"] == 5
    assert fake_openai.chat_requests[0]["body"]["stream_options"] == {"include_usage": True}


def test_langchain_invoke_reports_length_finish_reason(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.length_limited('{"answer": "The min'))

    message = chat_model(fake_openai).invoke("q")

    assert message.content == '{"answer": "The min'
    assert message.response_metadata["finish_reason"] == "length"


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "error_class", "status", "code", "error_type"),
    [
        (Reply.invalid_api_key(), openai.AuthenticationError, 401, "invalid_api_key", None),
        (Reply.rate_limited(), openai.RateLimitError, 429, "rate_limit_exceeded", "requests"),
        (
            Reply.insufficient_quota(),
            openai.RateLimitError,
            429,
            "insufficient_quota",
            "insufficient_quota",
        ),
        (Reply.server_error(), openai.InternalServerError, 500, None, "server_error"),
        (Reply.overloaded(), openai.InternalServerError, 503, "service_unavailable", None),
        (
            Reply.context_length_exceeded(),
            openai.BadRequestError,
            400,
            "context_length_exceeded",
            "invalid_request_error",
        ),
    ],
    ids=["401", "429-rate", "429-quota", "500", "503", "400-context"],
)
def test_scripted_errors_raise_the_matching_openai_exception(
    fake_openai: FakeOpenAI,
    reply: Reply,
    error_class: type[openai.APIStatusError],
    status: int,
    code: str | None,
    error_type: str | None,
) -> None:
    fake_openai.script(reply)

    with pytest.raises(error_class) as caught:
        client(fake_openai).chat.completions.create(model=MODEL, messages=USER)

    err = caught.value
    assert err.status_code == status
    assert err.code == code
    assert isinstance(err.body, dict)  # the SDK unwraps {"error": {...}}
    assert err.body["code"] == code
    assert err.body["message"] == reply.error["message"]  # type: ignore[index]
    if error_type is not None:
        assert err.type == error_type
    assert len(fake_openai.requests) == 1  # max_retries=0


def test_rate_limit_carries_retry_after_header(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.rate_limited(retry_after=7))

    with pytest.raises(openai.RateLimitError) as caught:
        client(fake_openai).chat.completions.create(model=MODEL, messages=USER)

    assert caught.value.response.headers["retry-after"] == "7"


def test_langchain_maps_errors_to_openai_subclasses(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.context_length_exceeded(), Reply.insufficient_quota())
    llm = chat_model(fake_openai)

    with pytest.raises(openai.BadRequestError) as context_error:
        llm.invoke("very long prompt")
    with pytest.raises(openai.RateLimitError) as quota_error:
        llm.invoke("q")

    assert context_error.value.code == "context_length_exceeded"
    assert quota_error.value.code == "insufficient_quota"


def test_client_retries_429_then_succeeds(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.rate_limited(retry_after=0.01), Reply.text("after retry"))

    completion = client(fake_openai, max_retries=2).chat.completions.create(
        model=MODEL, messages=USER
    )

    assert completion.choices[0].message.content == "after retry"
    retry_counts = [r["headers"]["x-stainless-retry-count"] for r in fake_openai.requests]
    assert retry_counts == ["0", "1"]


def test_sdk_retries_insufficient_quota_too(fake_openai: FakeOpenAI) -> None:
    """The SDK only looks at the status; the product has to check ``err.code`` itself."""
    fake_openai.script(*[Reply.insufficient_quota(retry_after=0.01)] * 3)

    with pytest.raises(openai.RateLimitError) as caught:
        client(fake_openai, max_retries=2).chat.completions.create(model=MODEL, messages=USER)

    assert caught.value.code == "insufficient_quota"
    assert len(fake_openai.requests) == 3


def test_delay_longer_than_timeout_raises_api_timeout_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.text("too late", delay=10))

    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        client(fake_openai, timeout=0.2).chat.completions.create(model=MODEL, messages=USER)

    assert time.monotonic() - started < 8  # gave up long before the reply was due
    assert len(fake_openai.requests) == 1  # recorded before the delay


def test_langchain_timeout(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.text("too late").with_delay(0.5))

    with pytest.raises(openai.APITimeoutError):
        chat_model(fake_openai, timeout=0.2).invoke("q")


def test_stall_in_the_middle_of_a_stream_raises_timeout(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.text("one two three", chunk_delay=0.5))
    received: list[str] = []

    stream = client(fake_openai, timeout=0.2).chat.completions.create(
        model=MODEL, messages=USER, stream=True
    )
    with pytest.raises(openai.APITimeoutError):
        for chunk in stream:
            received.append(chunk.choices[0].delta.content or "")

    assert "".join(received) == "one"


def test_stopped_server_raises_api_connection_error() -> None:
    server = FakeOpenAI().start()
    c = client(server)
    assert c.chat.completions.create(model=MODEL, messages=USER).choices[0].message.content == "OK"
    server.stop()

    with pytest.raises(openai.APIConnectionError) as caught:
        c.chat.completions.create(model=MODEL, messages=USER)

    assert not isinstance(caught.value, openai.APITimeoutError)
    assert not server.running


def test_stop_is_prompt_with_a_pending_delayed_reply() -> None:
    server = FakeOpenAI(default_reply=Reply.text("never sent", delay=30)).start()
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            client(server, timeout=10).chat.completions.create(model=MODEL, messages=USER)
        except BaseException as exc:
            outcome.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    deadline = time.monotonic() + 5
    while not server.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.requests, "request never arrived"

    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 15  # did not sit out the 30 s reply
    caller.join(5)
    assert not caller.is_alive()
    assert len(outcome) == 1
    assert type(outcome[0]) is openai.APIConnectionError  # dropped, not timed out
    server.stop()  # idempotent


# -- broken streams and bodies -------------------------------------------------------------


def test_cut_stream_raises_connection_error_after_partial_chunks(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.cut_stream(['{"answer": ', '"The minis']))
    received: list[tuple[str | None, str | None]] = []

    stream = client(fake_openai).chat.completions.create(model=MODEL, messages=USER, stream=True)
    with pytest.raises(openai.APIConnectionError) as caught:
        for chunk in stream:
            received.append((chunk.choices[0].delta.content, chunk.choices[0].finish_reason))

    assert type(caught.value) is openai.APIConnectionError
    assert "incomplete chunked read" in str(caught.value.__cause__)
    assert received == [("", None), ('{"answer": ', None), ('"The minis', None)]


def test_graceful_cut_stream_ends_cleanly_without_finish_reason(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.cut_stream("partial answer", graceful=True))

    stream = client(fake_openai).chat.completions.create(
        model=MODEL, messages=USER, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)  # no exception: the HTTP body was complete

    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "partial answer"
    assert [c.choices[0].finish_reason for c in chunks] == [None, None, None]
    assert all(c.usage is None for c in chunks)  # the usage chunk never came


def test_langchain_stream_cut_raises_after_partial_content(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.cut_stream("The minister"))
    received: list[str] = []

    with pytest.raises(openai.APIConnectionError):
        for chunk in chat_model(fake_openai).stream("q"):
            received.append(str(chunk.content))

    assert "".join(received) == "The minister"


def test_cut_non_streaming_body_raises_connection_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.cut_stream("whatever"))

    with pytest.raises(openai.APIConnectionError) as caught:
        client(fake_openai).chat.completions.create(model=MODEL, messages=USER)

    assert "complete message body" in str(caught.value.__cause__)


def test_non_json_200_is_returned_as_a_string_by_the_sdk(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.non_json("<html>captive portal</html>"), Reply.non_json("oops"))

    result: Any = client(fake_openai).chat.completions.create(model=MODEL, messages=USER)
    # The SDK does not raise: callers get a str instead of a ChatCompletion.
    assert result == "<html>captive portal</html>"
    with pytest.raises(ValueError, match="Unexpected response type"):
        chat_model(fake_openai).invoke("q")  # LangChain does raise


def test_non_json_502_raises_internal_server_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(Reply.non_json(status=502))

    with pytest.raises(openai.InternalServerError) as caught:
        client(fake_openai).chat.completions.create(model=MODEL, messages=USER)

    assert caught.value.status_code == 502
    assert caught.value.code is None
    assert "502 Bad Gateway" in str(caught.value.body)


# -- embeddings and models -----------------------------------------------------------------


def test_langchain_embeddings_are_deterministic_with_configured_dimension(
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.dimensions = 16
    embeddings = OpenAIEmbeddings(
        base_url=fake_openai.base_url,
        api_key="sk-test",
        model="text-embedding-3-small",
        check_embedding_ctx_length=False,
    )

    first, second, again = embeddings.embed_documents(["tariffs", "quotas", "tariffs"])
    query = embeddings.embed_query("tariffs")

    assert len(first) == len(second) == len(query) == 16
    assert first == again == query
    assert first != second
    assert first == hashed_embedding("tariffs", 16)
    assert math.isclose(math.fsum(x * x for x in first), 1.0, rel_tol=1e-6)
    [request, *_] = fake_openai.embedding_requests
    assert request["body"]["input"] == ["tariffs", "quotas", "tariffs"]
    assert request["headers"]["authorization"] == "Bearer sk-test"


def test_embeddings_float_and_base64_agree_and_dimensions_param_wins(
    fake_openai: FakeOpenAI,
) -> None:
    c = client(fake_openai)

    as_float = c.embeddings.create(model="m", input=["a b"], encoding_format="float")
    as_base64 = c.embeddings.create(model="m", input="a b")  # SDK default: base64
    sized = c.embeddings.create(model="m", input="a b", dimensions=3)

    assert as_float.data[0].embedding == as_base64.data[0].embedding
    assert len(as_float.data[0].embedding) == fake_openai.dimensions == 8
    assert len(sized.data[0].embedding) == 3
    assert as_float.usage.prompt_tokens == 1


def test_embedding_errors_can_be_scripted(fake_openai: FakeOpenAI) -> None:
    fake_openai.script_embeddings(Reply.rate_limited(), "normal")
    c = client(fake_openai)

    with pytest.raises(openai.RateLimitError):
        c.embeddings.create(model="m", input="x")
    assert len(c.embeddings.create(model="m", input="x").data) == 1


def test_models_endpoint(fake_openai: FakeOpenAI) -> None:
    c = client(fake_openai)

    ids = [model.id for model in c.models.list()]
    with pytest.raises(openai.NotFoundError) as caught:
        c.models.retrieve("gpt-nonexistent")

    assert "gpt-4o-mini" in ids
    assert c.models.retrieve("gpt-4o-mini").owned_by == "fake-openai"
    assert caught.value.code == "model_not_found"
    assert fake_openai.requests[0]["method"] == "GET"
    assert fake_openai.requests[0]["path"] == "/v1/models"


# -- safety and concurrency ----------------------------------------------------------------


def test_api_key_is_checked_and_never_logged(
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    real_key = "sk-secret-0123456789"
    caplog.set_level(logging.DEBUG)
    with FakeOpenAI(api_key=real_key) as server:
        assert client(server, api_key=real_key).models.list().data
        with pytest.raises(openai.AuthenticationError) as caught:
            client(server, api_key="sk-wrong-key").chat.completions.create(
                model=MODEL, messages=USER
            )
        server.script(Reply.server_error(), Reply.text("x", delay=0.5))
        with pytest.raises(openai.InternalServerError):
            client(server, api_key=real_key).chat.completions.create(model=MODEL, messages=USER)
        with pytest.raises(openai.APITimeoutError):
            client(server, api_key=real_key, timeout=0.1).chat.completions.create(
                model=MODEL, messages=USER
            )
        description = repr(server)
        recorded = [r["headers"]["authorization"] for r in server.requests]

    assert recorded == [f"Bearer {real_key}", "Bearer sk-wrong-key"] + [f"Bearer {real_key}"] * 2
    assert caught.value.code == "invalid_api_key"
    out, err = capfd.readouterr()
    for text in (out, err, caplog.text, description, str(caught.value), str(caught.value.body)):
        assert real_key not in text
        assert "sk-wrong-key" not in text


def test_concurrent_requests_each_consume_exactly_one_scripted_reply(
    fake_openai: FakeOpenAI,
) -> None:
    answers = [f"answer {i}" for i in range(12)]
    fake_openai.script(*[Reply.text(a, delay=0.3) for a in answers])
    c = client(fake_openai)
    results: list[str] = []
    lock = threading.Lock()

    def call() -> None:
        content = c.chat.completions.create(model=MODEL, messages=USER).choices[0].message.content
        with lock:
            results.append(content or "")

    threads = [threading.Thread(target=call) for _ in answers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(results) == sorted(answers)
    assert len(fake_openai.requests) == 12
    assert fake_openai.pending == 0
    # Served in parallel: each reply is held 0.3 s, so a serial server never has two open.
    assert fake_openai.peak_connections >= 2


def test_module_import_has_no_side_effects() -> None:
    code = (
        "import threading, tests.support.fake_openai as m; "
        "assert threading.active_count() == 1, threading.enumerate(); "
        "assert callable(m.fake_openai)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
