"""The named mutants of quote checks (issue 27), in the shape of ``bench/mutant_list.py``:
one deliberate bug each against a promise of ``onrecord check``, with the test files that
must catch it."""

from __future__ import annotations

from bench.mutant_list import Mutant

TEXT = ("tests/test_check_text.py",)
CLI = ("tests/test_check_cli.py",)
LIBRARY = ("tests/test_check.py",)

CHECKS: list[Mutant] = [
    Mutant(
        "check-any-speaker-is-the-claimed-one",
        "onrecord/check/verdict.py",
        "    return match.speaker in claimed",
        "    return match.role != JOURNALIST",
        CLI,
    ),
    Mutant(
        "check-reporters-words-as-someone-elses",
        "onrecord/check/verdict.py",
        "    others = [m for m in exact if m.role != JOURNALIST]",
        "    others = list(exact)",
        CLI,
    ),
    Mutant(
        "check-close-band-open",
        "onrecord/check/verdict.py",
        "    if match.coverage < band.close_coverage:",
        "    if match.coverage < 0.4:",
        LIBRARY,
    ),
    Mutant(
        "check-fold-drops-commas",
        "onrecord/check/text.py",
        "_DROPPED = '\"'",
        "_DROPPED = '\",'",
        TEXT,
    ),
    Mutant(
        "check-match-inside-a-word",
        "onrecord/check/exact.py",
        "        if (pos == 0 or not hay[pos - 1].isalnum()) and (",
        "        if (",
        TEXT,
    ),
    Mutant(
        "check-diff-offsets-shifted",
        "onrecord/check/align.py",
        "            where = (window[r0][1], window[r1 - 1][2]) if r1 > r0 else _gap(window, r0)",
        "            where = (window[r0][1] + 1, window[r1 - 1][2] + 1) if r1 > r0 else "
        "_gap(window, r0)",
        CLI,
    ),
    Mutant(
        "check-any-quoted-phrase-is-a-check",
        "onrecord/reading/quotation.py",
        "    if speaker is False:\n        return None",
        "    if speaker is False:\n        speaker = None",
        TEXT,
    ),
    Mutant(
        "check-old-index-not-backfilled",
        "ingest/pipeline.py",
        "        ) or not turn_words.has_table(catalog.db)",
        "        )",
        LIBRARY,
    ),
    Mutant(
        "check-other-scripts-accepted",
        "onrecord/check/limits.py",
        "    if script and script != ARCHIVE_SCRIPT:",
        "    if False:",
        TEXT,
    ),
]
