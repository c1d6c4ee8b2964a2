"""One person, one name: the speaker registry built at ingest (``ingest/registry.py``), on real
White House briefings, and as the index stores and reads it (speaker filter, ``info
--speakers``)."""

from __future__ import annotations

import json
import shutil

from ingest.pipeline import ingest_paths
from ingest.registry import Entry, build_registry
from onrecord.index.reader import IndexReader
from onrecord.types import Role, SearchFilters
from tests.conftest import ATTRIBUTION, make_settings
from tests.support.cli import onrecord
from tests.support.parsed import parse, resolved

WH = ATTRIBUTION / "whitehouse"
ZIENTS_ONLY = next(WH.glob("wh_2021-11-01-*.txt"))  # MR. ZIENTS, never "Jeff Zients"
JEFF_ZIENTS = next(WH.glob("wh_2021-08-02-*.txt"))  # MR. ZIENTS, spelt out in the text
BUTTIGIEG = next(WH.glob("wh_2024-03-27-*.txt"))  # one SECRETARY BUTTITGIEG among many


def test_a_surname_alone_becomes_the_one_official_of_that_source_with_it():
    assert "Zients" in parse(ZIENTS_ONLY).speakers  # the transcript alone cannot tell
    assert "Jeff Zients" in parse(JEFF_ZIENTS).speakers
    both = resolved([ZIENTS_ONLY, JEFF_ZIENTS])
    for transcript in both.values():
        zients = [t for t in transcript.turns if "ZIENTS" in t.label]
        assert zients and {t.speaker for t in zients} == {"Jeff Zients"}


def test_a_surname_shared_by_two_officials_stays_as_written():
    entries = [
        Entry("whitehouse", "a", "Jen Klein", "official", 3),
        Entry("whitehouse", "b", "Ron Klain", "official", 3),
        Entry("whitehouse", "c", "Ezra Klein", "official", 2),
        Entry("whitehouse", "d", "Klein", "official", 2),
        Entry("kremlin", "e", "Zients", "official", 1),  # another source
        Entry("whitehouse", "f", "Jeff Zients", "official", 1),
    ]
    registry = build_registry(entries)
    assert registry.person("d", "Klein") == "Klein"
    assert registry.person("e", "Zients") == "Zients"
    assert registry.person("b", "Ron Klain") == "Ron Klain"


def test_a_misspelt_label_is_the_close_name_of_the_same_transcript():
    transcript = resolved([BUTTIGIEG])[BUTTIGIEG.stem]
    typo = [t for t in transcript.turns if "BUTTITGIEG" in t.label]
    assert typo and {t.speaker for t in typo} == {"Pete Buttigieg"}
    assert "Buttitgieg" not in transcript.speakers


def test_names_that_are_only_alike_stay_apart():
    entries = [
        Entry("kremlin", "a", "Vladimir Putin", "official", 40),
        Entry("kremlin", "a", "Vladimir Lukin", "official", 3),
        Entry("kremlin", "a", "Vladmir Putin", "official", 1),
        Entry("kremlin", "b", "Andrei Akimov", "official", 1),
        Entry("kremlin", "c", "Maxim Akimov", "official", 4),
        Entry("kremlin", "d", "Sergei Lavrov", "official", 1),
        Entry("mfa", "e", "Sergey Lavrov", "official", 7),
    ]
    registry = build_registry(entries)
    assert registry.person("a", "Vladimir Lukin") == "Vladimir Lukin"
    assert registry.person("a", "Vladmir Putin") == "Vladimir Putin"
    assert registry.person("b", "Andrei Akimov") == "Andrei Akimov"
    assert registry.person("d", "Sergei Lavrov") == "Sergey Lavrov"


def test_the_index_keeps_the_registry_and_the_filter_finds_every_name(tmp_path, embedder):
    """Two ingests: the first knows only "Zients"; the second adds the briefing that spells
    out Jeff Zients, and parses the first briefing again so that its turns carry the person
    too. A filter for "Jeff Zients" finds the turns of both; ``info --speakers`` shows the
    alias."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ZIENTS_ONLY, corpus)
    settings = make_settings(tmp_path / "index")
    ingest_paths([corpus], settings, embedder=embedder, progress=False)
    reader = IndexReader.open(settings.index_dir, settings)
    assert reader.matching_speakers("Jeff Zients") == []  # not known yet
    assert reader.matching_speakers("Zients") == ["Zients"]
    shutil.copy(JEFF_ZIENTS, corpus)
    report = ingest_paths([corpus], settings, embedder=embedder, progress=False)
    assert {f.doc_id: f.status for f in report.files}[ZIENTS_ONLY.stem] == "updated"
    reader = IndexReader.open(settings.index_dir, settings)
    assert reader.matching_speakers("Jeff Zients") == ["Jeff Zients"]
    assert "Zients" not in reader.speakers  # its turns were stored again, as the person
    docs = {reader.docs[d] for d in reader.doc_of[reader.filter_mask(SearchFilters("Zients"))]}
    assert docs == {ZIENTS_ONLY.stem, JEFF_ZIENTS.stem}
    result = onrecord("info", "--speakers", "--json", "--index", str(settings.index_dir))
    people = {row["name"]: row for row in json.loads(result.stdout)}
    jeff = people["Jeff Zients"]
    assert list(jeff["aliases"]) == ["Zients"] and jeff["transcripts"] == 2
    assert jeff["turns"] > jeff["aliases"]["Zients"] > 0 and "Zients" not in people


def test_a_host_of_an_event_hosts_it_everywhere_but_asks_as_press_elsewhere():
    """Kirill Kleymenov hosts each Direct Line, including one whose labels never say so; a
    TV host who moderates a forum is still the press when he asks at a news conference."""
    line = "Direct Line with Vladimir Putin"
    entries = [
        Entry("kremlin", "a", "Kirill Kleymenov", "moderator", 65, line),
        Entry("kremlin", "b", "Kirill Kleymenov", "journalist", 50, line),
        Entry("kremlin", "c", "Sergei Brilyov", "moderator", 12, "Eastern Economic Forum"),
        Entry("kremlin", "d", "Sergei Brilyov", "journalist", 2, "Annual news conference"),
    ]
    registry = build_registry(entries)
    assert registry.role("Kirill Kleymenov", Role.JOURNALIST, line) is Role.MODERATOR
    assert registry.role("Sergei Brilyov", Role.JOURNALIST, "Annual news conference") is (
        Role.JOURNALIST
    )


RAMSTEIN = next(WH.glob("wh_2023-10-18-*.txt"))  # "Press Gaggle by President Biden and …"
BILATERAL = next(WH.glob("wh_2021-09-21-*.txt"))  # PRESIDENT BIDEN: and PRIME MINISTER MORRISON:
LONE_LABEL = next(WH.glob("wh_2021-04-15-*.txt"))  # one THE PRESIDENT: turn in Psaki's briefing


def test_the_president_is_the_president_the_titles_name_on_that_date():
    pages = resolved([RAMSTEIN, BILATERAL, LONE_LABEL])
    gaggle = pages[RAMSTEIN.stem]
    his = [t for t in gaggle.turns if t.label.strip() == "THE PRESIDENT"]
    assert len(his) >= 20 and {t.speaker for t in his} == {"Biden"}
    assert {t.role for t in his} == {Role.OFFICIAL}
    named = [t for t in pages[BILATERAL.stem].turns if t.label.strip() == "PRESIDENT BIDEN"]
    assert named and {t.speaker for t in named} == {"Biden"}  # one person, one name


def test_a_lone_president_label_in_someone_else_s_briefing_stays_as_written():
    """Psaki's answer under a THE PRESIDENT label ("I'll have to talk to him about that"):
    the page names no President among its speakers and gives the label one turn."""
    page = resolved([RAMSTEIN, LONE_LABEL])[LONE_LABEL.stem]
    lone = [t for t in page.turns if t.label.strip() == "THE PRESIDENT"]
    assert len(lone) == 1 and lone[0].speaker == "The President"


def test_the_holder_of_an_office_follows_the_page_s_date():
    """Two presidents in one source's titles: a page that labels the office only is given the
    one whose titles span its date, else the one of the nearest titles; a head of state of a
    named country is none. The Biden and Lourenço titles are the dev corpus's; the corpus
    holds one President's pages, so the Trump rows are written for the test."""
    titles = [
        ("t1", "Remarks by President Trump at a Rally", "2020-06-01"),
        ("t2", "Remarks by President Trump in a Press Gaggle", "2020-12-20"),
        ("b1", "Remarks by President Biden and Prime Minister Morrison of Australia Before "
         "Bilateral Meeting", "2021-09-21"),
        ("b2", "Remarks by President Biden at East Jerusalem Hospital Network Event", "2022-07-15"),
        ("b3", "Press Gaggle by President Biden and NSC Coordinator for Strategic Communications "
         "John Kirby | Ramstein Air Base, Germany", "2023-10-18"),
        ("f1", "Background Press Call by a Senior Administration Official to Preview the "
         "Bilateral Engagement of President João Lourenço of Angola", "2023-11-30"),
    ]  # fmt: skip
    pages = [
        ("x1", "Press Briefing by Press Secretary Jen Psaki", "2022-03-01"),
        ("x2", "Press Briefing by Press Secretary Kayleigh McEnany", "2020-09-01"),
        ("x3", "Press Gaggle Aboard Air Force One", "2021-08-01"),
        ("x4", "Press Briefing by Press Secretary Karine Jean-Pierre", "2023-12-05"),
    ]
    entries = [Entry("whitehouse", d, "Question", "journalist", 3, t, day) for d, t, day in titles]
    entries += [
        Entry("whitehouse", d, "The President", "official", 4, t, day) for d, t, day in pages
    ]
    registry = build_registry(entries)
    found = {d: registry.person(d, "The President") for d, _, _ in pages}
    assert found == {"x1": "Biden", "x2": "Trump", "x3": "Biden", "x4": "Biden"}
