"""Canonical speaker names, roles and name matching (pure functions)."""

from __future__ import annotations

import pytest

from ingest.speakers import assign_roles, canonical_names, clean_label, speaker_matches
from onrecord.types import Role


@pytest.mark.parametrize(("label", "expected"), [
    ("President of\u00a0Russia Vladimir Putin", "Vladimir Putin"),
    ("Question (retranslated)", "Question"),
    ("Director of Federal Security Service Alexander Bortnikov", "Alexander Bortnikov"),
    ("chairman of United Russia’S Supreme Council and State Duma Speaker Boris Gryzlov",
     "Boris Gryzlov"),
    ("Panel moderator, NBC host Megyn Kelly", "Megyn Kelly"),
    ("Sergei Mironov, Leader of A Just Russia Faction in the State Duma", "Sergei Mironov"),
    ("Labour and Social Protection MINISTER MAXIM TOPILIN", "Maxim Topilin"),
    ("VladimirPutin", "Vladimir Putin"),
    ("Dmitry PeskoV", "Dmitry Peskov"),
    ("Q", "Question"),
    ("SENIOR ADMINISTRATION OFFICIAL", "Senior Administration Official"),
    ("Sergey Lavrov", "Sergey Lavrov"),
])
def test_canonical_name(label, expected):
    assert canonical_names([label])[label] == expected


def test_suffix_label_in_same_transcript_wins():
    names = canonical_names(["President of Turkey Recep Tayyip Erdogan", "Recep Tayyip Erdogan"])
    assert set(names.values()) == {"Recep Tayyip Erdogan"}


def test_upper_case_surname_takes_full_name_only_when_spelled_out():
    title = "Press Briefing by Press Secretary Karine Jean-Pierre"
    assert canonical_names(["MS.  JEAN-PIERRE"], title=title)["MS.  JEAN-PIERRE"] == \
        "Karine Jean-Pierre"
    assert canonical_names(["MS.  JEAN-PIERRE"], title="Press Gaggle")["MS.  JEAN-PIERRE"] == \
        "Jean-Pierre"
    # A title word before the surname is not a first name.
    assert canonical_names(["SECRETARY MAYORKAS"], title="Remarks by Secretary Mayorkas",
                           text="Secretary Mayorkas said")["SECRETARY MAYORKAS"] == "Mayorkas"


def test_clean_label_collapses_odd_spacing():
    assert clean_label("MS.\u00a0 JEAN-PIERRE:") == "MS. JEAN-PIERRE"


def test_roles_from_labels_titles_and_questions():
    roles = assign_roles(
        {"Question": {"Question"}, "Vladimir Putin": {"President of Russia Vladimir Putin"},
         "Andrei Vandenko": {"Andrei Vandenko"}, "Dmitry Peskov": {"Dmitry Peskov"},
         "Kirill Kleymenov": {"Direct Line programme host Kirill Kleymenov"},
         "Aide": {"AIDE"}},
        question_share={"Andrei Vandenko": 0.9, "Dmitry Peskov": 0.1},
        upper_case_format=False,
    )
    assert roles == {"Question": Role.JOURNALIST, "Vladimir Putin": Role.OFFICIAL,
                     "Andrei Vandenko": Role.JOURNALIST, "Dmitry Peskov": Role.OFFICIAL,
                     "Kirill Kleymenov": Role.MODERATOR, "Aide": Role.OTHER}


@pytest.mark.parametrize(("query", "speaker", "expected"), [
    ("Psaki", "Jen Psaki", True),
    ("psaki", "Psaki", True),
    ("Vladimir Putin", "Vladimir Putin", True),
    ("President Putin", "Vladimir Putin", True),
    ("Ms. Jean-Pierre", "Karine Jean-Pierre", True),
    ("Putin", "Dmitry Medvedev", False),
    ("Vladimir", "Vladimir Putin", False),
    ("Sergey Lavrov", "Sergei Shoigu", False),
])
def test_speaker_matches(query, speaker, expected):
    assert speaker_matches(query, speaker) is expected
