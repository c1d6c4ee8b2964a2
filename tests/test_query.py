"""Filters read from the question itself (pure functions)."""

from __future__ import annotations

import pytest

from onrecord.query import analyse_question, extract_date_range, extract_speaker

SPEAKERS = {
    "Vladimir Putin": 900,
    "Sergey Lavrov": 40,
    "Sergei Lavrov": 3,
    "Jen Psaki": 300,
    "Psaki": 20,
    "Dmitry Medvedev": 50,
    "Dmitry Peskov": 60,
    "Alexander Lukashenko": 12,
    "Kirby": 2,
    "All Russia": 5,  # a label such as "All Russia People's Front" read as a name
}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did Lavrov say on May 26, 2020?", ("2020-05-26", "2020-05-26")),
        ("What did he say on 3 March 2021 about grain?", ("2021-03-03", "2021-03-03")),
        (
            "What did Putin say in January 2020 about the constitution?",
            ("2020-01-01", "2020-01-31"),
        ),
        (
            "When Omicron surfaced in late November 2021, what did Fauci say?",
            ("2021-11-01", "2021-11-30"),
        ),
        ("At his 2019 annual news conference, what did Putin say?", ("2019-01-01", "2019-12-31")),
        ("After the 2017 G20 summit, did Putin claim that?", ("2017-01-01", "2017-12-31")),
        ("What trade target was set, and how big was trade in 2013?", None),
        # Several days or months named: the range runs from the first to the last.
        (
            "Between his May and November 2019 meetings with Putin, how many signed up?",
            ("2019-05-01", "2019-11-30"),
        ),
        ("What did he say between March and May 2022?", ("2022-03-01", "2022-05-31")),
        (
            "How did ridership grow between the April 2017 briefing and the October 2018 report?",
            ("2017-04-01", "2018-10-31"),
        ),
        ("On May 26, 2020, and again on June 2, 2020?", ("2020-05-26", "2020-06-02")),
        # A year alone: the year it was said when the question is about what was said.
        ("What did Lavrov say about the price of oil in 2019?", ("2019-01-01", "2019-12-31")),
        ("What target did Putin say they had set, and how big was trade in 2013?", None),
        ("What has Psaki said about inflation since 2021?", ("2021-01-01", None)),
        ("What did Putin say about the economy since March 2022?", ("2022-03-01", None)),
        ("What happened on February 30, 2020?", None),
        ("Nothing about dates here", None),
    ],
)
def test_dates(question, expected):
    found = extract_date_range(question)
    assert (found[:2] if found else None) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did Psaki say about the August 31 deadline?", "Psaki"),
        ("Which country did Lavrov single out over the convention?", "Sergey Lavrov"),
        ("What was Putin's take on US gas for Poland?", "Vladimir Putin"),
        ("According to Peskov, was the meeting cancelled?", "Dmitry Peskov"),
        ("Has Putin ever used a look-alike?", "Vladimir Putin"),
        # Named, but not as the one speaking:
        ("How did the White House respond to Lavrov's hints about spies?", None),
        ("Is Moscow worried that Lukashenko wants to build missiles with China?", None),
        # Two people tied to speech: not confident.
        ("What did Putin say and what did Medvedev answer?", None),
        ("Going by what Putin and Medvedev said at the meeting, how big was it?", None),
        ("Did Putin and Medvedev give the same figure?", None),
        ("What did Putin say about Medvedev and Lukashenko?", "Vladimir Putin"),
        # Too few passages to be a confident filter.
        ("What did Kirby say about the pier?", None),
        # The owner of an office is not the one speaking: the office holder is.
        ("What did Putin's press secretary say about the talks?", None),
        ("Did Russia's human rights commissioner say the complaints were resolved?", None),
        ("Did Putin's spokesman deny it, and what did Putin say?", "Vladimir Putin"),
    ],
)
def test_speaker(question, expected):
    assert extract_speaker(question, SPEAKERS) == expected


def test_analyse_question_notes_what_it_applied():
    intent = analyse_question("What did Psaki say in August 2021 about Kabul?", SPEAKERS)
    assert (intent.speaker, intent.since, intent.until) == ("Psaki", "2021-08-01", "2021-08-31")
    assert intent.notes == ["August 2021", "speaker Psaki"]
    relative = analyse_question("What did Psaki say last year?", SPEAKERS, newest="2022-05-03")
    assert (relative.since, relative.until) == ("2021-01-01", "2021-12-31")
    assert relative.notes[0] == "last year, counted from the newest transcript (2022-05-03)"
    assert analyse_question("What did Psaki say last year?", SPEAKERS).since is None
    spread = analyse_question("What did Psaki say between June and August 2021?", SPEAKERS)
    assert (spread.since, spread.until) == ("2021-06-01", "2021-08-31")
    assert spread.notes == ["June 2021 to August 2021", "speaker Psaki"]
