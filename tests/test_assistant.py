"""The answer engine end to end on the real fixture index: quotes mode, filters read from the
question, follow-ups, and LLM mode against a local OpenAI-compatible server."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from onrecord.assistant import Assistant
from onrecord.constants import NO_CLEAR_ANSWER, NOT_FOUND
from onrecord.index.reader import IndexReader
from onrecord.llm_client import ChatClient
from onrecord.quotes_answer import CANDIDATE_PASSAGES, RELEVANCE_SHARE, choose_quotes, terms
from onrecord.sentences import sentence_spans
from onrecord.settings import LLMSettings
from onrecord.types import Answer, Role
from onrecord.verify import is_verbatim
from tests.conftest import make_settings
from tests.support.fake_openai import Reply
from tests.support.questions import QUESTIONS
from tests.support.replies import answer_requests, citing

CANARY_KEY = "sk-canary-7f3a9c"


@pytest.fixture(scope="module")
def reader(built_index):
    return IndexReader.open(built_index, make_settings(built_index))


@pytest.fixture
def quotes(reader, embedder):
    return Assistant(make_settings(reader.index_dir), reader, embedder)


def llm_assistant(reader, embedder, server, **llm) -> Assistant:
    settings = make_settings(
        reader.index_dir,
        openai_api_key=CANARY_KEY,
        openai_base_url=server.base_url,
        llm=LLMSettings(**{"timeout": 2.0, "max_retries": 0, **llm}),
    )
    return Assistant(settings, reader, embedder)


def quoted_spans(text: str) -> list[str]:
    return re.findall(r"“([^”]+)”", text)


def assert_citations_exact(answer: Answer, reader: IndexReader) -> None:
    for c in answer.citations:
        source = reader.catalog.transcript_text(c.doc_id)
        assert source[c.start : c.end] == c.quote and c.verified
        assert c.role is not Role.JOURNALIST


@pytest.mark.parametrize("question", QUESTIONS)
def test_quotes_mode_never_shows_words_that_are_not_in_the_source(quotes, reader, question):
    answer = quotes.answer(question)
    assert answer.mode == "quotes" and answer.found
    assert answer.citations and len(quoted_spans(answer.text)) == len(answer.citations)
    sources = [reader.catalog.transcript_text(c.doc_id) for c in answer.citations]
    for span in quoted_spans(answer.text):
        assert any(is_verbatim(source, span) for source in sources), span
    assert_citations_exact(answer, reader)
    for n in range(1, len(answer.citations) + 1):
        assert f"[{n}]" in answer.text


def test_quotes_mode_answer_reads_as_an_answer(quotes):
    answer = quotes.answer("What did Medvedev tell Miller to do about the Belarus gas debt?")
    lead = answer.text.splitlines()[0]
    assert lead.startswith("What ") and "quoted verbatim" in lead
    assert any(c.speaker in {"Dmitry Medvedev", "Alexei Miller"} for c in answer.citations)
    assert "15 June 2010" in answer.text


def test_off_topic_question_says_no_passage_answers_and_shows_the_closest_quotes(quotes, reader):
    answer = quotes.answer("What is the best recipe for apple pie with cinnamon?")
    assert not answer.found and answer.passages
    assert max(h.relevance for h in answer.passages) < quotes.settings.answer.min_answer_relevance
    # What the search found, not a fact about the archive; the closest words still show.
    assert answer.text.splitlines()[0] == NO_CLEAR_ANSWER and NOT_FOUND not in answer.text
    assert answer.citations and len(quoted_spans(answer.text)) == len(answer.citations)
    assert_citations_exact(answer, reader)


def test_a_name_the_transcripts_never_mention_is_said_plainly(quotes):
    answer = quotes.answer("What did Lavrov say about Zorblaxian separatists?")
    assert not answer.found and answer.text == NOT_FOUND and not answer.citations
    assert "The transcripts never mention Zorblaxian." in answer.warnings


def test_the_next_answers_of_the_cited_press_conference_are_listed(quotes, reader):
    answer = quotes.answer("What did Medvedev tell Miller to do about the Belarus gas debt?")
    more = answer.also_from_events
    assert answer.found and more
    cited_docs = {c.doc_id for c in answer.citations}
    cited = {c.passage_id for c in answer.citations}
    ranked = [h.passage_id for h in answer.candidates]
    for doc_id in {m.citation.doc_id for m in more}:
        lines = [m for m in more if m.citation.doc_id == doc_id]
        assert 0 < len(lines) <= 3
        # the best candidates of that event that no citation quotes, in relevance order
        expected = [
            h.passage_id
            for h in answer.candidates
            if h.doc_id == doc_id and h.role is not Role.JOURNALIST and h.passage_id not in cited
        ][: len(lines)]
        assert [m.citation.passage_id for m in lines] == expected
        assert sorted(lines, key=lambda m: ranked.index(m.citation.passage_id)) == lines
    for m in more:
        c = m.citation
        assert c.doc_id in cited_docs and c.passage_id not in cited
        assert reader.catalog.transcript_text(c.doc_id)[c.start : c.end] == c.quote
        assert c.role is not Role.JOURNALIST and c.n == 0 and "\n" not in c.quote.strip()


def test_filters_read_from_the_question_are_applied_and_reported(quotes):
    answer = quotes.answer("What did Lavrov say in May 2020 about Afghanistan?")
    assert answer.auto_filters == ["speaker: Sergey Lavrov", "dates: 2020-05-01 to 2020-05-31"]
    assert answer.passages and all(h.speaker == "Sergey Lavrov" for h in answer.passages)
    # Filters that match nothing: said in one line, and no answer from outside them.
    empty = quotes.answer("What did Lavrov say in May 2011 about Afghanistan?")
    assert not empty.found and empty.text == NOT_FOUND and not empty.citations
    assert empty.passages == [] and empty.warnings == [
        "Nothing in the transcripts matches what the question asks for (speaker: Sergey "
        "Lavrov; dates: 2011-05-01 to 2011-05-31); nothing outside that was searched."
    ]


def test_a_year_or_last_year_in_the_question_is_a_date_filter_said_as_such(quotes):
    answer = quotes.retrieve("What did Medvedev say about gas in 2010?")
    assert answer.auto_filters == ["speaker: Dmitry Medvedev", "dates: 2010-01-01 to 2010-12-31"]
    newest = quotes.reader.stats()["date_range"][1]
    year = int(newest[:4]) - 1
    last = quotes.retrieve("What did Lavrov say last year about the CSTO?")
    assert last.auto_filters[-1] == (
        f"dates: {year}-01-01 to {year}-12-31 "
        f"(last year, counted from the newest transcript ({newest}))"
    )


def test_a_follow_up_keeps_who_and_when_and_searches_its_own_topic(quotes):
    history = [
        {"role": "user", "content": "What did Medvedev say in June 2010 about the gas debt?"},
        {"role": "assistant", "content": "He asked Gazprom to act."},
    ]
    answer = quotes.answer("And what deadline did he give?", history=history)
    assert answer.query == "And what deadline did Dmitry Medvedev give?"
    assert answer.filters.speaker == "Dmitry Medvedev"
    assert answer.auto_filters == [
        "speaker: Dmitry Medvedev (from the conversation)",
        "dates: 2010-06-01 to 2010-06-30 (from the conversation)",
    ]
    assert answer.passages[0].doc_id == "kremlin_en_8055"
    assert any("five-day deadline" in c.quote for c in answer.citations)
    # A follow-up moving on in time keeps only the start of the earlier dates.
    later = quotes.retrieve("And what did he say a year later?", history=history)
    assert (later.filters.since, later.filters.until) == ("2010-06-01", None)
    # One pointing back at a thing, or with no topic of its own, is searched with the
    # previous question.
    for question in ("Why?", "How big was that debt?"):
        again = quotes.retrieve(question, history=history)
        assert again.query == f"{history[0]['content']} {question}"
    # "he" with no one the filters know of: the previous question says who.
    unnamed = [{"role": "user", "content": "What was said in June 2010 about the gas debt?"}]
    who = quotes.retrieve("Did he give a deadline?", history=unnamed)
    assert who.filters.speaker is None
    assert who.query == "What was said in June 2010 about the gas debt? Did he give a deadline?"


def test_a_follow_up_on_a_new_topic_finds_it_not_the_old_one(quotes):
    history = [
        {
            "role": "user",
            "content": "What did Lavrov say about the Biological Weapons Convention?",
        },
        {"role": "assistant", "content": "He said the convention needs a verification mechanism."},
    ]
    answer = quotes.answer("And what about Afghanistan?", history=history)
    assert answer.filters.speaker == "Sergey Lavrov" and answer.citations
    quotes_shown = " ".join(c.quote for c in answer.citations)
    assert "Afghanistan" in quotes_shown and "Biological" not in quotes_shown


def test_a_question_whether_something_was_said_gets_a_lead_that_does_not_imply_yes(quotes):
    answer = quotes.answer("Did Lavrov announce that Russia will leave the CSTO?")
    assert answer.found and answer.citations and answer.claim_unshown
    assert answer.text.startswith(
        "The transcripts do not show this in those words. What Sergey Lavrov said on the topic"
    )
    assert "said on this" not in answer.text
    # When a quoted run carries the claim's words, the ordinary lead stays.
    said = quotes.answer("Did Medvedev set a five-day deadline for Belarus?")
    assert said.found and not said.claim_unshown
    assert said.text.startswith("What Dmitry Medvedev said on this")
    assert any("five-day deadline" in c.quote for c in said.citations)
    # A claim stated before the question is checked the same way.
    stated = quotes.answer(
        "In May 2020 Lavrov told reporters that Russia would leave the CSTO. What reasons did "
        "he give?"
    )
    assert stated.found and stated.claim_unshown
    assert stated.text.startswith("The transcripts do not show this in those words.")


def test_the_gate_reads_relevance_even_when_filters_leave_few_passages(quotes):
    # Medvedev's own passages are few in this index: the best of them is still not an answer
    # to a question on another subject, whatever its rank among them.
    gate = quotes.settings.answer.min_answer_relevance
    answer = quotes.answer("What did Medvedev say about the biological weapons convention?")
    assert answer.filters.speaker == "Dmitry Medvedev" and answer.passages
    assert not answer.found and answer.text.startswith(NO_CLEAR_ANSWER)
    assert all(c.speaker == "Dmitry Medvedev" for c in answer.citations)
    assert max(h.relevance for h in answer.passages) < gate
    on_topic = quotes.answer("What did Medvedev say about the Belarus gas debt?")
    assert on_topic.found and max(h.relevance for h in on_topic.passages) >= gate


def test_over_long_question_is_cut_with_a_warning(quotes):
    answer = quotes.answer("What did Lavrov say about Afghanistan? " + "x " * 6000)
    assert len(answer.question) == 2000 and "cut to its first 2000" in answer.warnings[0]


def test_a_sentence_budget_caps_what_is_embedded_and_keeps_each_passages_best(quotes, embedder):
    question = "What did Medvedev tell Miller to do about the Belarus gas debt?"
    hits = quotes.answer(question).passages
    given: list[list[str]] = []

    def similarity(texts: list[str]) -> list[float]:
        given.append(texts)
        vectors = embedder.embed([question, *texts])
        return [float(v) for v in vectors[1:] @ vectors[0]]

    weight, wanted = quotes.reader.lexical.term_weight, terms(question)
    everything = choose_quotes(question, hits, similarity, weight)
    total = len(given[-1])
    assert total > 12  # the cap below has something to cut
    assert choose_quotes(question, hits, similarity, weight, budget=total) == everything
    capped = choose_quotes(question, hits, similarity, weight, budget=12)
    assert len(given[-1]) == 12 and set(given[-1]) < set(given[0])
    # The sentence that shares most of the question's words is always among those scored.
    for hit in [h for h in hits if h.role is not Role.JOURNALIST][:CANDIDATE_PASSAGES]:
        spans = sentence_spans(hit.text, 0, len(hit.text))
        best = max(spans, key=lambda sp: sum(map(weight, terms(hit.text[sp[0] : sp[1]]) & wanted)))
        assert f"{hit.speaker}: {hit.text[best[0] : best[1]]}" in given[-1]
    assert capped and all(c.hit.role is not Role.JOURNALIST for c in capped)
    calls = len(given)
    by_words = choose_quotes(question, hits, similarity, weight, budget=0)
    assert len(given) == calls and by_words  # 0: nothing embedded, quotes picked by words


def test_only_passages_nearly_as_likely_to_answer_as_the_best_are_quoted(quotes, embedder):
    question = "What did Medvedev tell Miller to do about the Belarus gas debt?"
    hits = [h for h in quotes.answer(question).passages if h.role is not Role.JOURNALIST][:4]
    assert len({h.passage_id for h in hits}) == 4

    def similarity(texts: list[str]) -> list[float]:
        vectors = embedder.embed([question, *texts])
        return [float(v) for v in vectors[1:] @ vectors[0]]

    weight = quotes.reader.lexical.term_weight
    # The last passage is made the likeliest: it is quoted, wherever it stands. The others
    # are quoted when at least RELEVANCE_SHARE as likely, whatever their sentences score.
    likelihood = [0.3, 0.2, 0.1, 0.5]
    ranked = [replace(h, relevance=p) for h, p in zip(hits, likelihood, strict=True)]
    quoted = {c.hit.passage_id for c in choose_quotes(question, ranked, similarity, weight)}
    kept = {h.passage_id for h in ranked if h.relevance >= RELEVANCE_SHARE * 0.5}
    assert ranked[3].passage_id in quoted and ranked[2].passage_id not in quoted
    assert quoted <= kept
    # Without relevance (search.relevance_depth 0) the runs' own scores decide.
    plain = [replace(h, relevance=None) for h in hits]
    assert choose_quotes(question, plain, similarity, weight)


# --- LLM mode against the local OpenAI-compatible server ------------------------------------
citing_responder = citing("This was also discussed [2].")


@pytest.fixture(autouse=True)
def fresh_budget():
    ChatClient.requests_made = 0


def test_llm_answer_with_verified_quotes(reader, embedder, fake_openai):
    fake_openai.responder = citing_responder
    assistant = llm_assistant(reader, embedder, fake_openai)
    pieces = list(assistant.stream("Does the ceasefire appeal cover terrorist organisations?"))
    streamed, answer = pieces[:-1], pieces[-1]
    assert streamed and all(isinstance(p, str) for p in streamed)
    assert answer.mode == "llm" and answer.found and answer.warnings == []
    assert [c.n for c in answer.citations] == [1, 2]
    assert_citations_exact(answer, reader)
    assert answer.citations[0].quote in answer.text
    assert answer.usage["input_tokens"] > 0
    request = fake_openai.chat_requests[-1]
    assert request["headers"]["authorization"] == f"Bearer {CANARY_KEY}"
    system = request["body"]["messages"][0]["content"]
    assert NOT_FOUND in system and "untrusted" in system


@pytest.mark.parametrize(
    "bad_reply",
    [
        "Lavrov said “the ceasefire covers every single group without exception” [1].",
        "Lavrov said “{question}” [1].",
        "Lavrov discussed it [9].",
        "{not json but the model rambles with no citations}",
        '{"answer": "Lavrov said \\u201cevery group is covered\\u201d [1", "citations": [',
    ],
)
def test_unverifiable_llm_answers_fall_back_to_quotes_mode(
    reader, embedder, fake_openai, bad_reply
):
    def responder(body: dict) -> Reply:
        prompt = body["messages"][-1]["content"]
        question = prompt.split("(a journalist's words, not the speaker's): ")[1].split("\n")[0]
        return Reply.text(bad_reply.replace("{question}", question))

    fake_openai.responder = responder
    answer = llm_assistant(reader, embedder, fake_openai).answer(
        "Does the ceasefire appeal cover terrorist organisations?"
    )
    assert answer.mode == "quotes" and answer.citations
    assert any(w.startswith("LLM answer rejected") for w in answer.warnings)
    assert answer.warnings[-1] == "Showing the quotes-mode answer instead."
    assert_citations_exact(answer, reader)
    for made_up in ("covers every single group", "every group is covered", "rambles"):
        assert made_up not in answer.text  # none of the model's words reach the answer
    assert all(c.role is Role.OFFICIAL for c in answer.citations)


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply.invalid_api_key(), "rejected the API key (401)"),
        (Reply.insufficient_quota(), "no quota left"),
        (Reply.rate_limited(retry_after=0.01), "rate-limiting requests (429)"),
        (Reply.server_error(), "failed (HTTP 500)"),
        (Reply.text("late").with_delay(3.0), "did not answer within 2 seconds"),
        (Reply.cut_stream(["The speaker ", "said that"]), "cut off before it finished"),
        (Reply.cut_stream(["The speaker said"], graceful=True), "cut off before it finished"),
        (Reply.non_json(status=200), "could not be read"),
    ],
)
def test_llm_errors_give_one_clear_message_and_a_quotes_answer(
    reader, embedder, fake_openai, reply, message
):
    fake_openai.script(reply)
    answer = llm_assistant(reader, embedder, fake_openai).answer(
        "Does the ceasefire appeal cover terrorist organisations?"
    )
    assert answer.mode == "quotes" and answer.citations
    assert len(answer.warnings) == 1 and message in answer.warnings[0]
    assert "Traceback" not in answer.warnings[0] and CANARY_KEY not in answer.warnings[0]


def test_connection_refused_is_a_clear_message(reader, embedder, fake_openai):
    assistant = llm_assistant(reader, embedder, fake_openai)
    fake_openai.stop()
    answer = assistant.answer("Does the ceasefire appeal cover terrorist organisations?")
    assert answer.mode == "quotes" and "Cannot reach the LLM endpoint" in answer.warnings[0]


def test_rate_limit_then_success_is_answered_after_retries(reader, embedder, fake_openai):
    fake_openai.script(Reply.rate_limited(retry_after=0.01))
    fake_openai.responder = citing_responder
    answer = llm_assistant(reader, embedder, fake_openai, max_retries=2).answer(
        "Does the ceasefire appeal cover terrorist organisations?"
    )
    assert answer.mode == "llm" and answer.warnings == []
    assert len(answer_requests(fake_openai)) == 2


def test_context_length_error_retries_with_fewer_passages(reader, embedder, fake_openai):
    fake_openai.script(Reply.context_length_exceeded())
    fake_openai.responder = citing_responder
    answer = llm_assistant(reader, embedder, fake_openai, passages=8).answer(
        "Does the ceasefire appeal cover terrorist organisations?"
    )
    first, second = (r["body"]["messages"][-1]["content"] for r in answer_requests(fake_openai))
    assert first.count("<<<PASSAGE [") == 8 and second.count("<<<PASSAGE [") == 4
    assert answer.mode == "llm"


def test_llm_follow_up_is_read_by_the_model_before_searching(reader, embedder, fake_openai):
    fake_openai.reader = lambda body: Reply.text(
        '{"kind": "answer", "search_query": "Belarus gas debt deadline Medvedev Gazprom", '
        '"topic": "", "speaker": null, "since": null, "until": null, "claim": null}'
    )
    fake_openai.responder = citing_responder
    history = [
        {"role": "user", "content": "What did Medvedev say about Belarus?"},
        {"role": "assistant", "content": "He discussed gas."},
    ]
    answer = llm_assistant(reader, embedder, fake_openai).answer(
        "And the deadline?", history=history
    )
    prompt = fake_openai.chat_requests[0]["body"]["messages"][-1]["content"]
    assert "What did Medvedev say about Belarus?" in prompt and "And the deadline?" in prompt
    assert answer.reading.reader == "model" and answer.reading.follows_up
    assert answer.query == "Belarus gas debt deadline Medvedev Gazprom"
    assert answer.passages[0].doc_id == "kremlin_en_8055"


def test_request_budget_stops_llm_calls(reader, embedder, fake_openai):
    fake_openai.responder = citing_responder
    assistant = llm_assistant(reader, embedder, fake_openai, request_budget=2)
    first = assistant.answer("Does the ceasefire appeal cover terrorist organisations?")
    assert first.mode == "llm" and first.reading.reader == "model"  # two requests: read, answer
    second = assistant.answer("Does the ceasefire appeal cover terrorist organisations?")
    assert second.mode == "quotes" and "budget" in second.warnings[0]
    assert second.reading.reader == "rules" and second.citations
    assert len(fake_openai.chat_requests) == 2
