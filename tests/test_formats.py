"""Each transcript format on real files: detection, metadata, turns, offsets, boilerplate."""

from __future__ import annotations

import pytest

from ingest.formats import UnparseableTranscript, detect_format, parse_transcript
from onrecord.types import Role
from tests.conftest import FIXTURES, MFA_FILE

WH_KIRBY = next((FIXTURES / "whitehouse").glob("wh_2024-04-18*.txt"))
WH_ALLENTOWN = next((FIXTURES / "whitehouse").glob("wh_2021-07-28*.txt"))


def parse(path):
    return parse_transcript(path.stem, path.read_text(encoding="utf-8"))


def assert_offsets_clean(transcript) -> None:
    for turn in transcript.turns:
        words = transcript.text[turn.start : turn.end]
        assert words and words == words.strip(" \n\t\u00a0"), (turn, words[:40], words[-40:])


@pytest.mark.parametrize(
    ("path", "source"),
    [
        (MFA_FILE, "mfa"),
        (FIXTURES / "kremlin" / "kremlin_en_8055.txt", "kremlin"),
        (WH_KIRBY, "whitehouse"),
        (FIXTURES / "generic" / "lavrov_cst_excerpt.txt", "generic"),
    ],
)
def test_format_is_detected(path, source):
    assert detect_format(path.read_text(encoding="utf-8")) == source
    assert parse(path).source == source


def test_mfa_page_metadata_opening_remarks_and_boilerplate():
    t = parse(MFA_FILE)
    assert (t.date, t.time, t.place) == ("2020-05-26", "17:51", "Moscow")
    assert t.title.startswith("Foreign Minister Sergey Lavrov’s remarks and answers")
    first = t.turns[0]
    assert (first.label, first.speaker, first.role) == ("", "Sergey Lavrov", Role.OFFICIAL)
    assert t.turn_text(first).startswith("We have held a CSTO Foreign Ministers Council meeting")
    assert "de-DE1" not in t.turn_text(first)
    last = t.turn_text(t.turns[-1])
    assert "Additional materials" not in last and "Advanced settings" not in last
    assert last.endswith("relations with any country.") or last.rstrip()[-1] in ".?!"
    assert {turn.speaker for turn in t.turns} == {"Sergey Lavrov", "Question"}
    assert all(turn.role is Role.JOURNALIST for turn in t.turns if turn.label == "Question")
    assert_offsets_clean(t)


def test_kremlin_titles_and_one_name_per_person():
    t = parse(FIXTURES / "kremlin" / "kremlin_en_8055.txt")
    assert (t.date, t.time, t.place) == ("2010-06-15", "20:30", "Gorki, Moscow Region")
    assert t.title == "Meeting with Gazprom CEO Alexei Miller"
    labels = {turn.label: turn.speaker for turn in t.turns}
    assert labels["President of\u00a0Russia Dmitry Medvedev"] == "Dmitry Medvedev"
    assert labels["Dmitry Medvedev"] == "Dmitry Medvedev"
    assert labels["Gazprom CEO Alexei Miller"] == "Alexei Miller"
    assert t.speakers == ["Dmitry Medvedev", "Alexei Miller"]
    assert all(turn.role is Role.OFFICIAL for turn in t.turns)
    # The lead paragraph written by the site is not a turn.
    assert t.turns[0].start > t.text.index("* * *")
    assert_offsets_clean(t)


def test_kremlin_interview_questions_are_journalists():
    t = parse(FIXTURES / "kremlin" / "kremlin_en_17723.txt")
    roles = {turn.speaker: turn.role for turn in t.turns}
    assert roles == {"Question": Role.JOURNALIST, "Vladimir Putin": Role.OFFICIAL}
    assert t.place is None  # this page has no place line: the first turn follows the title


def test_whitehouse_q_turns_stage_notes_and_full_names():
    t = parse(WH_KIRBY)
    assert t.date == "2024-04-18" and t.time == "11:53 A.M. EDT"
    speakers = {turn.label: (turn.speaker, turn.role) for turn in t.turns}
    assert speakers["MS. JEAN-PIERRE"] == ("Karine Jean-Pierre", Role.OFFICIAL)
    assert speakers["MR. KIRBY"] == ("John Kirby", Role.OFFICIAL)
    assert speakers["Q"] == ("Question", Role.JOURNALIST)
    for turn in t.turns:
        words = t.turn_text(turn)
        assert not words.endswith("(Cross-talk.)")
        assert "P.M. EDT" not in words[-20:] and "A.M. EDT" not in words[-20:]
    assert_offsets_clean(t)


def test_whitehouse_other_staff_are_not_officials_quoted_as_journalists():
    t = parse(WH_ALLENTOWN)
    roles = {turn.speaker: turn.role for turn in t.turns}
    assert roles["Karine Jean-Pierre"] is Role.OFFICIAL
    assert roles["Question"] is Role.JOURNALIST


def test_generic_transcript_with_header():
    t = parse(FIXTURES / "generic" / "lavrov_cst_excerpt.txt")
    assert t.title == "Sergey Lavrov answers questions on the CSTO (excerpt)"
    assert (t.date, t.place) == ("2020-05-26", "Moscow")
    assert [turn.speaker for turn in t.turns[:2]] == ["Question", "Sergey Lavrov"]
    assert_offsets_clean(t)


def test_generic_without_header_takes_first_line_and_date():
    text = (
        "Briefing on the harvest, 3 March 2021\n\nAnna Petrova: Good morning.\n\n"
        "Question: How big was the harvest?\n\nAnna Petrova: It was the largest ever.\n"
    )
    t = parse_transcript("harvest", text)
    assert t.title == "Briefing on the harvest, 3 March 2021" and t.date == "2021-03-03"
    assert [turn.role for turn in t.turns] == [Role.OFFICIAL, Role.JOURNALIST, Role.OFFICIAL]


@pytest.mark.parametrize(
    "text",
    [
        "Just a paragraph of prose with no speakers at all.\n\nAnother paragraph.",
        "2021-01-01\n\nSome White House page without any turns.\n",
        "June 9, 2010, 17:10\n\nA Kremlin news item\n\nThe President met the governor.\n",
    ],
)
def test_text_without_turns_is_refused(text):
    with pytest.raises(UnparseableTranscript, match="no speaker turns"):
        parse_transcript("x", text)


def test_sentences_ending_in_colon_are_not_labels():
    text = (
        "Title: Test\n\nJane Doe: First answer.\n\nI would like to add the following: more.\n\n"
        "In conclusion: thanks.\n\nMr President, my question is as follows: why?\n\n"
        "John Roe: Second answer.\n"
    )
    t = parse_transcript("x", text)
    assert [turn.speaker for turn in t.turns] == ["Jane Doe", "John Roe"]
    assert "I would like to add the following: more." in t.turn_text(t.turns[0])
