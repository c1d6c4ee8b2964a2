"""Which lines start a speaker's turn, on the real transcripts of issue 24
(``tests/attribution_data``): labels with long titles are read, colon phrases are not; the
raw-text audit (``bench/attribution_audit.py``) agrees with the parser on them and on the
sample; a page with no speaker is refused with the reason."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bench.attribution_audit import Audit, audit_transcript, label_lines, run
from ingest.formats import UnparseableTranscript, parse_transcript
from onrecord.types import Role, Transcript
from tests.conftest import ATTRIBUTION, REPO, SAMPLE

KREMLIN = ATTRIBUTION / "kremlin"
CORPUS = REPO.parent / "shared" / "corpus"


def parse(path: Path) -> Transcript:
    return parse_transcript(path.stem, path.read_text(encoding="utf-8"))


def turn_holding(transcript: Transcript, words: str):
    """The turn whose words hold ``words`` (which the raw text holds exactly once)."""
    at = transcript.text.index(words)
    assert transcript.text.find(words, at + 1) == -1, words
    return next(t for t in transcript.turns if t.start <= at < t.end)


@pytest.mark.parametrize(
    ("doc", "words", "speaker"),
    [
        ("52957", "A\u00a0Just Russia party is not satisfied with the", "Sergei Mironov"),
        ("56827", "to\u00a0briefly touch on\u00a0several factors", "Vladimir Fortov"),
        ("56827", "I\u00a0would like to\u00a0say a\u00a0few words about one aspect", None),
        ("56002", "Mr President, honoured guests, dear friends,", "Anja Kopac-Mrak"),
        ("56762", "the\u00a0last one was very special", "Patriarch Kirill"),
        ("17538", "", "King Abdullah II"),
    ],
)
def test_a_label_with_a_long_title_starts_that_person_s_turn(doc, words, speaker):
    transcript = parse(KREMLIN / f"kremlin_en_{doc}.txt")
    if not words:  # the person speaks: some turn is theirs
        assert speaker in transcript.speakers, transcript.speakers
        return
    turn = turn_holding(transcript, words)
    assert turn.speaker != "Vladimir Putin" and turn.role is Role.OFFICIAL, turn
    assert speaker is None or turn.speaker == speaker, turn


@pytest.mark.parametrize(
    ("doc", "line", "speaker"),
    [
        ("52957", "Besides, look at\u00a0the\u00a0totals:", "Vladimir Zhirinovsky"),
        ("52957", "Nevertheless, look at\u00a0the\u00a0ballot count:", "Vladimir Zhirinovsky"),
        ("55882", "Germany: “This is a\u00a0matter", "Vladimir Putin"),
        ("55882", "The\u00a0United Kingdom: “Secession", "Vladimir Putin"),
        ("60675", "Listen: you and\u00a0your readers", "Vladimir Putin"),
        ("57492", "Minister of\u00a0Defence: Sergei Shoigu.", "Dmitry Medvedev"),
        ("57492", "Development of\u00a0the\u00a0Russian Far East:", None),
    ],
)
def test_a_colon_phrase_stays_in_the_speaker_s_turn(doc, line, speaker):
    transcript = parse(KREMLIN / f"kremlin_en_{doc}.txt")
    at = transcript.text.index(line)
    turn = next(t for t in transcript.turns if t.start <= at < t.end)
    assert turn.start < at, f"{line!r} starts a turn of {turn.speaker!r}"
    assert speaker is None or turn.speaker == speaker, turn
    phrase = line.split(":")[0]
    assert not any(phrase in t.label for t in transcript.turns)


def test_an_upper_case_label_with_accents_starts_a_turn():
    path = next((ATTRIBUTION / "whitehouse").glob("wh_2024-06-17-*.txt"))
    transcript = parse(path)
    mine = [t for t in transcript.turns if "HERN" in t.label]
    assert len(mine) >= 10, {t.label for t in transcript.turns}
    assert {t.speaker for t in mine} == {"Fernández Hernández"}


def test_a_page_without_speakers_is_refused_with_what_it_lacks():
    with pytest.raises(UnparseableTranscript, match="none starts with a speaker label"):
        parse(ATTRIBUTION / "refused" / "kremlin_en_54416.txt")


def test_the_audit_reads_labels_without_the_parser():
    """The audit's own reader finds the long-title labels and ignores the phrases."""
    text = (KREMLIN / "kremlin_en_52957.txt").read_text(encoding="utf-8")
    labels = [line.label for line in label_lines(text)]
    assert any(label.startswith("Sergei Mironov, Leader of") for label in labels)
    assert not any(label.startswith("Besides") for label in labels)
    listed = (KREMLIN / "kremlin_en_57492.txt").read_text(encoding="utf-8")
    assert not any("Defence" in line.label for line in label_lines(listed))


def test_the_audit_finds_no_missed_or_invented_speaker_in_the_bundled_transcripts():
    audit = Audit()
    roots = [SAMPLE, ATTRIBUTION / "kremlin", ATTRIBUTION / "whitehouse"]
    run(roots, audit)
    assert sum(audit.transcripts.values()) == 44 + 28
    assert sum(audit.labels.values()) > 1800
    assert not audit.examples, audit.examples


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_the_audit_of_the_dev_corpus_flags_only_what_docs_ingest_explains():
    audit = Audit()
    run([CORPUS], audit)
    assert audit.examples.get("invented", []) == []
    assert audit.examples.get("role", []) == []
    assert audit.examples.get("missed", []) == []
    assert len(audit.failed) == 4, audit.failed


def test_a_reporter_reading_out_question_is_not_a_missed_turn_but_inside_an_official_s_is():
    """``Question: Have you spoken…`` inside a reporter's ``Q`` turn: the words stay the
    press's, as the label would have it, so the audit does not count it. Were the reporter's
    turn filed as an official's, the same line would be words given to an official."""
    path = next((ATTRIBUTION / "whitehouse").glob("wh_2024-11-27-*venezuela.txt"))
    transcript = parse(path)
    lines = label_lines(transcript.text)
    line = next(x for x in lines if transcript.text[x.start :].startswith("Question: Have you"))
    assert audit_transcript(transcript, lines) == []
    holding = next(t for t in transcript.turns if t.start <= line.start < t.end)
    assert holding.role is Role.JOURNALIST and holding.label.strip() == "Q"
    misfiled = [replace(t, role=Role.OFFICIAL) if t is holding else t for t in transcript.turns]
    flags = audit_transcript(replace(transcript, turns=misfiled), lines)
    assert sorted(kind for kind, _ in flags) == ["missed", "role"], flags  # and a Q unlike press


def roles_of_follow_ons(transcript: Transcript) -> set[Role]:
    return {t.role for t in transcript.turns if t.label.strip() in {"Remark", "Reply"}}


def test_a_reply_or_remark_is_the_role_of_the_voice_it_belongs_to():
    """At a campaign headquarters the remarks after the President's words are the party
    workers' (not the press's, not an official's); at a news conference they are the press's."""
    visit = parse(KREMLIN / "kremlin_en_52910.txt")
    assert roles_of_follow_ons(visit) == {Role.OTHER}
    conference = parse(SAMPLE / "kremlin" / "kremlin_en_55017.txt")
    assert roles_of_follow_ons(conference) == {Role.JOURNALIST}
