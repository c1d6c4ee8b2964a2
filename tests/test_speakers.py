"""Canonical speaker names, roles and name matching (pure functions)."""

from __future__ import annotations

import pytest

from ingest.speakers import SpeakerStats, assign_roles, keyword_role
from onrecord.names import canonical_names, clean_label, speaker_matches
from onrecord.types import Role


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("President of\u00a0Russia Vladimir Putin", "Vladimir Putin"),
        ("Question (retranslated)", "Question"),
        ("Director of Federal Security Service Alexander Bortnikov", "Alexander Bortnikov"),
        (
            "chairman of United Russia’S Supreme Council and State Duma Speaker Boris Gryzlov",
            "Boris Gryzlov",
        ),
        ("Panel moderator, NBC host Megyn Kelly", "Megyn Kelly"),
        (
            "Research Director of\u00a0the\u00a0Foundation for\u00a0Development and\u00a0Support "
            "of\u00a0the\u00a0Valdai Discussion Club, moderator Fyodor Lukyanov",
            "Fyodor Lukyanov",
        ),
        ("Journalist Mikhail Leontyev", "Mikhail Leontyev"),
        ("Military Columnist From Komsomolskaya Pravda Viktor Baranets", "Viktor Baranets"),
        ("Sergei Mironov, Leader of A Just Russia Faction in the State Duma", "Sergei Mironov"),
        ("Labour and Social Protection MINISTER MAXIM TOPILIN", "Maxim Topilin"),
        ("VladimirPutin", "Vladimir Putin"),
        ("Dmitry PeskoV", "Dmitry Peskov"),
        ("Q", "Question"),
        ("SENIOR ADMINISTRATION OFFICIAL", "Senior Administration Official"),
        ("Sergey Lavrov", "Sergey Lavrov"),
    ],
)
def test_canonical_name(label, expected):
    assert canonical_names([label])[label] == expected


def test_suffix_label_in_same_transcript_wins():
    names = canonical_names(["President of Turkey Recep Tayyip Erdogan", "Recep Tayyip Erdogan"])
    assert set(names.values()) == {"Recep Tayyip Erdogan"}


def test_upper_case_surname_takes_full_name_only_when_spelled_out():
    title = "Press Briefing by Press Secretary Karine Jean-Pierre"
    assert (
        canonical_names(["MS.  JEAN-PIERRE"], title=title)["MS.  JEAN-PIERRE"]
        == "Karine Jean-Pierre"
    )
    assert (
        canonical_names(["MS.  JEAN-PIERRE"], title="Press Gaggle")["MS.  JEAN-PIERRE"]
        == "Jean-Pierre"
    )
    # A title word before the surname is not a first name.
    assert (
        canonical_names(
            ["SECRETARY MAYORKAS"],
            title="Remarks by Secretary Mayorkas",
            text="Secretary Mayorkas said",
        )["SECRETARY MAYORKAS"]
        == "Mayorkas"
    )


def test_clean_label_collapses_odd_spacing():
    assert clean_label("MS.\u00a0 JEAN-PIERRE:") == "MS. JEAN-PIERRE"


def stats(labels, turns=4, questions=0, words=100):
    return SpeakerStats(set(labels), turns=turns, question_turns=questions, words=words)


def test_roles_from_labels_titles_and_questions():
    roles = assign_roles(
        {
            "Question": stats({"Question", "Question from Perm Territory"}, questions=4),
            "Vladimir Putin": stats({"President of Russia Vladimir Putin"}, questions=2, words=900),
            "Dmitry Peskov": stats({"Dmitry Peskov"}),
            "Kirill Kleymenov": stats({"Direct Line programme host Kirill Kleymenov"}, questions=4),
            "Sergei Brilyov": stats({"Plenary session moderator, TV journalist Sergei Brilyov"}),
            "Aide": stats({"Aide"}),
        },
        title="Meeting with the Government",
        upper_case_format=False,
    )
    assert roles == {
        "Question": Role.JOURNALIST,
        "Vladimir Putin": Role.OFFICIAL,
        "Dmitry Peskov": Role.OFFICIAL,
        "Kirill Kleymenov": Role.MODERATOR,
        "Sergei Brilyov": Role.MODERATOR,  # moderating is what he does there
        "Aide": Role.OTHER,
    }


def test_principal_asking_questions_stays_official_and_interviewers_are_press():
    speakers = {
        "Vladimir Putin": stats({"Vladimir Putin"}, questions=3, words=2000),
        "Andrei Vandenko": stats({"Andrei Vandenko"}, questions=1, words=300),
        "Ivan Afanasyev": stats({"Ivan Afanasyev"}, questions=0, words=120),
        "Alexei Kudrin": stats({"Finance Minister Alexei Kudrin"}, questions=4),
    }
    roles = assign_roles(speakers, title="Interview to TASS", upper_case_format=False)
    assert roles == {
        "Vladimir Putin": Role.OFFICIAL,
        "Andrei Vandenko": Role.JOURNALIST,
        "Ivan Afanasyev": Role.JOURNALIST,
        "Alexei Kudrin": Role.OFFICIAL,
    }
    # Outside a Q&A event an untitled speaker needs mostly questions to count as press.
    roles = assign_roles(speakers, title="Meeting with governors", upper_case_format=False)
    assert roles["Andrei Vandenko"] is roles["Ivan Afanasyev"] is Role.OFFICIAL


def test_white_house_role_labels_are_not_surnames():
    names = canonical_names(
        [
            "SENIOR ADMINISTRATION OFFICIAL TWO",
            "AIR FORCE ONE CREW MEMBER",
            "SENIOR ADMINSTRATION OFFICIAL",
            "MODEARTOR",
            "MR. KIRBY",
        ]
    )
    assert names == {
        "SENIOR ADMINISTRATION OFFICIAL TWO": "Senior Administration Official Two",
        "AIR FORCE ONE CREW MEMBER": "Air Force One Crew Member",
        "SENIOR ADMINSTRATION OFFICIAL": "Senior Adminstration Official",
        "MODEARTOR": "Modeartor",
        "MR. KIRBY": "Kirby",
    }
    assert keyword_role("MODEARTOR", upper_case_format=True) is Role.MODERATOR
    assert keyword_role("AIR FORCE ONE CREW MEMBER", upper_case_format=True) is Role.OTHER
    assert keyword_role("PHOTOJOURNALIST", upper_case_format=True) is Role.JOURNALIST


@pytest.mark.parametrize(
    ("query", "speaker", "expected"),
    [
        ("Psaki", "Jen Psaki", True),
        ("psaki", "Psaki", True),
        ("Vladimir Putin", "Vladimir Putin", True),
        ("President Putin", "Vladimir Putin", True),
        ("Ms. Jean-Pierre", "Karine Jean-Pierre", True),
        ("Putin", "Dmitry Medvedev", False),
        ("Vladimir", "Vladimir Putin", False),
        ("Sergey Lavrov", "Sergei Shoigu", False),
    ],
)
def test_speaker_matches(query, speaker, expected):
    assert speaker_matches(query, speaker) is expected
