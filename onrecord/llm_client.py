"""The seam to the chat model: LangChain's ``ChatOpenAI`` (OpenAI or any compatible server),
streaming, and one clear message per failure. No API key ever appears in a message."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import openai
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from onrecord.settings import Settings

T = TypeVar("T")
UNFIT = "The LLM's reading of the question was not in the asked form."
CUT_OFF = (
    "The LLM's answer was cut off before it finished (the stream ended without a "
    "finish reason); it is not shown as an answer."
)


class LLMError(Exception):
    """A failed LLM call; ``str(err)`` is the message for the user."""

    def __init__(self, message: str, context_too_long: bool = False) -> None:
        super().__init__(message)
        self.context_too_long = context_too_long


class UnfitReply(LLMError):
    """The model answered, but not in the form asked for."""


@dataclass
class Completion:
    text: str
    finish_reason: str | None
    usage: dict[str, int] = field(default_factory=dict)


class ChatClient:
    """Streams one chat completion; counts requests against the per-process budget."""

    requests_made = 0  # class-wide: the budget is per process

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model = _chat_model(settings, settings.llm.timeout, settings.llm.max_retries)
        self._reader = None  # the model that reads questions: its own timeout, no retries

    def _spend(self) -> None:
        if ChatClient.requests_made >= self.settings.llm.request_budget:
            raise LLMError(
                "The LLM request budget of this server is used up; "
                "answers are in quotes mode until it restarts."
            )
        ChatClient.requests_made += 1

    def structured(self, system: str, user: str, schema: type[T]) -> T:
        """One reply filled into ``schema`` (a pydantic model; JSON schema structured output),
        within ``llm.reading_timeout`` and without retries. LLMError when it fails; UnfitReply
        when it does not fit."""
        self._spend()
        if self._reader is None:
            self._reader = _chat_model(self.settings, self.settings.llm.reading_timeout, 0)
        reader = self._reader.with_structured_output(schema, method="json_schema", include_raw=True)
        try:
            reply = reader.invoke([SystemMessage(system), HumanMessage(user)])
        except openai.OpenAIError as err:
            raise describe(err, self.settings) from err
        except ValueError as err:  # content that is not the schema's JSON
            raise UnfitReply(UNFIT) from err
        if reply.get("parsed") is None:
            raise UnfitReply(UNFIT)
        return reply["parsed"]

    def stream(self, system: str, user: str) -> Generator[str, None, Completion]:
        """Yields the reply's text pieces as they arrive; returns the ``Completion``."""
        self._spend()
        messages: list[BaseMessage] = [SystemMessage(system), HumanMessage(user)]
        parts: list[str] = []
        finish_reason = None
        usage: dict[str, int] = {}
        try:
            for chunk in self._stream(messages):
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if piece:
                    parts.append(piece)
                    yield piece
                finish_reason = chunk.response_metadata.get("finish_reason") or finish_reason
                if chunk.usage_metadata:
                    usage = {
                        "input_tokens": chunk.usage_metadata.get("input_tokens", 0),
                        "output_tokens": chunk.usage_metadata.get("output_tokens", 0),
                    }
        except openai.APIConnectionError as err:
            if parts:  # the connection dropped mid-answer
                raise LLMError(CUT_OFF) from err
            raise describe(err, self.settings) from err
        except openai.OpenAIError as err:
            raise describe(err, self.settings) from err
        except ValueError as err:  # malformed chunks surface as decoding errors
            raise LLMError("The LLM endpoint sent a response that could not be read.") from err
        if finish_reason is None:
            raise LLMError(
                "The LLM's answer was cut off before it finished (the stream ended "
                "without a finish reason); it is not shown as an answer."
            )
        return Completion("".join(parts), finish_reason, usage)

    def complete(self, system: str, user: str) -> Completion:
        """The whole reply at once."""
        stream = self.stream(system, user)
        while True:
            try:
                next(stream)
            except StopIteration as done:
                return done.value

    def _stream(self, messages: list[BaseMessage]) -> Iterator:
        return self.model.stream(messages)


def _chat_model(settings: Settings, timeout: float, retries: int):
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.llm.model,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        temperature=settings.llm.temperature,
        max_tokens=settings.llm.max_tokens,
        timeout=timeout,
        max_retries=retries,
        stream_usage=True,
    )


def describe(err: openai.OpenAIError, settings: Settings) -> LLMError:
    """One clear sentence per failure; never the key, never a traceback."""
    code = _error_code(err)
    if isinstance(err, openai.AuthenticationError):
        return LLMError("The LLM endpoint rejected the API key (401). Check OPENAI_API_KEY.")
    if isinstance(err, openai.RateLimitError):
        if code == "insufficient_quota":
            return LLMError("The LLM account has no quota left (insufficient_quota).")
        return LLMError(
            "The LLM endpoint is rate-limiting requests (429), even after "
            f"{settings.llm.max_retries} retries. Try again shortly."
        )
    if isinstance(err, openai.APITimeoutError):
        return LLMError(f"The LLM did not answer within {settings.llm.timeout:g} seconds.")
    if isinstance(err, openai.APIConnectionError):
        where = settings.openai_base_url or "the OpenAI API"
        return LLMError(f"Cannot reach the LLM endpoint ({where}).")
    if isinstance(err, openai.BadRequestError) and code == "context_length_exceeded":
        return LLMError(
            "The passages are too long for the model's context window.", context_too_long=True
        )
    if isinstance(err, openai.APIResponseValidationError):
        return LLMError("The LLM endpoint sent a response that is not valid JSON.")
    if isinstance(err, openai.APIStatusError):
        return LLMError(f"The LLM endpoint failed (HTTP {err.status_code}).")
    return LLMError(f"The LLM request failed ({type(err).__name__}).")


def _error_code(err: openai.OpenAIError) -> str | None:
    code = getattr(err, "code", None)
    if code:
        return str(code)
    body = getattr(err, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("code"):
            return str(inner["code"])
    return None
