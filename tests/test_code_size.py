"""Product code stays small enough to read: functions of at most 40 lines (docstring not
counted), files of at most 300. Exceptions are listed in ``pyproject.toml`` under
``[tool.onrecord.size-exceptions]``, each with its reason: ``"path"`` for a file's length,
``"path:function"`` for one function; ruff adds complexity and statement limits (C901,
PLR0915) on top."""

from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO

MAX_FUNCTION_LINES = 40
MAX_FILE_LINES = 300


def product_files() -> list[Path]:
    return [
        *sorted([*(REPO / "onrecord").rglob("*.py"), *(REPO / "ingest").rglob("*.py")]),
        REPO / "app.py",
    ]


def exceptions() -> dict[str, str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["onrecord"]["size-exceptions"]


def function_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the first statement after the docstring to the end of the function."""
    body = node.body
    if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return (node.end_lineno or node.lineno) - body[0].lineno + 1


@dataclass(frozen=True)
class Problem:
    """One size limit broken: a whole file (``function`` None) or one function in it."""

    path: str
    function: str | None
    text: str

    def exempt(self, allowed: dict[str, str]) -> bool:
        """A file's key exempts only the file's length; a function is exempted by its own
        ``path:function`` key alone, so a file exception never hides a long function."""
        key = self.path if self.function is None else f"{self.path}:{self.function}"
        return key in allowed


def problems_in(rel: str, text: str) -> list[Problem]:
    found = []
    if len(text.splitlines()) > MAX_FILE_LINES:
        found.append(Problem(rel, None, f"{rel}: {len(text.splitlines())} lines"))
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = function_lines(node)
            if lines > MAX_FUNCTION_LINES:
                message = f"{rel}:{node.lineno} {node.name}: {lines} lines"
                found.append(Problem(rel, node.name, message))
    return found


def too_long(path: Path) -> list[Problem]:
    return problems_in(path.relative_to(REPO).as_posix(), path.read_text(encoding="utf-8"))


def test_functions_and_files_stay_small_or_are_listed_with_a_reason():
    allowed = exceptions()
    over = [p.text for path in product_files() for p in too_long(path) if not p.exempt(allowed)]
    assert not over, "over the size limits (shorten, or list with a reason):\n" + "\n".join(over)


def test_every_exception_has_a_reason_and_is_still_needed():
    allowed = exceptions()
    problems = [p for path in product_files() for p in too_long(path)]
    assert allowed, "no exceptions listed: the check of their reasons would check nothing"
    for key, reason in allowed.items():
        assert len(reason.split()) >= 5, f"{key}: say why"
        assert any(p.exempt({key: reason}) for p in problems), (
            f"{key} is within the limits now (or names no file or function): remove it"
        )


LONG_FILE = "\n".join(
    [
        "def short():",
        "    return 1",
        "",
        "",
        "def long_one():",
        *[f"    x{n} = {n}" for n in range(MAX_FUNCTION_LINES + 5)],
        "    return 0",
        *[f"# filler {n}" for n in range(MAX_FILE_LINES)],
    ]
)


def test_a_file_exception_exempts_the_files_length_and_not_its_functions():
    problems = problems_in("pkg/mod.py", LONG_FILE)
    assert [(p.path, p.function) for p in problems] == [
        ("pkg/mod.py", None),
        ("pkg/mod.py", "long_one"),
    ]
    file_only = {"pkg/mod.py": "reason"}
    assert [p.function for p in problems if not p.exempt(file_only)] == ["long_one"]
    both = {"pkg/mod.py": "reason", "pkg/mod.py:long_one": "reason"}
    assert [p for p in problems if not p.exempt(both)] == []
    function_only = {"pkg/mod.py:long_one": "reason"}
    assert [p.function for p in problems if not p.exempt(function_only)] == [None]
    assert all(not p.exempt({"pkg/mod.py:short": "r", "pkg/other.py": "r"}) for p in problems)
