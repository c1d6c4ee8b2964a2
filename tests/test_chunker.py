"""Turns -> passages: questions kept with answers, sentence-bounded sizes, exact offsets."""

from __future__ import annotations

from itertools import pairwise

from ingest.chunker import chunk_transcript
from ingest.formats import parse_transcript
from onrecord.sentences import sentence_spans
from onrecord.settings import ChunkSettings
from onrecord.types import Role
from tests.conftest import ATTRIBUTION, FIXTURES, MFA_FILE, SAMPLE

SETTINGS = ChunkSettings()


def passages_of(path, settings=SETTINGS):
    t = parse_transcript(path.stem, path.read_text(encoding="utf-8"))
    return t, chunk_transcript(t, settings)


def test_answers_carry_their_question_and_exact_offsets():
    t, passages = passages_of(MFA_FILE)
    for p in passages:
        assert t.text[p.start : p.end] == p.text
        assert p.role is not Role.JOURNALIST
        if p.question_start >= 0:
            assert t.text[p.question_start : p.question_end] == p.question
    answer = next(p for p in passages if p.text.startswith("This is a very relevant question."))
    assert answer.question.startswith("The coronavirus pandemic has affected")
    assert answer.speaker == "Sergey Lavrov" and answer.label == "Sergey Lavrov"
    assert answer.question in answer.embed_text and answer.text in answer.embed_text


def test_journalist_words_are_never_answer_text():
    t, passages = passages_of(next((FIXTURES / "whitehouse").glob("wh_2024-04-18*.txt")))
    question_spans = [(u.start, u.end) for u in t.turns if u.role is Role.JOURNALIST]
    for p in passages:
        assert not any(s < p.end and p.start < e for s, e in question_spans)


def test_long_turns_split_on_sentences_within_limits():
    settings = ChunkSettings(target_chars=300, max_chars=500)
    t, passages = passages_of(MFA_FILE, settings)
    sentences = [s for turn in t.turns for s in sentence_spans(t.text, turn.start, turn.end)]
    opening = [p for p in passages if p.turn_index == 0]
    assert len(opening) > 3
    for p in passages:
        assert len(p.text) <= settings.max_chars
        # A piece ends at a sentence end, unless it cuts a sentence too long to fit whole.
        cut = [(s, e) for s, e in sentences if s < p.end < e]
        assert p.end in {e for _, e in sentences} or cut[0][1] - cut[0][0] > settings.max_chars
    # Pieces of one turn do not overlap and keep reading order.
    assert all(a.end <= b.start for a, b in pairwise(opening))


def test_ids_are_stable_and_content_derived():
    _, first = passages_of(MFA_FILE)
    _, second = passages_of(MFA_FILE)
    assert [p.id for p in first] == [p.id for p in second]
    assert len({p.id for p in first}) == len(first)
    t = parse_transcript("other_id", MFA_FILE.read_text(encoding="utf-8"))
    assert {p.id for p in chunk_transcript(t, SETTINGS)}.isdisjoint({p.id for p in first})


def test_sentence_spans_keep_closing_quotes_and_abbreviations():
    text = "Mr. Smith said “no.” The U.S. agreed!  Then (Laughter.) ended"
    spans = [text[s:e] for s, e in sentence_spans(text, 0, len(text))]
    assert spans == ["Mr. Smith said “no.”", "The U.S. agreed!", "Then (Laughter.) ended"]


def test_empty_and_tiny_turns_make_no_passages():
    text = (
        "Title: T\n\nJane Doe: Thanks.\n\nQuestion: Why?\n\nJane Doe: Because the budget ran out.\n"
    )
    t = parse_transcript("tiny", text)
    passages = chunk_transcript(t, SETTINGS)
    assert [p.text for p in passages] == ["Because the budget ran out."]
    # A short answer to a short question carries the turns before it as context.
    assert passages[0].question == "Thanks.\n\nQuestion: Why?"


def test_interrupted_question_is_kept_whole():
    text = (
        "2022-01-01\n\nBriefing\n\nMS. PSAKI:  Hi.\n\n"
        "Q    On the Secretary of Transportation and the derailment in Ohio — \n\n"
        "MS. PSAKI:  Yeah.\n\nQ    — does the President still have confidence in him?\n\n"
        "MS. PSAKI:  I can answer that very quickly: yes, the President has full confidence "
        "in the Secretary, and he has said so many times, including this week.\n"
    )
    t = parse_transcript("wh", text)
    answer = chunk_transcript(t, SETTINGS)[-1]
    assert answer.text.startswith("I can answer that very quickly")
    assert "Q    On the Secretary of Transportation and the derailment" in answer.question
    assert answer.question.endswith("does the President still have confidence in him?")
    assert "Yeah." not in [p.text for p in chunk_transcript(t, SETTINGS)]


def test_short_answers_in_rapid_exchanges_take_earlier_turns_as_context():
    text = (
        "Title: T\n\nQuestion: There are rumours that you use body doubles for public "
        "events. Is that true?\n\nVladimir Putin: There is only one of me.\n\n"
        "Question: And?\n\nVladimir Putin: I discarded the idea of any doubles.\n"
    )
    t = parse_transcript("doubles", text)
    last = chunk_transcript(t, SETTINGS)[-1]
    assert last.text == "I discarded the idea of any doubles."
    assert "body doubles" in last.question and last.question.endswith("And?")
    assert t.text[last.question_start : last.question_end] == last.question


def first_answer_after(path, words: str):
    """The first passage of the official's turn that follows the turn holding ``words``."""
    t, passages = passages_of(path)
    at = t.text.index(words)
    asked = next(u for u in t.turns if u.start <= at < u.end)
    answer = next(u for u in t.turns[asked.index + 1 :] if u.role is Role.OFFICIAL)
    return asked, next(p for p in passages if p.turn_index == answer.index)


def test_an_answer_to_a_moderator_or_a_participant_carries_their_words_as_its_question():
    """Lukyanov asks Putin at the Valdai Club (a moderator); Alexei Kudrin and Boris Eifman
    speak at a Direct Line (participants, given the floor by a host): what Putin says next
    answers them, not the last journalist before."""
    valdai = ATTRIBUTION / "kremlin" / "kremlin_en_55882.txt"
    asked, passage = first_answer_after(valdai, "de-escalation zones not lead")
    assert asked.role is Role.MODERATOR and passage.speaker == "Vladimir Putin"
    assert "de-escalation zones not lead" in passage.question
    line = ATTRIBUTION / "kremlin" / "kremlin_en_17976.txt"
    asked, passage = first_answer_after(line, "And\u00a0thank you for\u00a0inviting me")
    assert asked.speaker == "Alexei Kudrin" and asked.role is Role.OTHER
    assert passage.question.startswith("Thank you, Mr President. And\u00a0thank you")
    # Boris Eifman, after a host hands over to the reporter at the Mariinsky: from the reporter
    asked, passage = first_answer_after(line, "piece of\u00a0good news")
    assert asked.speaker == "Boris Eifman" and asked.role is Role.OTHER
    assert passage.question.startswith("Good afternoon, Moscow.")
    assert "piece of\u00a0good news" in passage.question


def test_a_moderator_s_introduction_is_the_question_of_the_first_official_only():
    """A press call: the moderator's ground rules, Kirby's framing, then Wallander's remarks.
    Wallander takes up what Kirby said, not the ground rules."""
    call = next((SAMPLE / "whitehouse").glob("wh_2022-06-29-*.txt"))
    _, passage = first_answer_after(call, "Thanks for joining us today.")
    assert passage.speaker == "John Kirby"
    assert passage.question.startswith("Thanks for joining us today.")
    _, passage = first_answer_after(call, "Thank you, [moderator], and good afternoon")
    assert passage.speaker == "Celeste Wallander"
    assert passage.question.startswith("Thank you, [moderator], and good afternoon")
