"""Attribution audit: where the raw text starts a speaker's turn, against where the parser does.

Reads the raw files of one or more corpora (default ``../shared/corpus`` and ``data/sample``)
with its own reader of labels, which shares nothing with ``ingest/formats``: a line is a
label when it starts with a bare ``Q``, a role word (``Question (retranslated):``,
``Remark:``, ``MODERATOR:``), an upper-case name (``MS. PSAKI:``), or a person's name with or
without a title and a description (``Sergei Mironov, Leader of …:``, ``President of Russia
Vladimir Putin:``) followed by speech. Then, per transcript, it compares that with the
parser's turns and counts three kinds of flag:

* ``missed``: a label line where no turn starts: its words go to the speaker before (not a
  press label in a reporter's turn, whose words stay the press's);
* ``invented``: a parsed turn whose label is not a person's name or a role (a phrase such as
  ``Besides, look at the totals:`` made into a speaker);
* ``role``: a turn whose role disagrees with its label (a ``Q`` or ``Question`` turn that is
  not the press, a moderator's label on an official's turn).

    .venv/bin/python bench/attribution_audit.py [PATH ...] [--examples N]

Prints a Markdown table (one row per corpus path, then the total), the examples of each kind,
the files that did not parse and the command line."""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == _HERE:
    sys.path[0] = str(_HERE.parent)

from ingest.discover import discover  # noqa: E402
from ingest.file_text import UnreadableFile, read_transcript_file  # noqa: E402
from ingest.formats import UnparseableTranscript, parse_transcript  # noqa: E402
from onrecord.types import Role, Transcript, Turn  # noqa: E402

DEFAULT_PATHS = ("../shared/corpus", "data/sample")
_SP = "[ \t\u00a0]"
# ``Q   text``, ``Q: text`` (whitehouse.gov's reporter mark).
BARE_Q = re.compile(rf"^{_SP}*[*_]?Q[:.]?{_SP}+\S")
_NOTE_ONLY = re.compile(r"(?:[—–-]\s*)?(?:\([^()]*\)\.?\s*)+")
# ``<label>: <speech>``: the label is what comes before the first colon followed by a blank.
COLON = re.compile(rf"^{_SP}*[*_]?(?P<label>[A-Z][^:\n]{{0,300}}?){_SP}*:{_SP}+(?P<rest>\S.*)$")
# The audit's own role words: labels that name a role rather than a person.
ROLE_WORDS = set(
    """question questions remark remarks reply response comment moderator host presenter
    operator interpreter participant audience reporter journalist narrator announcer voice
    staff aide speaker answer volunteer volunteers""".split()
)
PRESS_WORDS = {"q", "question", "questions", "reporter", "journalist"}
HOST_WORDS = {"moderator", "host", "presenter", "anchor"}
_NAME_TOKEN = re.compile(r"^(?:[a-z]{1,3}[’'\-])?[A-Z][^\W\d_’'\-]*(?:[’'\-][^\W\d_]+)*\.?$")
_PARTICLES = {"van", "von", "der", "de", "da", "del", "bin", "al", "le", "la", "di", "ibn"}
# ``MS. PSAKI``, ``Mr. KIRBY``, ``MR. FERNÁNDEZ HERNÁNDEZ``: capitals after an honorific.
_UPPER_LABEL = re.compile(r"^(?:(?i:mr|ms|mrs|dr)\.\s+)?(?=[^\W\d_])(?:[^\W\d_]|[.'’\- ]){2,60}$")
# Words that make a colon phrase a sentence: a label holds none of them.
SENTENCE = set(
    """i we you he she it they is are was were be do does did have has had will would can
    could should may might must not this that these those here there what which how why
    when where let look listen see besides hence nevertheless thus so as if but said says a an
    took your my our his her their about""".split()
)
# Words that stand before a name, never in one.
TITLES = set(
    """mr ms mrs dr sir madam president minister secretary chairman director governor mayor
    prime deputy ambassador colleagues friends ladies gentlemen general the""".split()
)


def label_kind(label: str, rest: str) -> str | None:
    """``role``, ``upper``, ``person`` or None (not a label) for one ``label: rest`` line."""
    bare = re.sub(r"\s*\([^()]*\)\s*$", "", " ".join(label.split())).strip()
    if not bare:
        return None
    words = bare.split()
    if _NOTE_ONLY.fullmatch(rest.strip()):
        return None  # ``Remark: (no microphone).``: no words to give anyone
    sentence = any(w in SENTENCE for w in words[1:])
    if (
        words[0].lower().strip(".,") in ROLE_WORDS
        and not sentence
        and (len(words) == 1 or words[1].islower())
    ):
        return "role"  # ``Question from Perm Territory``, not ``Speaker McCarthy``
    named = re.sub(r"^(?i:mr|ms|mrs|dr)\.\s+", "", bare)
    if _UPPER_LABEL.match(bare) and named == named.upper() and len(words) <= 8:
        return "upper"
    return "person" if _names_a_person(bare, rest) else None


def _names_a_person(label: str, rest: str) -> bool:
    """One comma-separated part of the label ends in two or more name tokens, nothing in it
    reads as a sentence, and speech follows (not just a name, as in a list of posts)."""
    label = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", label)  # ``VladimirPutin``
    parts = [p.split() for p in label.split(",")]
    words = [w for p in parts for w in p]
    if not words or words[0].lower() in SENTENCE or any(w in SENTENCE for w in words):
        return False
    if len(parts[0]) > 30:
        return False
    if _NOTE_ONLY.fullmatch(rest.strip()):
        return False
    return any(_has_name(p) for p in parts)


def _has_name(words: list[str]) -> bool:
    """Two name tokens in a row, not counting one right after "of"/"the"/"for"
    (``of Russia Vladimir Putin``), or a single name after an opening title (``Patriarch
    Kirill``)."""
    name, before = 0, ""
    for word in [*words, ""]:
        sentence_end = word.endswith(".") and len(word) > 3  # ``Third.``
        if _NAME_TOKEN.match(word) and word.lower().strip(".") not in TITLES and not sentence_end:
            name += 1
            continue
        if word.lower() in _PARTICLES and name:
            continue
        ends = word in ("", "of") or word.startswith("(")  # a name ends its part, or "of …"
        if ends and name - (before.lower() in {"of", "the", "for", "and"}) >= 2:
            return True
        name, before = 0, word
    return len(words) in (2, 4) and words[0].lower() in TITLES and words[-2:][0] != "of"


def is_bare_name(rest: str) -> bool:
    """``Sergei Shoigu.``: what follows a post in a list of appointments, not speech."""
    words = rest.rstrip(".;").split()
    return 2 <= len(words) <= 4 and all(_NAME_TOKEN.match(w) for w in words) and rest.endswith(".")


@dataclass
class LabelLine:
    start: int
    end: int
    label: str
    kind: str
    listed: bool = False  # reads ``Post: Name.``


def label_lines(text: str) -> list[LabelLine]:
    """Every line of ``text`` that the audit reads as starting a speaker's turn (after the
    date and title lines). In a transcript labelled in capitals (whitehouse.gov), a
    mixed-case ``Name: words`` line is a quotation, not a label."""
    found = _candidates(text)
    upper = sum(line.kind == "upper" for line in found)
    if upper >= sum(line.kind == "person" for line in found):
        found = [line for line in found if line.kind != "person"]
    return _without_lists(text, found)


def _candidates(text: str) -> list[LabelLine]:
    found: list[LabelLine] = []
    pos, header = 0, 2
    for line in text.split("\n"):
        end = pos + len(line)
        if header:
            header -= bool(line.strip())
        elif BARE_Q.match(line) and not _NOTE_ONLY.fullmatch(line.strip()[1:].strip(" :.\u00a0")):
            found.append(LabelLine(pos, end, "Q", "role"))
        elif match := COLON.match(line):
            kind = label_kind(match.group("label"), match.group("rest"))
            if kind:
                found.append(LabelLine(pos, end, match.group("label").strip(), kind))
                found[-1].listed = is_bare_name(match.group("rest"))
        pos = end + 1
    return found


def _without_lists(text: str, found: list[LabelLine]) -> list[LabelLine]:
    """Drop ``Post: Name.`` lines next to another ``…: Name.`` line (a list of posts)."""
    starts, pos = [], 0  # (start, reads ``…: Name.``) of each non-blank line
    for line in text.split("\n"):
        if line.strip():
            match = COLON.match(line)
            starts.append((pos, bool(match) and is_bare_name(match.group("rest"))))
        pos += len(line) + 1
    near = {
        pos
        for i, (pos, item) in enumerate(starts)
        if item and any(starts[j][1] for j in (i - 1, i + 1) if 0 <= j < len(starts))
    }
    return [line for line in found if not (line.listed and line.start in near)]


@dataclass
class Audit:
    """Counts and examples of each kind of flag, per corpus path."""

    transcripts: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    flags: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    def flag(self, root: str, kind: str, example: str) -> None:
        self.flags[root, kind] += 1
        self.examples.setdefault(kind, []).append(example)


KINDS = ("missed", "invented", "role")


def audit_transcript(transcript: Transcript, lines: list[LabelLine]) -> list[tuple[str, str]]:
    """(kind, example) for each disagreement between the raw labels and the parsed turns."""
    text, doc = transcript.text, transcript.doc_id
    starts = {text.rfind("\n", 0, t.start) + 1 for t in transcript.turns}
    flags: list[tuple[str, str]] = []
    for before, line in zip([None, *lines], lines, strict=False):
        missed = line.start not in starts and not _inside_a_label(line, transcript)
        if missed and not _same_press_voice(before, line, transcript):
            words = text[line.start : line.end][:100]
            flags.append(("missed", f"{doc}: {words!r} (read as {_speaker_at(transcript, line)})"))
    for turn in transcript.turns:
        if not turn.label:
            continue
        if turn.label.strip() != "Q" and not label_kind(turn.label, "…"):
            flags.append(("invented", f"{doc}: {turn.label!r} -> {turn.speaker!r}"))
        if _role_disagrees(turn.label, turn.role):
            flags.append(("role", f"{doc}: {turn.label!r} is {turn.role.value}"))
    return flags


def _same_press_voice(before: LabelLine | None, line: LabelLine, transcript: Transcript) -> bool:
    """``Question: Have you…`` in a ``Q`` turn: a reporter reads out their question; the
    words stay the press's, where the label would put them too."""
    press = [x and x.label.split()[0].lower().strip(".,:()") in PRESS_WORDS for x in (before, line)]
    turn = _turn_at(transcript, line)
    return press == [True, True] and turn is not None and turn.role is Role.JOURNALIST


def _inside_a_label(line: LabelLine, transcript: Transcript) -> bool:
    """A label line whose turn starts later on the same line (a glued label was split off)."""
    return any(line.start <= t.start <= line.end for t in transcript.turns)


def _speaker_at(transcript: Transcript, line: LabelLine) -> str:
    turn = _turn_at(transcript, line)
    return f"{turn.speaker} ({turn.role.value})" if turn else "no turn"


def _turn_at(transcript: Transcript, line: LabelLine) -> Turn | None:
    return next((t for t in reversed(transcript.turns) if t.start <= line.start), None)


def _role_disagrees(label: str, role: Role) -> bool:
    """A ``Q``/``Question``/``Reporter`` turn that is not the press's, or a turn whose
    label's name part calls its speaker a moderator or host that is an official's."""
    words = [w.lower().strip(".,:()") for w in label.split(",")[0].split()]
    if words and words[0] in PRESS_WORDS:
        return role is not Role.JOURNALIST
    return bool(HOST_WORDS & set(words)) and role is Role.OFFICIAL


def run(paths: list[Path], audit: Audit) -> None:
    for root in paths:
        sources, refused, _ = discover([root])
        audit.failed += [f"{r.path}: {r.reason}" for r in refused]
        for source in sources:
            try:
                text = read_transcript_file(source.path, 20_000_000).text
                transcript = parse_transcript(source.doc_id, text)
            except (UnreadableFile, UnparseableTranscript) as err:
                audit.failed.append(f"{source.doc_id}: {err}")
                continue
            lines = label_lines(text)
            audit.transcripts[str(root)] += 1
            audit.labels[str(root)] += len(lines)
            for kind, example in audit_transcript(transcript, lines):
                audit.flag(str(root), kind, example)


def table(audit: Audit, paths: list[Path]) -> str:
    rows = ["| corpus | transcripts | label lines | missed | invented | role |", "|---" * 6 + "|"]
    for root in [str(p) for p in paths] + ["total"]:
        roots = [str(p) for p in paths] if root == "total" else [root]
        counts = [sum(audit.transcripts[r] for r in roots), sum(audit.labels[r] for r in roots)]
        counts += [sum(audit.flags[r, kind] for r in roots) for kind in KINDS]
        rows.append(f"| {root} | " + " | ".join(f"{n:,}" for n in counts) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    parser.add_argument("--examples", type=int, default=20, help="examples shown per kind")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.paths if Path(p).exists()]
    audit = Audit()
    run(paths, audit)
    print(table(audit, paths))
    for kind in KINDS:
        shown = audit.examples.get(kind, [])
        print(f"\n{kind}: {len(shown)}")
        for example in shown[: args.examples]:
            print(f"  {example}")
    print(f"\nnot parsed: {len(audit.failed)}")
    for failure in audit.failed:
        print(f"  {failure}")
    print(f"\ncommand: {' '.join(['bench/attribution_audit.py', *sys.argv[1:]])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
