"""Product code stays small enough to read: functions of at most 40 lines (docstring not
counted), files of at most 300. Exceptions are listed in ``pyproject.toml`` under
``[tool.onrecord.size-exceptions]``, each with its reason; ruff adds complexity and
statement limits (C901, PLR0915) on top."""

from __future__ import annotations

import ast
import tomllib
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


def too_long(path: Path) -> list[str]:
    rel = path.relative_to(REPO).as_posix()
    text = path.read_text(encoding="utf-8")
    found = []
    if len(text.splitlines()) > MAX_FILE_LINES:
        found.append(f"{rel}: {len(text.splitlines())} lines")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = function_lines(node)
            if lines > MAX_FUNCTION_LINES:
                found.append(f"{rel}:{node.lineno} {node.name}: {lines} lines")
    return found


def test_functions_and_files_stay_small_or_are_listed_with_a_reason():
    allowed = exceptions()
    over = [
        problem
        for path in product_files()
        for problem in too_long(path)
        if problem.split(":")[0] not in allowed
        and f"{problem.split(':')[0]}:{problem.split(' ')[1]}" not in allowed
    ]
    assert not over, "over the size limits (shorten, or list with a reason):\n" + "\n".join(over)


def test_every_exception_has_a_reason_and_is_still_needed():
    allowed = exceptions()
    problems = [p for path in product_files() for p in too_long(path)]
    for key, reason in allowed.items():
        assert len(reason.split()) >= 5, f"{key}: say why"
        path, _, function = key.partition(":")
        needed = [p for p in problems if p.startswith(path) and (not function or function in p)]
        assert needed, f"{key} is within the limits now: remove it from the exceptions"
