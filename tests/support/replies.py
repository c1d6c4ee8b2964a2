"""Replies of the local OpenAI-compatible server (``fake_openai``) that read OnRecord's
answer prompt, as a model would."""

from __future__ import annotations

import json
import re

from tests.support.fake_openai import Reply


def passage_answer(body: dict, n: int) -> str:
    """The answer text of passage ``[n]`` in the prompt of a chat request."""
    prompt = body["messages"][-1]["content"]
    block = prompt.split(f"<<<PASSAGE [{n}]")[1].split(f"PASSAGE [{n}]>>>")[0]
    return block.split("words):\n", 1)[1].strip()


def citing(extra: str = ""):
    """A model that quotes the first sentence of passage [1] verbatim, then says ``extra``."""

    def responder(body: dict) -> Reply:
        sentence = re.split(r"(?<=[.!?])\s", passage_answer(body, 1), maxsplit=1)[0]
        return Reply.text(f"The speaker said “{sentence}” [1]. {extra}")

    return responder


def reading_like_the_rules(body: dict) -> Reply:
    """A model that reads questions as OnRecord's rules do, over the facts its prompt gives it
    (the officials listed, the newest date, the conversation): the question reader's reply in
    LLM mode when a test is not about reading (``tests/test_llm_reading.py`` is)."""
    from onrecord.reading.read import Facts, read

    prompt = body["messages"][-1]["content"]
    officials = prompt.split("Officials in the transcripts: ", 1)[1].split("\n", 1)[0]
    newest = prompt.split("Newest transcript: ", 1)[1].split("\n", 1)[0]
    said, question = prompt.split("Conversation so far:\n", 1)[1].rsplit("\nQuestion: ", 1)
    history = [
        {"role": line.split(": ", 1)[0], "content": line.split(": ", 1)[1]}
        for line in said.strip().splitlines()
        if ": " in line
    ]
    facts = Facts(officials={n: 100 for n in officials.split("; ")}, newest=newest)
    reading = read(question.strip(), history, facts)
    return Reply.text(json.dumps({
        "kind": reading.kind.value,
        "search_query": reading.query,
        "topic": reading.topic,
        "speaker": reading.speaker.name if reading.speaker else None,
        "since": reading.dates.since if reading.dates else None,
        "until": reading.dates.until if reading.dates else None,
        "claim": reading.claim.text if reading.claim else None,
    }))  # fmt: skip


def answer_requests(server) -> list[dict]:
    """The chat requests of ``server`` (a ``FakeOpenAI``) other than the question's reading."""
    return [r for r in server.chat_requests if "response_format" not in r["body"]]
