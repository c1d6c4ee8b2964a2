"""A speaker's role follows from what they do in the transcript (issue 24), on the real pages in
``tests/attribution_data``: who gives the floor moderates, who asks at a Direct Line is a
participant, a podium guest no page gives an office is no official, and a role holds for a
person across transcripts where the evidence agrees (``ingest/registry.py``).
"""

from __future__ import annotations

from ingest.speakers import assign_roles, speaker_stats
from onrecord.types import Role, Transcript
from tests.conftest import ATTRIBUTION
from tests.support.parsed import parse, resolved

KREMLIN = ATTRIBUTION / "kremlin"
WH = ATTRIBUTION / "whitehouse"
VALDAI = KREMLIN / "kremlin_en_55882.txt"  # Fyodor Lukyanov moderates
LINE_2013 = KREMLIN / "kremlin_en_17976.txt"  # Direct Line: Kudrin, Eifman, labelled hosts
LINE_2018 = KREMLIN / "kremlin_en_57692.txt"  # Direct Line: hosts whose labels never say so
ACCOUNTS = KREMLIN / "kremlin_en_57643.txt"  # Chairman of the Accounts Chamber Alexei Kudrin
FORUM = KREMLIN / "kremlin_en_54667.txt"  # SPIEF plenary, Megyn Kelly the panel moderator
NBC = KREMLIN / "kremlin_en_54688.txt"  # Megyn Kelly interviews Vladimir Putin
WARRIORS = next(WH.glob("wh_2023-01-17-*.txt"))  # COACH KERR and MR. CURRY at the podium
JHA_UNNAMED = next(WH.glob("wh_2022-12-15-*.txt"))  # DR. JHA, no office given on the page
JHA_NAMED = next(
    WH.glob("wh_2022-10-11-*.txt")
)  # "… and Covid-19 Response Coordinator Dr. Ashish Jha"
COVID_TEAM = next(WH.glob("wh_2022-07-12-*.txt"))  # "by … Public Health Officials"


def roles(transcript: Transcript, speaker: str) -> set[Role]:
    found = {t.role for t in transcript.turns if t.speaker == speaker}
    assert found, (speaker, transcript.speakers)
    return found


def role_of_words(transcript: Transcript, words: str) -> tuple[str, Role]:
    at = transcript.text.index(words)
    turn = next(t for t in transcript.turns if t.start <= at < t.end)
    return turn.speaker, turn.role


def test_the_valdai_moderator_moderates_and_is_named_from_his_long_label():
    valdai = parse(VALDAI)
    assert role_of_words(valdai, "Friends, guests,") == ("Fyodor Lukyanov", Role.MODERATOR)
    assert roles(valdai, "Fyodor Lukyanov") == {Role.MODERATOR}
    assert "Discussion Club" not in valdai.speakers  # the end of his description is no name
    assert roles(valdai, "Vladimir Putin") == {Role.OFFICIAL}


def test_giving_the_floor_makes_a_moderator_without_a_label_that_says_so():
    """Lukyanov's long label says "moderator"; without it, what he does still decides: he
    hands the floor to one discussant after another ("Pyotr Dutkevich.", "Mr Saran.")."""
    valdai = parse(VALDAI)
    said = [(t.label, t.speaker, valdai.turn_text(t)) for t in valdai.turns]
    stats = speaker_stats(said)
    assert {"Pyotr Dutkevich", "Rein Muellerson", "Samir Saran"} <= stats[
        "Fyodor Lukyanov"
    ].floor_to
    stats["Fyodor Lukyanov"].labels = {"Fyodor Lukyanov"}
    decided = assign_roles(stats, valdai.title, upper_case_format=False)
    assert decided["Fyodor Lukyanov"] is Role.MODERATOR
    assert decided["Vladimir Putin"] is Role.OFFICIAL  # the principal, whom everyone addresses


def test_direct_line_hosts_are_found_by_what_they_do():
    line = parse(LINE_2018)
    for host in ("Kirill Kleymenov", "Andrei Kondrashov"):
        assert roles(line, host) == {Role.MODERATOR}, host
    assert roles(line, "Vladimir Putin") == {Role.OFFICIAL}


def test_who_asks_at_a_direct_line_is_a_participant_not_the_press():
    line = parse(LINE_2013)
    for participant in ("Alexei Kudrin", "Boris Eifman"):
        assert roles(line, participant) == {Role.OTHER}, participant
    assert roles(line, "Mikhail Leontyev") == {Role.JOURNALIST}  # "Journalist Mikhail Leontyev"
    assert roles(line, "Question") == {Role.JOURNALIST}
    assert roles(line, "Maria Sittel") == {Role.MODERATOR}


def test_a_direct_line_host_hosts_it_under_every_spelling_and_every_year():
    both = resolved([LINE_2013, LINE_2018])
    for transcript in both.values():
        mine = [t for t in transcript.turns if t.label.lower().startswith("kirill kle")]
        assert len(mine) >= 5 and {t.speaker for t in mine} == {"Kirill Kleymenov"}
        assert {t.role for t in mine} == {Role.MODERATOR}, transcript.doc_id


def test_a_participant_stays_one_where_he_held_an_office_years_before():
    """Alexei Kudrin chairs the Accounts Chamber in one transcript (an official) and asks at
    the 2013 Direct Line in another (a participant): the evidence does not agree, each
    transcript keeps its own."""
    both = resolved([LINE_2013, ACCOUNTS])
    assert roles(both[ACCOUNTS.stem], "Alexei Kudrin") == {Role.OFFICIAL}
    assert roles(both[LINE_2013.stem], "Alexei Kudrin") == {Role.OTHER}


def test_a_forum_moderator_is_the_press_when_she_interviews():
    both = resolved([FORUM, NBC])
    assert roles(both[FORUM.stem], "Megyn Kelly") == {Role.MODERATOR}
    assert roles(both[NBC.stem], "Megyn Kelly") == {Role.JOURNALIST}


def test_podium_guests_no_page_gives_an_office_are_not_officials():
    warriors = resolved([WARRIORS, JHA_NAMED])[WARRIORS.stem]
    assert roles(warriors, "Kerr") == roles(warriors, "Stephen Curry") == {Role.OTHER}
    assert roles(warriors, "Karine Jean-Pierre") == {Role.OFFICIAL}
    speaker, role = role_of_words(warriors, "On behalf of the Warriors, I want to thank")
    assert (speaker, role) == ("Kerr", Role.OTHER)


def test_an_official_the_page_does_not_introduce_is_one_where_another_page_does():
    assert roles(parse(JHA_UNNAMED), "Jha") == {Role.OTHER}  # the page alone cannot tell
    both = resolved([JHA_UNNAMED, JHA_NAMED])
    assert roles(both[JHA_NAMED.stem], "Ashish Jha") == {Role.OFFICIAL}
    assert roles(both[JHA_UNNAMED.stem], "Ashish Jha") == {Role.OFFICIAL}
    assert roles(both[JHA_UNNAMED.stem], "Feldman") == {Role.OTHER}  # an intern saying goodbye


def test_a_page_by_officials_it_does_not_name_keeps_them_officials():
    team = parse(COVID_TEAM)
    for official in ("Fauci", "Walensky", "Jha"):
        assert roles(team, official) == {Role.OFFICIAL}, official


def test_a_misspelt_label_keeps_the_role_the_transcript_gives_the_name():
    """``WHITE HOUSE OFFICIA:`` once among eight ``WHITE HOUSE OFFICIAL:`` turns: the page alone
    finds no office in the cut-off label; the registry makes it the same speaker, so the same
    role."""
    call = next(WH.glob("wh_2023-05-28-*.txt"))
    alone = [t for t in parse(call).turns if t.label.strip() == "WHITE HOUSE OFFICIA"]
    assert len(alone) == 1 and alone[0].role is Role.OTHER
    page = resolved([call])[call.stem]
    typo = [t for t in page.turns if t.label.strip() == "WHITE HOUSE OFFICIA"]
    assert [(t.speaker, t.role) for t in typo] == [("White House Official", Role.OFFICIAL)]
