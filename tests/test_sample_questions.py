"""The sample question set (data/questions/sample.jsonl): format, gold quotes, speakers, filters.

Fast and model-free. Besides the format rules of data/questions/README.md, it checks each gold
quote against the project's own parser: the quote must sit inside one turn whose role is
``official``, so that a journalist's words can never be the gold answer.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from ingest.formats import parse_transcript
from onrecord.names import clean_label

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"
QUESTIONS = REPO / "data" / "questions" / "sample.jsonl"

SOURCES = ("mfa", "kremlin", "whitehouse")
TAGS = {
    "factual",
    "opinion",
    "number",
    "date",
    "speaker",
    "speaker-trap",
    "follow-up",
    "multi-evidence",
    "unanswerable",
    "false-premise",
    *SOURCES,
}
REQUIRED = {"id", "question", "answerable", "evidence", "reference_answer", "tags"}
OPTIONAL = {"filters", "history"}
FILTER_KEYS = {"speaker", "date_from", "date_to"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Labels that stand for the press, a moderator or an anonymous remark, never for an official.
ROLE_LABELS = {"q", "question", "remark", "remarks", "moderator", "answer"}
# Words in a label that are titles, not names ("MS. PSAKI", "ADMINISTRATOR REGAN").
TITLE_WORDS = {"mr", "ms", "mrs", "dr", "secretary", "assistant", "administrator"}
QUOTE_MIN, QUOTE_MAX = 40, 400

# Key terms of each "topic not covered" item: none may occur anywhere in data/sample.
ABSENT_TERMS = {
    "sample-026": ["Transnistria", "Dniester"],
    "sample-027": ["Kursk"],
    "sample-028": ["Kerch"],
    "sample-029": ["Key Bridge", "Baltimore"],
    "sample-030": ["Maui", "Lahaina", "wildfire"],
    # Words the index knows, on a subject it never treats: only the relevance gate refuses it.
    "sample-033": ["fishing", "fish stock", "fishery"],
}

_SP = "[ \t\u00a0]"
# Where a label glued onto the previous turn may start (as in "...and if so, when? MS. PSAKI:").
_GLUE = r"(?<=[.?!”’)\-—–])" + _SP + "+"


def _load() -> list[dict]:
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


ITEMS = _load()
EVIDENCE = [
    pytest.param(item, i, ev, id=f"{item['id']}-{i}")
    for item in ITEMS
    for i, ev in enumerate(item["evidence"])
]


@cache
def doc_path(doc_id: str) -> Path:
    found = sorted(SAMPLE.glob(f"*/{doc_id}.txt"))
    assert len(found) == 1, f"{doc_id}: expected one file in data/sample/*/, found {found}"
    return found[0]


@cache
def doc_text(doc_id: str) -> str:
    return doc_path(doc_id).read_text(encoding="utf-8")


@cache
def parsed(doc_id: str):
    return parse_transcript(doc_id, doc_text(doc_id))


@cache
def manifest(source: str) -> dict[str, dict]:
    rows = (SAMPLE / source / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, rows) if row}


def source_of(doc_id: str) -> str:
    return doc_path(doc_id).parent.name


def name_tokens(text: str) -> list[str]:
    """Lower-case words of a name or label, without parentheses such as ``(retranslated)``."""
    text = re.sub(r"\([^()]*\)", " ", text)
    return re.findall(r"[a-z0-9]+(?:[-'’][a-z0-9]+)*", text.lower())


def same_person(name: str, label: str) -> bool:
    """The README rule: names match on the person's name, ignoring titles and honorifics.

    ``Vladimir Putin`` matches ``President of Russia Vladimir Putin`` (all its words are in the
    label) and ``Jen Psaki`` matches ``MS. PSAKI`` (the label's words, minus titles, are in it).
    """
    in_name, in_label = set(name_tokens(name)), set(name_tokens(label))
    return bool(in_name) and (in_name <= in_label or (in_label - TITLE_WORDS) <= in_name)


def known_labels(doc_id: str) -> set[str]:
    """Labels seen in a file: from the parser, the manifest and the gold evidence."""
    labels = {turn.label for turn in parsed(doc_id).turns if turn.label}
    labels |= set(manifest(source_of(doc_id))[doc_id].get("speakers", []))
    labels |= {ev["speaker"] for item in ITEMS for ev in item["evidence"] if ev["doc_id"] == doc_id}
    return labels


@cache
def label_positions(doc_id: str) -> list[tuple[int, str]]:
    """(offset, label) of every speaker label in a file, in text order.

    A label starts a line and is followed by ``:``; a White House reporter turn is a bare ``Q``.
    A label glued onto the end of the previous turn, after a sentence end, also counts.
    """
    text = doc_text(doc_id)
    found: dict[int, str] = {}
    for label in sorted(known_labels(doc_id), key=len):  # longer labels win at the same offset
        if label == "Q":
            body = r"Q(?=" + _SP + r"{2,}|\u00a0)|^Q(?=" + _SP + r"+\S)"
        else:
            body = (_SP + "+").join(map(re.escape, label.split())) + _SP + "*:"
        pattern = re.compile(r"(?:^|" + _GLUE + r")(?:" + body + r")", re.M)
        for match in pattern.finditer(text):
            start = match.start() + len(match.group(0)) - len(match.group(0).lstrip(" \t\u00a0"))
            found[start] = label
    return sorted(found.items())


def main_speaker(doc_id: str) -> str:
    """The most frequent named label: whose unlabelled opening remarks an MFA page starts with."""
    counts = Counter(
        label
        for _, label in label_positions(doc_id)
        if name_tokens(label) and name_tokens(label)[0] not in ROLE_LABELS
    )
    return counts.most_common(1)[0][0]


def gold_span(ev: dict) -> tuple[int, int]:
    start = doc_text(ev["doc_id"]).find(ev["quote"])
    return start, start + len(ev["quote"])


# ---------------------------------------------------------------- format


def test_every_line_parses_and_ids_are_unique_and_sequential():
    lines = [line for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) == len(ITEMS) == 33
    ids = [item["id"] for item in ITEMS]
    assert len(set(ids)) == len(ids)
    assert ids == [f"sample-{n:03d}" for n in range(1, len(ids) + 1)]


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item["id"])
def test_fields_and_types(item):
    assert REQUIRED <= item.keys() <= REQUIRED | OPTIONAL
    assert isinstance(item["question"], str) and item["question"].strip()
    assert isinstance(item["reference_answer"], str) and item["reference_answer"].strip()
    assert isinstance(item["answerable"], bool)
    assert isinstance(item["evidence"], list)
    for ev in item["evidence"]:
        assert set(ev) == {"doc_id", "speaker", "quote"}
        assert all(isinstance(ev[key], str) and ev[key] for key in ev)
    assert isinstance(item["tags"], list) and len(set(item["tags"])) == len(item["tags"])


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item["id"])
def test_tags_come_from_the_list_and_agree_with_the_item(item):
    tags = set(item["tags"])
    assert tags <= TAGS, tags - TAGS
    sources = tags & set(SOURCES)
    assert len(sources) == 1, "exactly one source tag"
    assert {source_of(ev["doc_id"]) for ev in item["evidence"]} <= sources
    assert ("unanswerable" in tags) == (not item["answerable"])
    assert ("unanswerable" in tags) == (not item["evidence"])
    if "false-premise" in tags:
        assert "unanswerable" in tags
    assert ("multi-evidence" in tags) == (len(item["evidence"]) == 2)
    assert len(item["evidence"]) <= 2
    assert ("follow-up" in tags) == bool(item.get("history"))


@pytest.mark.parametrize(
    "item", [item for item in ITEMS if "history" in item], ids=lambda item: item["id"]
)
def test_history_is_a_short_user_assistant_exchange(item):
    history = item["history"]
    assert 2 <= len(history) <= 4 and len(history) % 2 == 0
    for n, turn in enumerate(history):
        assert set(turn) == {"role", "content"}
        assert turn["role"] == ("user" if n % 2 == 0 else "assistant")
        assert isinstance(turn["content"], str) and turn["content"].strip()


def test_tag_mix():
    tags = Counter(tag for item in ITEMS for tag in item["tags"])
    answerable = [item for item in ITEMS if item["answerable"]]
    per_source = Counter(tag for item in answerable for tag in item["tags"] if tag in SOURCES)
    assert 23 <= len(answerable) <= 26
    assert 3 <= per_source["mfa"] <= 4
    assert 10 <= per_source["kremlin"] <= 12
    assert 8 <= per_source["whitehouse"] <= 10
    assert 2 <= tags["multi-evidence"] <= 3
    assert tags["follow-up"] == tags["speaker-trap"] == 3
    assert 2 <= tags["date"] <= 3
    assert tags["false-premise"] == 2
    assert tags["unanswerable"] == 8
    kinds = {
        manifest("kremlin")[ev["doc_id"]].get("kind")
        for item in answerable
        for ev in item["evidence"]
        if source_of(ev["doc_id"]) == "kremlin"
    }
    assert kinds == {"qa_with_journalists", "multi_speaker"}


# ---------------------------------------------------------------- gold quotes


@pytest.mark.parametrize(("item", "i", "ev"), EVIDENCE)
def test_quote_is_an_exact_unique_substring_of_its_file(item, i, ev):
    text = doc_text(ev["doc_id"])
    assert QUOTE_MIN <= len(ev["quote"]) <= QUOTE_MAX, len(ev["quote"])
    assert text.count(ev["quote"]) == 1, "quote must occur exactly once"
    assert ev["quote"] == ev["quote"].strip(), "no leading or trailing whitespace"
    assert ev["doc_id"] in manifest(source_of(ev["doc_id"]))


@pytest.mark.parametrize(("item", "i", "ev"), EVIDENCE)
def test_nearest_label_before_the_quote_is_the_evidence_speaker(item, i, ev):
    start, end = gold_span(ev)
    before = [(pos, label) for pos, label in label_positions(ev["doc_id"]) if pos < start]
    inside = [label for pos, label in label_positions(ev["doc_id"]) if start <= pos < end]
    assert not inside, f"the quote crosses into another turn: {inside}"
    if before:
        # The parser's label and the gold label can differ only in spacing (non-breaking
        # spaces); which one the set yields first depends on the hash seed.
        assert clean_label(before[-1][1]) == clean_label(ev["speaker"])
    else:  # unlabelled opening remarks: only an MFA page gives them to the minister
        assert source_of(ev["doc_id"]) == "mfa", "quote precedes every speaker label"
        assert ev["speaker"] == main_speaker(ev["doc_id"])
    assert name_tokens(ev["speaker"])[0] not in ROLE_LABELS, "gold is never a journalist turn"


@pytest.mark.parametrize(("item", "i", "ev"), EVIDENCE)
def test_parser_puts_the_quote_inside_one_official_turn(item, i, ev):
    """Product rule: the answer is the official's words, never the journalist's question."""
    start, end = gold_span(ev)
    turns = [turn for turn in parsed(ev["doc_id"]).turns if turn.start <= start and end <= turn.end]
    assert len(turns) == 1, "the quote is not inside exactly one parsed turn"
    assert turns[0].role.value == "official", (turns[0].label, turns[0].role)


@pytest.mark.parametrize(("item", "i", "ev"), EVIDENCE)
def test_parser_names_the_same_speaker_as_the_gold_label(item, i, ev):
    start, end = gold_span(ev)
    turn = next(t for t in parsed(ev["doc_id"]).turns if t.start <= start and end <= t.end)
    assert same_person(turn.speaker, ev["speaker"]), (turn.label, turn.speaker, ev["speaker"])


# ---------------------------------------------------------------- filters and coverage


@pytest.mark.parametrize(
    "item", [item for item in ITEMS if "filters" in item], ids=lambda item: item["id"]
)
def test_filters_are_well_formed_and_hold_for_the_gold(item):
    filters = item["filters"]
    assert filters and set(filters) <= FILTER_KEYS
    for key in ("date_from", "date_to"):
        if key in filters:
            assert ISO_DATE.match(filters[key]), filters[key]
    if "date_from" in filters and "date_to" in filters:
        assert filters["date_from"] <= filters["date_to"]
    for ev in item["evidence"]:
        date = manifest(source_of(ev["doc_id"]))[ev["doc_id"]]["date"]
        assert filters.get("date_from", date) <= date <= filters.get("date_to", date), date
        if "speaker" in filters:
            assert same_person(filters["speaker"], ev["speaker"]), ev["speaker"]


def test_speaker_filters_use_the_name_as_in_the_labels():
    """Surname for White House officials, full name for Kremlin and MFA speakers."""
    for item in ITEMS:
        speaker = item.get("filters", {}).get("speaker")
        if not speaker:
            continue
        source = next(tag for tag in item["tags"] if tag in SOURCES)
        words = len(speaker.split())
        assert words == 1 if source == "whitehouse" else words >= 2, (item["id"], speaker)


@pytest.mark.parametrize(("qid", "terms"), sorted(ABSENT_TERMS.items()))
def test_uncovered_topics_are_absent_from_the_sample_corpus(qid, terms):
    item = next(item for item in ITEMS if item["id"] == qid)
    assert not item["answerable"] and "false-premise" not in item["tags"]
    corpus = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLE.glob("*/*.txt")))
    for term in terms:
        assert term.lower() not in corpus.lower(), term


def test_every_topic_gap_item_has_its_terms_listed():
    gaps = {
        item["id"]
        for item in ITEMS
        if not item["answerable"] and "false-premise" not in item["tags"]
    }
    assert gaps == set(ABSENT_TERMS)
