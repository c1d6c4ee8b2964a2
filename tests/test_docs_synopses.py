"""Every command synopsis in the README and docs names exactly the options its ``--help``
lists, so the documentation cannot drift from the parser."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import REPO

SYNOPSIS = re.compile(r"^(?:\.venv/bin/)?onrecord (\w[\w-]*)\b(.*\[--.*)$")
OPTION = re.compile(r"(?<![\w-])(--?[a-z][\w-]*)")


def synopses() -> list[tuple[str, str, str]]:
    """(where, command, the rest of the line) for each synopsis line in README.md and docs/."""
    found = []
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = SYNOPSIS.match(line.strip())
            if match:
                found.append((f"{path.name}:{n}", match.group(1), match.group(2)))
    return found


def help_options(command: str) -> set[str]:
    shown = subprocess.run(
        [sys.executable, "-m", "onrecord.cli", command, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    options = shown.split("options:", 1)[1] if "options:" in shown else shown
    return set(OPTION.findall(options)) - {"-h", "--help"}


def test_the_docs_have_a_synopsis_for_every_command_they_teach():
    commands = {command for _, command, _ in synopses()}
    assert {"ask", "ingest", "info", "search", "eval"} <= commands


@pytest.mark.parametrize(("where", "command", "rest"), synopses())
def test_a_synopsis_lists_exactly_the_options_of_its_help(where, command, rest):
    written = set(OPTION.findall(re.sub(r'"[^"]*"', "", rest)))
    assert written == help_options(command), where
