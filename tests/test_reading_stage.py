"""The question is read in one place: no module outside ``onrecord/reading/`` matches a regex
against the question, the search query or a conversation message (by the names they travel
under), and the reading stage stays smaller than the seven modules it replaced (771 lines;
the chat's quotation reader, added since for quote checks, is counted apart)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

READING = REPO / "onrecord" / "reading"
REGEX_CALLS = {"search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split"}
# Names a question travels under on the ask path (a regex on any of them reads the question).
QUESTION_NAMES = {"question", "query", "asked", "history", "message", "messages", "previous"}
REPLACED_LINES = 771  # query, office_speaker, followup, question_filters, claims, timeline, words
# Added to the stage by the quote check (issue 27), a new capability that replaced nothing.
NEW_READERS = {"quotation.py"}


def regex_reads(path: Path, root: Path = REPO) -> list[str]:
    """``file:line`` of each regex call in ``path`` with a question-like name in its arguments."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value  # re.search(...) or a compiled pattern: _NAME.search(...)
        is_regex = isinstance(owner, ast.Name) and (
            owner.id == "re" or owner.id.lstrip("_").isupper()
        )
        if node.func.attr not in REGEX_CALLS or not is_regex:
            continue
        names = {
            n.id if isinstance(n, ast.Name) else n.attr
            for arg in [*node.args, *(k.value for k in node.keywords)]
            for n in ast.walk(arg)
            if isinstance(n, ast.Name | ast.Attribute)
        }
        if names & QUESTION_NAMES:
            found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def outside_reading() -> list[Path]:
    files = [*(REPO / "onrecord").rglob("*.py"), REPO / "app.py"]
    return [p for p in files if READING not in p.parents]


def test_no_module_outside_the_reading_stage_matches_a_regex_against_the_question():
    found = [hit for path in outside_reading() for hit in regex_reads(path)]
    assert not found, "regexes on the question outside onrecord/reading/:\n" + "\n".join(found)


def test_the_check_sees_a_regex_on_the_question(tmp_path: Path):
    planted = tmp_path / "planted.py"  # not in the package: other workers walk it meanwhile
    planted.write_text(
        "import re\n_X = re.compile('x')\n\ndef f(question, reader):\n"
        "    reader.lexical.search(question)\n    return _X.search(question)\n"
    )
    assert regex_reads(planted, tmp_path) == ["planted.py:6"]


def test_the_reading_stage_is_smaller_than_what_it_replaced():
    replacing = [p for p in READING.glob("*.py") if p.name not in NEW_READERS]
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in replacing)
    assert lines < REPLACED_LINES, lines
