"""Word alignment of a claim against a stretch of a transcript (rapidfuzz's Indel opcodes:
the longest common word sequence), its similarity, and the differences word by word."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Indel

from onrecord.check.text import words_with_offsets
from onrecord.check.types import Diff

Word = tuple[str, int, int]  # (folded word, start, end): offsets into the text it came from


@dataclass(frozen=True)
class Alignment:
    similarity: float  # 2 x shared words / (claim words + words of the aligned stretch)
    coverage: float  # share of the claim's words found in order
    start: int  # the aligned stretch of the transcript
    end: int
    diffs: list[Diff]


def align(
    claim: list[Word], claim_text: str, record: list[Word], text: str, diffs: bool = True
) -> Alignment | None:
    """The best alignment of ``claim`` (words of ``claim_text``) inside ``record`` (words of
    ``text``): the stretch from the first to the last shared word, widened by as many
    unshared words at either edge as the claim has there; None when no word is shared.
    ``diffs=False`` leaves the differences out (scoring many candidates)."""
    if not claim or not record:
        return None
    ops = Indel.opcodes([w for w, _, _ in claim], [w for w, _, _ in record])
    equal = [op for op in ops if op.tag == "equal"]
    if not equal:
        return None
    first, last = equal[0].dest_start, equal[-1].dest_end
    first -= min(equal[0].src_start, first)
    last += min(len(claim) - equal[-1].src_end, len(record) - last)
    window = record[first:last]
    ops = Indel.opcodes([w for w, _, _ in claim], [w for w, _, _ in window])
    shared = sum(op.src_end - op.src_start for op in ops if op.tag == "equal")
    return Alignment(
        similarity=2 * shared / (len(claim) + len(window)),
        coverage=shared / len(claim),
        start=window[0][1],
        end=window[-1][2],
        diffs=_diffs(ops, claim, claim_text, window, text) if diffs else [],
    )


def _diffs(ops, claim: list[Word], claim_text: str, window: list[Word], text: str) -> list[Diff]:
    """Runs of unequal opcodes merged into one difference each."""
    diffs: list[Diff] = []
    run: list = []
    ops = list(ops)
    for i, op in enumerate([*ops, None]):
        if op is not None and (op.tag != "equal" or _inside_a_change(ops, i)):
            run.append(op)
            continue
        if run:
            c0, c1 = run[0].src_start, run[-1].src_end
            r0, r1 = run[0].dest_start, run[-1].dest_end
            said = _slice(claim_text, claim[c0:c1])
            record = _slice(text, window[r0:r1])
            kind = "replace" if said and record else ("insert" if said else "delete")
            where = (window[r0][1], window[r1 - 1][2]) if r1 > r0 else _gap(window, r0)
            a, b = _context(kind, c0 > 0 and r0 > 0, c1 < len(claim) and r1 < len(window))
            line = (
                f'"{_plain(_slice(text, window[r0 - a : r1 + b]))}", '
                f'not "{_plain(_slice(claim_text, claim[c0 - a : c1 + b]))}"'
            )
            diffs.append(Diff(kind, said, record, *where, line=line))
            run = []
    return diffs


def _gap(window: list[Word], at: int) -> tuple[int, int]:
    """Where words the claim adds would go in the transcript: after the word before."""
    point = window[at - 1][2] if at > 0 else window[0][1]
    return point, point


def _inside_a_change(ops: list, i: int) -> bool:
    """One shared word between two changes joins them ("Turkey and Iran" for "Iran and
    Turkey" is one swap, not two changes)."""
    op = ops[i]
    return (
        0 < i < len(ops) - 1
        and op.src_end - op.src_start == 1
        and ops[i - 1].tag != "equal"
        and ops[i + 1].tag != "equal"
    )


def _context(kind: str, before: bool, after: bool) -> tuple[int, int]:
    """Shared words shown around a difference: the next one (else the one before) for a
    replacement; both for added or dropped words, which have nothing on one side."""
    if kind == "replace":
        return (0, 1) if after else (int(before), 0)
    return int(before), int(after)


def _plain(text: str) -> str:
    return " ".join(text.split())


def _slice(text: str, words: list[Word]) -> str:
    return text[words[0][1] : words[-1][2]] if words else ""


def summary(diffs: list[Diff], most: int = 2) -> str:
    """What differs, in one line: ``the transcript says "2.7 million", not "3.7 million"``."""
    if not diffs:
        return ""
    more = f" (and {len(diffs) - most} more difference{'s' * (len(diffs) - most > 1)})"
    lines = "; ".join(d.line for d in diffs[:most])
    return f"the transcript says {lines}" + (more if len(diffs) > most else "")


def words(text: str, start: int = 0, end: int | None = None) -> list[Word]:
    return words_with_offsets(text, start, end)
