"""How questions are read: one row per phrasing, the question (with its conversation and the
user's own filters) and the parts of the ``Reading`` expected. A new phrasing is a new row.

Columns of ``expect``: ``kind``, ``speaker`` (canonical name or None), ``source`` (of the
speaker), ``dates`` (since, until) or None, ``topic``, ``claim`` (text or None), ``said``,
``query``, ``follows_up``, ``unknown``, ``amount``, ``notes``, ``topic_words``,
``context_words``. Facts: the officials, offices and known words below (no index).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from onrecord.reading.read import Facts, read
from onrecord.types import SearchFilters
from tests.support.questions import OFFICES

OFFICIALS = {
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
    "Alexei Miller": 30,
    "Denis Manturov": 12,
    "Olga Golodets": 8,
    "Alexei Kudrin": 10,
    "Jake Sullivan": 40,
    "Karine Jean-Pierre": 200,
}
NEVER_SEEN = {"grzegorzewski", "zorbania", "quixotl"}
FACTS = Facts(
    officials=OFFICIALS,
    newest="2022-05-03",
    offices=lambda _filters: OFFICES,
    knows=lambda word: word.lower() not in NEVER_SEEN,
)


def conversation(*questions: str) -> list[dict]:
    """User questions, each followed by an assistant reply."""
    out: list[dict] = []
    for q in questions:
        out += [{"role": "user", "content": q}, {"role": "assistant", "content": "… [1]"}]
    return out


@dataclass
class Row:
    question: str
    expect: dict
    history: list[dict] = field(default_factory=list)
    given: SearchFilters | None = None

    def __str__(self) -> str:
        return self.question[:60]


YEAR19, YEAR21 = ("2019-01-01", "2019-12-31"), ("2021-01-01", "2021-12-31")
LAVROV_CSTO = conversation("What did Lavrov say about the CSTO in May 2020?")
MEDVEDEV = conversation("What did Medvedev say about Belarus in 2010?")
TIMELINE = conversation("How has Putin's position on gas changed?")
ROWS = [
    # --- dates: a day, a month, a span, a year tied to an event or to speech -----------------
    Row("What did Lavrov say on May 26, 2020?", {"dates": ("2020-05-26", "2020-05-26")}),
    Row("What did he say on 3 March 2021 about grain?", {"dates": ("2021-03-03", "2021-03-03")}),
    Row("What did Putin say in January 2020 about the constitution?",
        {"dates": ("2020-01-01", "2020-01-31")}),
    Row("When Omicron surfaced in late November 2021, what did Fauci say?",
        {"dates": ("2021-11-01", "2021-11-30")}),
    Row("At his 2019 annual news conference, what did Putin say?", {"dates": YEAR19}),
    Row("After the 2017 G20 summit, did Putin claim that?",
        {"dates": ("2017-01-01", "2017-12-31")}),
    Row("What trade target was set, and how big was trade in 2013?", {"dates": None}),
    Row("Between his May and November 2019 meetings with Putin, how many signed up?",
        {"dates": ("2019-05-01", "2019-11-30"), "amount": True}),
    Row("What did he say between March and May 2022?", {"dates": ("2022-03-01", "2022-05-31")}),
    Row("How did ridership grow between the April 2017 briefing and the October 2018 report?",
        {"dates": ("2017-04-01", "2018-10-31")}),
    Row("On May 26, 2020, and again on June 2, 2020?", {"dates": ("2020-05-26", "2020-06-02")}),
    Row("What did Lavrov say about the price of oil in 2019?", {"dates": YEAR19}),
    Row("What target did Putin say they had set, and how big was trade in 2013?", {"dates": None}),
    Row("What has Psaki said about inflation since 2021?", {"dates": ("2021-01-01", None)}),
    Row("What did Putin say about the economy since March 2022?", {"dates": ("2022-03-01", None)}),
    Row("What happened on February 30, 2020?", {"dates": None}),
    Row("Nothing about dates here", {"dates": None}),
    Row("What did Psaki say last year?", {"dates": YEAR21, "notes": [
        "speaker: Psaki",
        "dates: 2021-01-01 to 2021-12-31 (last year, counted from the newest transcript "
        "(2022-05-03))"]}),
    Row("What has Putin said this year about grain?", {"dates": ("2022-01-01", "2022-12-31")}),
    Row("What happened last year?", {"dates": None}),  # no speech: the topic's year
    Row("What did Putin say during his 2019 visit to Serbia?", {"dates": YEAR19}),
    Row("In 2018, when the bridge opened, what did Putin say?",
        {"dates": ("2018-01-01", "2018-12-31")}),
    Row("What did Peskov say at the end of 2019 about the talks?", {"dates": YEAR19}),
    Row("What did Putin say at the 2021 Direct Line about vaccines?", {"dates": YEAR21}),
    Row("What did Lavrov say at his 2021 press conference?", {"dates": YEAR21}),
    Row("What did Putin tell the 2019 forum in St Petersburg?", {"dates": YEAR19}),
    Row("What did Psaki say from June to August 2021?", {"dates": ("2021-06-01", "2021-08-31")}),
    Row("What did Putin say on 31 April 2020?", {"dates": None}),  # no such day
    Row("What did Lavrov say in 1999 about Kosovo?", {"dates": ("1999-01-01", "1999-12-31")}),
    Row("How much did trade grow from 2015-2019?", {"dates": None, "amount": True}),
    Row("What did Putin say about oil throughout 2020?", {"dates": ("2020-01-01", "2020-12-31")}),
    Row("What did Psaki say in mid-August 2021?", {"dates": ("2021-08-01", "2021-08-31")}),
    Row("What did Psaki say in August 2021 about Kabul?",
        {"dates": ("2021-08-01", "2021-08-31"), "speaker": "Psaki",
         "notes": ["speaker: Psaki", "dates: 2021-08-01 to 2021-08-31"]}),
    Row("What did Lavrov say in May 2020?", {"dates": None, "notes": ["speaker: Sergey Lavrov"]},
        given=SearchFilters(since="2019-01-01")),  # the user's dates come first
    # --- speakers by name ---------------------------------------------------------------------
    Row("What did Psaki say about the August 31 deadline?", {"speaker": "Psaki"}),
    Row("Which country did Lavrov single out over the convention?", {"speaker": "Sergey Lavrov"}),
    Row("What was Putin's take on US gas for Poland?", {"speaker": "Vladimir Putin"}),
    Row("According to Peskov, was the meeting cancelled?", {"speaker": "Dmitry Peskov"}),
    Row("Has Putin ever used a look-alike?", {"speaker": "Vladimir Putin"}),
    Row("How did the White House respond to Lavrov's hints about spies?", {"speaker": None}),
    Row("Is Moscow worried that Lukashenko wants to build missiles with China?", {"speaker": None}),
    Row("What did Putin say and what did Medvedev answer?", {"speaker": None}),
    Row("Going by what Putin and Medvedev said at the meeting, how big was it?", {"speaker": None}),
    Row("Did Putin and Medvedev give the same figure?", {"speaker": None}),
    Row("What did Putin say about Medvedev and Lukashenko?", {"speaker": "Vladimir Putin"}),
    Row("What did Kirby say about the pier?", {"speaker": None}),  # too few passages
    Row("What did Putin's press secretary say about the talks?", {"speaker": None}),
    Row("Did Russia's human rights commissioner say the complaints were resolved?",
        {"speaker": None}),
    Row("Did Putin's spokesman deny it, and what did Putin say?", {"speaker": "Vladimir Putin"}),
    Row("What did Sergey Lavrov say about the CSTO?", {"speaker": "Sergey Lavrov"}),
    Row("What did Jen Psaki say about Kabul?", {"speaker": "Psaki", "source": "question"}),
    Row("What was Lukashenko's reaction to the sanctions?", {"speaker": "Alexander Lukashenko"}),
    Row("What was Peskov's view on the summit?", {"speaker": "Dmitry Peskov"}),
    Row("Putin warned about what?", {"speaker": "Vladimir Putin"}),
    Row("Did Lavrov and Peskov comment on the talks?", {"speaker": None}),
    Row("How did Medvedev explain the tariff rise?", {"speaker": "Dmitry Medvedev"}),
    Row("What did Jean-Pierre say about the strike?", {"speaker": "Karine Jean-Pierre"}),
    Row("Lavrov's remarks on Syria", {"speaker": "Sergey Lavrov"}),
    Row("Did Sullivan defend the F-16 decision?", {"speaker": "Jake Sullivan"}),
    Row("Why was Putin in Minsk?", {"speaker": "Vladimir Putin"}),  # "was Putin": him
    Row("Why did the Kremlin send troops to Minsk?", {"speaker": None}),
    Row("What did Medvedev say about Belarus?", {"speaker": None, "notes": []},
        given=SearchFilters(speaker="Vladimir Putin")),  # the user's speaker comes first
    Row("What did Lavrov state about the talks?", {"speaker": "Sergey Lavrov"}),
    # --- speakers by office (read with dates: whoever held the office then) -------------------
    Row("How far had gas reached homes, going by Gazprom's chief?",
        {"speaker": "Alexei Miller", "source": "office", "amount": True},
        given=SearchFilters(since="2017-01-01", until="2017-12-31")),
    Row("What did the industry minister say about car sales in 2018?",
        {"speaker": "Denis Manturov", "source": "office", "notes": [
            "dates: 2018-01-01 to 2018-12-31",
            "speaker: Denis Manturov (Minister of Industry and Trade)"]}),
    Row("How did the national security adviser justify the F-16 decision in May 2023?",
        {"speaker": "Jake Sullivan", "source": "office"}),
    Row("How many orphans, according to the head of the Accounts Chamber?",
        {"speaker": "Alexei Kudrin", "source": "office", "amount": True},
        given=SearchFilters(since="2019-01-01")),
    Row("What did the prime minister promise in 2019?", {"speaker": "Dmitry Medvedev"}),
    Row("What did the deputy prime minister promise in 2019?", {"speaker": "Olga Golodets"}),
    Row("How did the press secretary answer in 2022?", {"speaker": "Karine Jean-Pierre"}),
    Row("What did the industry minister say about car sales?", {"speaker": None}),  # no date
    Row("What did the healthcare minister say about vaccines in 2020?", {"speaker": None}),
    Row("What did Putin say about the finance ministry in 2019?", {"speaker": "Vladimir Putin"}),
    Row("What did the minister say in 2019?", {"speaker": None}),
    Row("Did the federal government say anything about gas in 2019?", {"speaker": None}),
    Row("What did Gazprom's chief say in 2017, and what did Medvedev promise?",
        {"speaker": None, "dates": ("2017-01-01", "2017-12-31")}),
    Row("What did the industry minister say about car sales?",
        {"speaker": "Denis Manturov", "source": "office"},
        given=SearchFilters(since="2018-01-01", until="2018-12-31")),
    # --- kinds: a timeline ---------------------------------------------------------------------
    Row("How has Putin's position on NATO changed?",
        {"kind": "timeline", "topic": "NATO", "speaker": "Vladimir Putin"}),
    Row("Has Psaki's line on Afghanistan shifted?", {"kind": "timeline", "topic": "Afghanistan"}),
    Row("Lavrov on the CSTO over the years", {"kind": "timeline", "topic": "the CSTO"}),
    Row("How has the position on gas prices changed over time?",
        {"kind": "timeline", "topic": "gas prices"}),
    Row("What did Putin say about NATO?", {"kind": "answer", "topic": ""}),
    Row("How did Putin describe the change in gas prices?", {"kind": "answer"}),
    Row("How has Lavrov's stance on the EU evolved since 2014?",
        {"kind": "timeline", "topic": "the EU", "dates": ("2014-01-01", None)}),
    Row("How have Peskov's views on sanctions moved?", {"kind": "timeline", "topic": "sanctions"}),
    Row("Has Putin's tone towards Ukraine changed?", {"kind": "timeline", "topic": "Ukraine"}),
    Row("How did Psaki's rhetoric about inflation develop over time?",
        {"kind": "timeline", "topic": "inflation"}),
    Row("How has Putin's position on economic development changed?",
        {"kind": "timeline", "topic": "economic development"}),
    Row("Putin about economic development through the years",
        {"kind": "timeline", "topic": "economic development"}),
    Row("How has Putin's position on gas supplies to Europe changed?",
        {"kind": "timeline", "topic": "gas supplies to Europe", "topic_words": (
            "gas", "supplies", "europe"), "context_words": ("putin",)}, history=LAVROV_CSTO),
    # --- kinds: a claim to confirm -------------------------------------------------------------
    Row("Did Lavrov announce that Russia will leave the CSTO?",
        {"kind": "claim", "claim": "Russia will leave the CSTO", "said": True}),
    Row("Why did Kirby say the pier would open in May?",
        {"kind": "claim", "claim": "the pier would open in May", "said": True}),
    Row("In July 2020 Putin told workers that the march would be held on Navy Day. How did he "
        "explain it?", {"kind": "claim", "claim": "the march would be held on Navy Day"}),
    Row("Putin unveiled plans for a new space station. What did he say about the cost?",
        {"kind": "claim", "claim": "plans for a new space station", "said": True}),
    Row("Is the Crimean bridge finished?",
        {"kind": "claim", "claim": "Is the Crimean bridge finished?", "said": False}),
    Row("Did Psaki confirm the meeting?", {"kind": "claim", "claim": "the meeting"}),
    Row("Has Peskov denied the reports?", {"kind": "claim", "said": False}),
    Row("Will Russia leave the WTO?", {"kind": "claim", "said": False}),
    Row("Why did the talks fail?", {"kind": "answer", "claim": None}),
    Row("What did Lavrov promise about the CSTO?", {"kind": "answer", "claim": None}),
    Row("So did Putin promise that pensions would rise?",
        {"kind": "claim", "claim": "pensions would rise", "said": True}),
    Row("Lavrov said the talks were over. What happened next?", {"kind": "claim"}),
    Row("Did Putin vow to rebuild the city?", {"kind": "claim", "said": False}),
    # --- amounts ----------------------------------------------------------------------------------
    Row("How many tunnels did Russian Railways have to dig?", {"amount": True}),
    Row("By how much did trade grow in 2017?", {"amount": True, "dates": None}),
    Row("What share of the budget went to defence?", {"amount": True}),
    Row("What was the price of gas for Belarus?", {"amount": True}),
    Row("What did Lavrov say about the CSTO in 2020?", {"amount": False}),
    Row("How long will the talks last?", {"amount": True}),
    # --- unknown names ------------------------------------------------------------------------
    Row("What did Lavrov say about Grzegorzewski and the CSTO partners?",
        {"unknown": ("Grzegorzewski",)}),
    Row("What did Lavrov say about the CSTO partners?", {"unknown": ()}),
    Row("Grzegorzewski met whom?", {"unknown": ()}),  # a sentence's first word is not a name
    Row("What did the White House say about Zorbania and Quixotl?",
        {"unknown": ("Zorbania", "Quixotl")}),
    Row("What did the President say about Kyiv?", {"unknown": ()}),
    Row("Did the Kremlin comment? What about Zorbania?", {"unknown": ("Zorbania",)}),
    Row("Did the Kremlin comment? Zorbania?", {"unknown": ()}),  # starts a sentence
    # --- follow-ups ----------------------------------------------------------------------------
    Row("And what deadline did he give?", {
        "follows_up": True, "speaker": "Dmitry Medvedev", "source": "conversation",
        "dates": ("2010-01-01", "2010-12-31"),
        "query": "And what deadline did Dmitry Medvedev give?",
        "notes": ["speaker: Dmitry Medvedev (from the conversation)",
                  "dates: 2010-01-01 to 2010-12-31 (from the conversation)"]}, MEDVEDEV),
    Row("And what did he say a year later?", {"dates": ("2010-01-01", None)}, MEDVEDEV),
    Row("And what had he said before that?", {"dates": (None, "2010-12-31")}, MEDVEDEV),
    Row("And what about Afghanistan?", {
        "follows_up": True, "speaker": "Sergey Lavrov",
        "query": "And what about Afghanistan? Sergey Lavrov",
        "topic_words": ("afghanistan",)}, LAVROV_CSTO),
    Row("Why that?", {"query": "What did Lavrov say about the CSTO in May 2020? Why that?"},
        LAVROV_CSTO),
    Row("Why that?", {"query": "What did Psaki say about the Federal Reserve? Why that?"},
        conversation("What did Lavrov say about the CSTO?",
                     "What did Psaki say about the Federal Reserve?")),
    Row("Did he give a deadline?", {"speaker": None, "query": (
        "What did the government say about the bridge? Did he give a deadline?")},
        conversation("What did the government say about the bridge?")),
    Row("And what did Putin say in 2019?",
        {"speaker": "Vladimir Putin", "source": "question", "dates": YEAR19}, LAVROV_CSTO),
    Row("What did Peskov say about the summit in Geneva next to the lake?",
        {"follows_up": False, "speaker": "Dmitry Peskov"}, LAVROV_CSTO),
    Row("What about that deadline?", {"query": (
        "What did Medvedev say about Belarus in 2010? What about that deadline?")}, MEDVEDEV),
    Row("And his view on Poland?", {"speaker": "Dmitry Medvedev",
                                    "query": "And Dmitry Medvedev’s view on Poland?"}, MEDVEDEV),
    Row("And on NATO?", {"kind": "timeline", "topic": "NATO", "speaker": "Vladimir Putin",
                         "source": "conversation"}, TIMELINE),
    Row("And on the EU?", {"kind": "timeline", "topic": "the EU"},
        TIMELINE + conversation("And on NATO?")),
    Row("And on NATO?", {"kind": "answer"}, LAVROV_CSTO),  # not after a timeline
    Row("What did he say?", {"speaker": "Sergey Lavrov"},
        conversation("What did Lavrov say about the CSTO?", "Was the summit held?")),
    Row("And in June?", {"follows_up": True, "speaker": "Sergey Lavrov"}, LAVROV_CSTO),
    Row("What did he say?", {"speaker": None, "notes": [
        "dates: 2010-01-01 to 2010-12-31 (from the conversation)"]},
        MEDVEDEV, SearchFilters(speaker="Vladimir Putin")),  # the user's speaker stands
    # --- what the question is about, and its context ---------------------------------------------
    Row("What did Lavrov say about NATO at the 2020 press conference?",
        {"topic_words": ("nato",), "context_words": ("lavrov", "2020", "press", "conference")}),
    Row("How many cars did the industry minister say were sold in 2018?",
        {"topic_words": ("many", "cars", "sold"),
         "context_words": ("industry", "minister", "2018")}),
    Row("Please be brief: what did Putin say about grain?", {"topic_words": ("please", "brief",
                                                                            "grain")}),
]  # fmt: skip


def check(reading, expect: dict) -> dict:
    """The parts of ``reading`` that ``expect`` names, in its terms."""
    speaker, dates, claim = reading.speaker, reading.dates, reading.claim
    seen = {
        "kind": reading.kind.value,
        "speaker": speaker.name if speaker else None,
        "source": speaker.source if speaker else None,
        "dates": (dates.since, dates.until) if dates else None,
        "topic": reading.topic,
        "claim": claim.text if claim else None,
        "said": claim.said if claim else None,
        "query": reading.query,
        "follows_up": reading.follows_up,
        "unknown": reading.unknown_names,
        "amount": reading.asks_amount,
        "notes": reading.notes(),
        "topic_words": reading.topic_words,
        "context_words": reading.context_words,
    }
    return {key: seen[key] for key in expect}


def test_the_table_has_enough_rows_to_cover_the_phrasings():
    assert len(ROWS) >= 120


@pytest.mark.parametrize("row", ROWS, ids=[f"{i:03d}-{r}" for i, r in enumerate(ROWS)])
def test_reading(row: Row):
    reading = read(row.question, row.history, FACTS, row.given)
    assert check(reading, row.expect) == row.expect


def test_a_reading_is_one_frozen_value():
    reading = read("What did Lavrov say about NATO?", [], FACTS)
    with pytest.raises(AttributeError):
        reading.query = "something else"  # type: ignore[misc]
