"""Speakers named by office: offices read from real transcripts at ingest, and a question that
names an office ("Gazprom's chief", "the housing minister") finding the person."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunker import chunk_transcript
from ingest.file_text import read_transcript_file
from ingest.formats import parse_transcript
from ingest.offices import speaker_offices
from onrecord.assistant import Assistant
from onrecord.index.lexical import lexical_fields
from onrecord.index.reader import IndexReader
from onrecord.reading.offices import question_office_words, read_office
from onrecord.settings import ChunkSettings, Settings
from onrecord.types import SearchFilters
from tests.conftest import FIXTURES, MFA_FILE, SAMPLE
from tests.support.questions import OFFICES


def _transcript(path: Path):
    return parse_transcript(path.stem, read_transcript_file(path, 10**8).text)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # title "Meeting with Gazprom CEO Alexei Miller"; labels carry the name only
        (FIXTURES / "kremlin" / "kremlin_en_8055.txt", {"Alexei Miller": "Gazprom CEO"}),
        # a first, longer label: "Economic Development Minister Alexei Ulyukayev"
        (
            SAMPLE / "kremlin" / "kremlin_en_51295.txt",
            {
                "Alexei Ulyukayev": "Economic Development Minister",
                "Mikhail Men": "Construction, Housing and Utilities Minister",
                "Dmitry Medvedev": "Prime Minister",
                "Olga Golodets": "Deputy Prime Minister",
                "Vladimir Putin": "President of Russia",
            },
        ),
        # title "... and National Security Communications Advisor John Kirby"; labels "MR. KIRBY"
        (
            FIXTURES
            / "whitehouse"
            / next(p.name for p in (FIXTURES / "whitehouse").glob("wh_2024*")),
            {
                "John Kirby": "National Security Communications Advisor",
                "Karine Jean-Pierre": "Press Secretary",
            },
        ),
        # the MFA title "Foreign Minister Sergey Lavrov’s remarks ..."
        (MFA_FILE, {"Sergey Lavrov": "Foreign Minister"}),
    ],
)
def test_offices_are_read_from_labels_titles_and_opening_lines(path: Path, expected: dict):
    offices = speaker_offices(_transcript(path))
    for speaker, office in expected.items():
        assert office in offices[speaker].split("; "), (speaker, offices.get(speaker))


def test_an_office_never_takes_another_speakers_name_or_a_journalist():
    transcript = _transcript(
        FIXTURES / "whitehouse" / next(p.name for p in (FIXTURES / "whitehouse").glob("wh_2024*"))
    )
    offices = speaker_offices(transcript)
    # "Press Secretary Karine Jean-Pierre and National Security ... Advisor John Kirby":
    # Kirby's office stops at her name; journalists ("Q") have none.
    assert "Jean-Pierre" not in offices["John Kirby"]
    assert "Question" not in offices and all(offices.values())


def test_passages_carry_the_office_into_keyword_and_embedded_text():
    transcript = _transcript(FIXTURES / "kremlin" / "kremlin_en_8055.txt")
    miller = [
        p for p in chunk_transcript(transcript, ChunkSettings()) if p.speaker == "Alexei Miller"
    ]
    assert miller and all(p.office == "Gazprom CEO" for p in miller)
    assert all(
        p.embed_text.startswith(transcript.title + "\n")
        and f"\nAlexei Miller (Gazprom CEO): {p.text}" in p.embed_text
        for p in miller
    )
    answer_field, _ = lexical_fields(miller[0])
    assert answer_field.startswith("Alexei Miller (Gazprom CEO) ")


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("How far had gas reached homes, going by Gazprom's chief in 2017?", "Alexei Miller"),
        ("What did the industry minister say about car sales?", "Denis Manturov"),
        ("How did the national security adviser justify the F-16 decision?", "Jake Sullivan"),
        ("How many orphans, according to the head of the Accounts Chamber?", "Alexei Kudrin"),
        ("What did the prime minister promise?", "Dmitry Medvedev"),  # not his deputy
        ("What did the deputy prime minister promise?", "Olga Golodets"),
        ("How did the press secretary answer?", "Karine Jean-Pierre"),
    ],
)
def test_a_question_naming_an_office_finds_the_one_person_holding_it(question, speaker):
    found = read_office(question, OFFICES)
    assert found is not None and found.name == speaker


@pytest.mark.parametrize(
    "question",
    [
        "What did the healthcare minister say about vaccines?",  # two people held it
        "What did Putin say about the finance ministry?",  # no office word ("ministry")
        "What did the minister say?",  # an office word alone names nobody
        "Did the federal government say anything about gas?",  # no office word
    ],
)
def test_no_one_is_chosen_when_the_office_does_not_single_out_a_person(question):
    assert read_office(question, OFFICES) is None


def test_office_words_are_read_only_near_an_office_word():
    roles, near = question_office_words(
        "Gazprom's chief spoke at length about gas prices, pipeline tariffs and demand in Europe"
    )
    assert roles == {"head"} and "gazprom" in near and "europ" not in near


def test_an_office_and_a_date_in_the_question_become_a_speaker_filter(sample_index: Path, embedder):
    settings = Settings(index_dir=sample_index)
    reader = IndexReader.open(sample_index, settings)
    offices = reader.official_offices(SearchFilters(since="2016-01-01", until="2016-12-31"))
    assert "Construction, Housing and Utilities Minister" in offices["Mikhail Men"]
    assistant = Assistant(settings, reader, embedder)
    answer = assistant.retrieve(
        "What did the housing and utilities minister report in February 2016 about "
        "resettling people from dilapidated housing?"
    )
    assert answer.filters.speaker == "Mikhail Men"
    assert "speaker: Mikhail Men (Construction, Housing and Utilities Minister)" in (
        answer.auto_filters
    )
    assert answer.passages and {h.speaker for h in answer.passages} == {"Mikhail Men"}
    # Two people asked about, one by office and one by name: neither becomes the filter.
    both = assistant.retrieve(
        "What did the housing and utilities minister report in February 2016 about "
        "resettling people from dilapidated housing, and what did Putin tell him?"
    )
    assert both.filters.speaker is None
    assert both.auto_filters == ["dates: 2016-02-01 to 2016-02-29"]
    assert {"Mikhail Men", "Vladimir Putin"} <= {h.speaker for h in both.passages}
    settings.search = settings.search.model_copy(update={"office_speakers": False})
    unfiltered = Assistant(settings, reader, embedder).retrieve(answer.question)
    assert unfiltered.filters.speaker is None
    assert unfiltered.auto_filters == ["dates: 2016-02-01 to 2016-02-29"]


def test_a_role_label_reads_with_its_article_in_the_lead_and_as_written_above_its_quotes(
    sample_index: Path, embedder
):
    settings = Settings(index_dir=sample_index)
    assistant = Assistant(settings, IndexReader.open(sample_index, settings), embedder)
    answer = assistant.answer(
        "What did the White House say on the background call about the Houthi attacks in the "
        "Red Sea?"
    )
    assert answer.found
    assert {c.speaker for c in answer.citations} == {"Senior Administration Official"}
    assert answer.text.startswith("What a senior administration official said on this")
    assert "\n**Senior Administration Official**, 4 January 2024" in answer.text
