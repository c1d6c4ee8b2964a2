"""`onrecord check` end to end on the bundled sample's index: each verdict, in --json and in
text, a paste from standard input, a speaker named by office, and bad input (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from onrecord.check.text import fold
from onrecord.index.catalog import Catalog
from onrecord.index.generations import current_generation
from tests.support.cli import onrecord

PUTIN_TRADE = "Last year, bilateral trade increased by 25 percent to exceed $5 billion."
ERDOGAN = (
    "Compared to last year, our trade turnover has increased by 31 percent and exceeds $22 billion."
)
REPORTER = "Do you think the number of immigrants will remain the same or continue to grow?"


def check(index, *args: str) -> dict:
    result = onrecord("check", *args, "--index", str(index), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def transcript(index, doc_id: str) -> str:
    catalog = Catalog(current_generation(index) / "catalog.sqlite3", readonly=True)
    return catalog.transcript_text(doc_id)


def first_match(payload: dict) -> dict:
    return payload["sentences"][0]["matches"][0]


def test_verbatim_words_with_other_typography_are_found_at_their_offsets(sample_index):
    pasted = "\u201c\u2026" + PUTIN_TRADE.replace("$5", "$5").rstrip(".") + "\u201d"
    payload = check(sample_index, pasted, "--speaker", "Putin")
    match = first_match(payload)
    assert payload["verdict"] == "verbatim" and match["kind"] == "exact"
    assert (match["speaker"], match["role"], match["date"]) == (
        "Vladimir Putin",
        "official",
        "2018-09-18",
    )
    text = transcript(sample_index, match["doc_id"])
    assert text[match["start"] : match["end"]] == match["quote"]
    assert fold(match["quote"])[0] == fold(PUTIN_TRADE.rstrip("."))[0]  # nbsp in the source
    assert match["verified"] and match["similarity"] == 1.0 and match["diffs"] == []
    assert "#:~:text=" in match["url"]


def test_close_words_show_the_transcripts_words_and_what_differs(sample_index):
    payload = check(sample_index, PUTIN_TRADE.replace("25", "35"), "--speaker", "Vladimir Putin")
    match = first_match(payload)
    assert payload["verdict"] == "close" and match["kind"] == "close"
    assert match["diffs"] == [
        {
            "op": "replace",
            "claim": "35",
            "record": "25",
            "start": match["start"] + 40,
            "end": match["start"] + 42,
        }
    ]
    text = transcript(sample_index, match["doc_id"])
    assert text[match["diffs"][0]["start"] : match["diffs"][0]["end"]] == "25"
    assert 'the transcript says "25 percent", not "35 percent"' in payload["summary"]
    shown = onrecord(
        "check", PUTIN_TRADE.replace("25", "35"), "--speaker", "Putin", "--index", str(sample_index)
    )
    assert shown.returncode == 0 and "Close, not verbatim" in shown.stdout
    assert "[[25 | claim: 35]]" in shown.stdout


def test_another_speakers_words_say_who_said_them_and_when(sample_index):
    payload = check(sample_index, ERDOGAN, "--speaker", "Putin")
    match = first_match(payload)
    assert payload["verdict"] == "other_speaker"
    assert (match["speaker"], match["date"]) == ("Recep Tayyip Erdogan", "2018-04-03")
    assert payload["summary"].startswith("Not Putin's words: Recep Tayyip Erdogan said them")


def test_a_reporters_words_are_the_reporters_with_the_officials_answer(sample_index):
    result = onrecord("check", REPORTER, "--speaker", "Putin", "--index", str(sample_index))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("These words are the reporter's (Question)")
    assert "put to Vladimir Putin; the answer: “You know, it is not easy" in result.stdout
    payload = check(sample_index, REPORTER, "--speaker", "Putin")
    kinds = [(m["kind"], m["role"]) for m in payload["sentences"][0]["matches"]]
    assert payload["verdict"] == "journalist" and kinds == [
        ("question", "journalist"),
        ("answer", "official"),
    ]


def test_words_nobody_said_are_not_found_with_what_was_searched_and_related(sample_index):
    payload = check(
        sample_index,
        "We will never leave the CSTO under any circumstances.",
        "--speaker",
        "the foreign minister",
    )
    assert payload["verdict"] == "not_found" and payload["speakers"] == ["Sergey Lavrov"]
    assert "by Sergey Lavrov in the 44 transcripts searched (all dates)" in payload["summary"]
    related = payload["sentences"][0]["related"]
    assert related and all(
        r["speaker"] == "Sergey Lavrov" and r["kind"] == "related" for r in related
    )
    assert all(r["similarity"] < 0.75 for r in related)


def test_a_pasted_paragraph_from_stdin_is_checked_sentence_by_sentence(sample_index):
    paste = f"{PUTIN_TRADE} We will never leave the CSTO under any circumstances."
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "onrecord.cli",
            "check",
            "-",
            "--speaker",
            "Putin",
            "--index",
            str(sample_index),
            "--json",
        ],
        input=paste,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [s["verdict"] for s in payload["sentences"]] == ["verbatim", "not_found"]
    assert payload["verdict"] == "mixed"
    assert payload["summary"] == "2 sentences checked: 1 verbatim, 1 not found."


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("", "nothing to check"),
        ("   ", "nothing to check"),
        ("never leave it", "too short to check"),
        ("word " * 1001, "too long to check"),
        ("Мы никогда не выйдем из ОДКБ", "Cyrillic script"),
    ],
)
def test_bad_input_is_one_message_and_exit_2(words, message, tmp_path):
    result = onrecord("check", words, "--index", str(tmp_path / "no-index"))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("words", "speaker", "first_line", "shown"),
    [
        (
            PUTIN_TRADE,
            "Putin",
            "Verbatim: Vladimir Putin said these words on 2018-09-18",
            "[exact]",
        ),
        (ERDOGAN, "Putin", "Not Putin's words: Recep Tayyip Erdogan said them", "[exact]"),
        (
            "We will never leave the CSTO under any circumstances.",
            "Lavrov",
            "Not found: nothing close to these words by Sergey Lavrov",
            "Related (not these words):",
        ),
    ],
)
def test_the_text_form_leads_with_the_verdict_line(sample_index, words, speaker, first_line, shown):
    result = onrecord("check", words, "--speaker", speaker, "--index", str(sample_index))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(first_line)
    assert shown in result.stdout
