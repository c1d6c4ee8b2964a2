"""A question about a name the transcripts never mention is not answered from passages that
only match the rest of it, on the bundled sample index: the relevance gate alone would let
these through (the CSTO passages are relevant), the unknown name stops them."""

from __future__ import annotations

from pathlib import Path

import pytest

from onrecord.assistant import Assistant
from onrecord.constants import NOT_FOUND
from onrecord.index.reader import IndexReader
from onrecord.settings import Settings


@pytest.fixture(scope="module")
def assistant(sample_index: Path, embedder) -> Assistant:
    settings = Settings(index_dir=sample_index)
    return Assistant(settings, IndexReader.open(sample_index, settings), embedder)


def test_a_name_never_mentioned_is_said_so_and_not_answered(assistant: Assistant):
    question = "What did Lavrov say about Grzegorzewski and the CSTO partners?"
    answer = assistant.answer(question)
    gate = Settings().answer.min_answer_relevance
    assert max(h.relevance or 0.0 for h in answer.passages) >= gate, "the gate would pass it"
    assert not answer.found and answer.text == NOT_FOUND and not answer.citations
    assert "The transcripts never mention Grzegorzewski." in answer.warnings


def test_without_the_unknown_name_the_same_question_is_answered(assistant: Assistant):
    answer = assistant.answer("What did Lavrov say about the CSTO partners?")
    assert answer.found and answer.citations
    assert not any("never mention" in w for w in answer.warnings)
