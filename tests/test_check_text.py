"""Quote checks, the pure parts: typography folding, claim cleaning, bad input, reading a
chat message as a quotation, and word alignment with its differences."""

from __future__ import annotations

import pytest

from onrecord.check.align import align, summary, words
from onrecord.check.exact import find_folded
from onrecord.check.limits import CheckInputError, check_input, main_script
from onrecord.check.text import clean_claim, fold
from onrecord.reading.quotation import QuotedClaim, read_quotation
from onrecord.settings import CheckSettings

LIMITS = CheckSettings()
SOURCE = "Sergey Lavrov: We will never\u00a0leave the CSTO \u2014 never. It\u2019s “final”…"


@pytest.mark.parametrize(
    "claim",
    [
        "We will never leave the CSTO - never",
        "we will never leave the csto -- never.",
        "\u2026We will never leave the CSTO\u2013never",
        '"We will never leave the CSTO — never."',
        'It\'s "final"',
        "...It’s final...",
    ],
)
def test_typography_case_and_edges_are_not_differences(claim):
    needle, _ = fold(clean_claim(claim))
    span = find_folded(SOURCE, 0, len(SOURCE), needle)
    assert span is not None, needle
    assert fold(SOURCE[span[0] : span[1]])[0] == needle


@pytest.mark.parametrize(
    "claim",
    [
        "We will never leave the CSTO, never",
        "We will never leave, the CSTO",
        "We will not leave the CSTO",
        "will never leave CSTO",
    ],
)
def test_every_other_difference_counts(claim):
    needle, _ = fold(clean_claim(claim))
    assert find_folded(SOURCE, 0, len(SOURCE), needle) is None


def test_a_match_starts_and_ends_at_word_boundaries():
    needle, _ = fold("ill never leave")
    assert find_folded(SOURCE, 0, len(SOURCE), needle) is None


def test_folded_offsets_point_into_the_original_text():
    text, where = fold("A \u2014 b\u2026")
    assert text == "a-b..."
    assert [where[i] for i in range(len(text))] == [0, 2, 4, 5, 5, 5]


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("", "nothing to check"),
        ("   \n\t ", "nothing to check"),
        ("too short here", "too short to check: 3 words"),
        ("x " * 2600, "too long to check"),
        ("Мы никогда не выйдем из ОДКБ", "Cyrillic script"),
        ("我们永远不会离开集体安全条约组织", "CJK"),
    ],
)
def test_bad_input_gets_one_clear_message(words, message):
    with pytest.raises(CheckInputError, match=message):
        check_input(words, LIMITS)


def test_four_latin_words_are_enough_and_a_name_in_another_script_is_not_fatal():
    assert check_input("  We will never leave  ", LIMITS) == "We will never leave"
    assert check_input("We met Лавров at the talks today", LIMITS)
    assert main_script("12 34 !!") is None


QUOTATIONS = [
    (
        'Lavrov: "We will never leave the CSTO"',
        QuotedClaim("We will never leave the CSTO", "Lavrov"),
    ),
    (
        "Did Putin say “we will not attack anyone first”?",
        QuotedClaim("we will not attack anyone first", "Putin"),
    ),
    (
        '"The ceasefire must hold at all costs" — Psaki',
        QuotedClaim("The ceasefire must hold at all costs", "Psaki"),
    ),
    (
        "Did the foreign minister say «we will never leave the CSTO»?",
        QuotedClaim("we will never leave the CSTO", "the foreign minister"),
    ),
    ('"We will never leave the CSTO"', QuotedClaim("We will never leave the CSTO", None)),
    (
        "Is it true that Jen Psaki said 'inflation is transitory and will pass'?",
        QuotedClaim("inflation is transitory and will pass", "Jen Psaki"),
    ),
    ("What did Lavrov say about the CSTO?", None),
    ('Why did Kirby call it "a red line" in March?', None),
    ('What did Putin mean by "we will never leave the CSTO" and why did he say it then?', None),
    ('Lavrov: "the CSTO"', None),
    ("Lavrov said we will never leave the CSTO", None),
    ('Explain the context of "we will never leave the CSTO"', None),
    ('Why did Lavrov say "we will never leave the CSTO"?', None),
]


@pytest.mark.parametrize(("message", "expected"), QUOTATIONS)
def test_a_message_that_is_mainly_a_quotation_is_read_as_one(message, expected):
    assert read_quotation(message) == expected


def _aligned(claim: str, record: str):
    return align(words(claim), claim, words(record), record)


def test_a_changed_number_is_one_replacement_said_in_one_line():
    record = "The economy added 2.7 million jobs last year."
    found = _aligned("The economy added 3.7 million jobs last year", record)
    assert [(d.op, d.claim, d.record) for d in found.diffs] == [("replace", "3.7", "2.7")]
    assert record[found.diffs[0].start : found.diffs[0].end] == "2.7"
    assert summary(found.diffs) == 'the transcript says "2.7 million", not "3.7 million"'


def test_an_added_not_a_dropped_clause_and_a_swap_are_marked_word_by_word():
    added = _aligned("We should not sit down and talk", "We should sit down and talk")
    assert [(d.op, d.claim) for d in added.diffs] == [("insert", "not")]
    record = "The talks, when we see how the system functions, will resume in May."
    dropped = _aligned("The talks will resume in May", record)
    assert [(d.op, d.record) for d in dropped.diffs] == [
        ("delete", "when we see how the system functions")
    ]
    assert dropped.coverage == 1.0
    swapped = _aligned("We spoke to Iran and Turkey today", "We spoke to Turkey and Iran today")
    assert [(d.op, d.claim, d.record) for d in swapped.diffs] == [
        ("replace", "Iran and Turkey", "Turkey and Iran")
    ]


def test_a_reworded_sentence_has_low_coverage():
    found = _aligned(
        "Our country will under no circumstances withdraw from the treaty organisation",
        "We will never leave the CSTO, whatever happens.",
    )
    assert found.coverage < 0.5 and found.similarity < 0.5
