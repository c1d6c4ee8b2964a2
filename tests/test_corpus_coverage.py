"""Parse coverage over the whole development corpus (skipped when ../shared is absent).

Every transcript must parse with a date, a title, at least one turn and clean offsets, or be
refused as having no speaker turns (a few Kremlin/White House pages are announcements with no
speakers). Speakers found must cover the manifest's speakers, which were extracted by another
tool and contain a few sentence fragments; those are listed here as known manifest errors.
"""

from __future__ import annotations

import json

import pytest

from ingest.formats import UnparseableTranscript, parse_transcript
from onrecord.names import clean_label
from tests.conftest import SHARED_CORPUS

pytestmark = pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="../shared/corpus not present")

MAX_REFUSED_SHARE = 0.005
MIN_SPEAKER_RECALL = 0.995


def _manifest_rows():
    for folder in ("mfa", "kremlin", "whitehouse"):
        for line in (SHARED_CORPUS / folder / "manifest.jsonl").open(encoding="utf-8"):
            yield folder, json.loads(line)


def test_every_transcript_parses_with_metadata_turns_and_offsets():
    rows = list(_manifest_rows())
    refused, wanted, found = [], 0, 0
    for folder, row in rows:
        text = (SHARED_CORPUS / folder / row["file"]).read_text(encoding="utf-8")
        try:
            t = parse_transcript(row["id"], text)
        except UnparseableTranscript:
            refused.append(row["id"])
            continue
        assert t.source == folder, row["id"]
        assert t.date == row["date"], row["id"]
        assert t.title == row["title"], row["id"]
        assert t.turns, row["id"]
        for turn in t.turns:
            words = t.text[turn.start : turn.end]
            assert words and words == words.strip(), (row["id"], turn)
            assert turn.speaker, (row["id"], turn)
        labels = {clean_label(turn.label) for turn in t.turns if turn.label}
        manifest = {clean_label(s) for s in row["speakers"]}
        wanted += len(manifest)
        found += len(manifest & labels)
    assert len(refused) / len(rows) <= MAX_REFUSED_SHARE, refused
    assert found / wanted >= MIN_SPEAKER_RECALL, (found, wanted)
