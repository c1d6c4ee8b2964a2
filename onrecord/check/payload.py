"""``onrecord check``'s output: the ``--json`` payload and the text form. Pure."""

from __future__ import annotations

from dataclasses import asdict

from onrecord.check.types import CheckResult, Match, SentenceCheck

INTERNAL = ("turn_index", "turn_start", "turn_end")


def check_dict(result: CheckResult) -> dict:
    """The ``check --json`` payload."""
    return {
        "claim": result.claim,
        "verdict": result.verdict,
        "summary": result.overall,
        "speaker": result.speaker,
        "speakers": result.speakers,
        "since": result.since,
        "until": result.until,
        "transcripts_searched": result.transcripts_searched,
        "sentences": [_sentence_dict(s) for s in result.sentences],
        "timings": result.timings,
        "warnings": result.warnings,
    }


def _sentence_dict(check: SentenceCheck) -> dict:
    return {
        "claim": check.claim,
        "verdict": check.verdict,
        "summary": check.summary,
        "occurrences": check.occurrences,
        "matches": [match_dict(m) for m in check.matches],
        "related": [match_dict(m) for m in check.related],
    }


def match_dict(match: Match) -> dict:
    """A match's fields (its turn's bounds aside); the differences only for a ``close`` one."""
    found = {k: v for k, v in asdict(match).items() if k not in INTERNAL}
    if match.kind != "close":
        found["diffs"] = []
    for diff in found["diffs"]:
        diff.pop("line")
    return found


def marked_quote(match: Match, open_: str = "[[", close: str = "]]") -> str:
    """The quote with each difference marked: ``[[2.7 | claim: 3.7]]``; words the claim
    adds as ``[[+ not]]``, words it drops as ``[[- , when we ...]]``."""
    out, cursor = [], match.start
    source = match.quote
    for diff in sorted(match.diffs, key=lambda d: d.start):
        out.append(source[cursor - match.start : diff.start - match.start])
        if diff.op == "replace":
            out.append(f"{open_}{diff.record} | claim: {diff.claim}{close}")
        elif diff.op == "insert":
            out.append(f"{open_}+ {diff.claim}{close}")
        else:
            out.append(f"{open_}- {diff.record}{close}")
        cursor = diff.end
    out.append(source[cursor - match.start :])
    return " ".join("".join(out).split())


def check_text(result: CheckResult) -> str:
    """What ``onrecord check`` prints: the verdict line, then each sentence's matches."""
    lines = [result.overall]
    lines += [f"warning: {w}" for w in result.warnings]
    for n, check in enumerate(result.sentences, 1):
        if len(result.sentences) > 1:
            lines += ["", f"{n}. {check.verdict}: {check.claim}", f"   {check.summary}"]
        for match in check.matches:
            lines += _match_lines(match)
        if check.related:
            lines += ["", "Related (not these words):"]
            for match in check.related:
                lines += _match_lines(match)
    return "\n".join(lines)


def _match_lines(match: Match) -> list[str]:
    quote = marked_quote(match) if match.kind == "close" else " ".join(match.quote.split())
    score = f"similarity {match.similarity:.2f}"
    if match.cosine is not None:
        score += f", meaning {match.cosine:.2f}"
    head = (
        f"- [{match.kind}] {match.speaker} ({match.role}), {match.date or 'undated'}, {match.title}"
    )
    lines = ["", head, f'  "{quote}"', f"  {match.doc_id} [{match.start}:{match.end}]  {score}"]
    return lines + ([f"  {match.url}"] if match.url else [])
