"""Replies of the local OpenAI-compatible server (``fake_openai``) that read OnRecord's
answer prompt, as a model would."""

from __future__ import annotations

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
