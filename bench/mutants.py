"""Mutation check of the product's promises: each named mutant (``bench/mutant_list.py``,
``bench/mutant_list_shape.py`` and ``bench/mutant_list_check.py``) is one deliberate bug,
applied to a scratch copy of this checkout; the test files named with it run there, and must
fail. Prints a table (mutant, files, caught, seconds) and exits non-zero when a mutant
survives, when a mutant's snippet is not found exactly once in today's code (a stale mutant
fails loudly, it never passes), or when the named tests fail without any mutant.

    .venv/bin/python bench/mutants.py            # all (23 minutes on two shared cores)
    .venv/bin/python bench/mutants.py --list
    .venv/bin/python bench/mutants.py --only timeline-newest-first --only fusion-no-keyword

Not part of ``make test``: run it before resolving an issue that touches a promise.

How: the files ``git ls-files`` lists (tracked and untracked, not ignored) are copied once into
a temporary folder; each mutant edits its file there, runs ``pytest -x`` on its test files with
this interpreter (this ``.venv``; ``PYTHONPATH`` puts the copy before the editable install, and
the copy is checked to be what is imported), then restores the file. The indexes the tests
build once per run (``tests/conftest.py``, ``_built_once``) are built once for the whole check,
by the unmutated baseline run: ``PYTEST_XDIST_WORKER`` set and one ``--basetemp`` parent make
every run copy the same shared build, as pytest-xdist workers do.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.mutant_list import ANSWERS, Mutant
from bench.mutant_list_check import CHECKS
from bench.mutant_list_shape import SHAPE, TIMELINES

REPO = Path(__file__).resolve().parent.parent
MUTANTS = [*ANSWERS, *TIMELINES, *SHAPE, *CHECKS]
TIMEOUT = 900  # seconds for one mutant's tests
GIT = ["git", "-c", f"safe.directory={REPO}"]  # a checkout owned by another user is no error
WHERE = "import onrecord, ingest; print(onrecord.__file__, ingest.__file__)"


def copy_checkout(target: Path) -> None:
    """The files a clone of this branch would hold, with the working tree's contents."""
    listed = subprocess.run(
        [*GIT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    )
    for name in listed.stdout.decode().split("\0"):
        if name and (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)


def stale(mutants: list[Mutant], root: Path) -> list[str]:
    """Each mutant whose snippet is not in its file exactly once, saying why."""
    problems = []
    for m in mutants:
        path = root / m.path
        count = path.read_text(encoding="utf-8").count(m.old) if path.is_file() else -1
        if count != 1:
            where = "file missing" if count < 0 else f"snippet found {count} times"
            problems.append(f"{m.name}: {m.path}: {where}")
    return problems


def environment(root: Path) -> dict[str, str]:
    return os.environ | {
        "PYTHONPATH": str(root),
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "PYTEST_XDIST_WORKER": "gw0",  # share the indexes built once (see the docstring)
    }


def run_tests(root: Path, files: tuple[str, ...], basetemp: Path) -> tuple[int, str]:
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    command += ["-o", "addopts=", f"--basetemp={basetemp}", *files]
    try:
        done = subprocess.run(
            command,
            cwd=root,
            env=environment(root),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return -1, f"timed out after {TIMEOUT} s"
    return done.returncode, (done.stdout + done.stderr)[-3000:]


def check_imports_from(root: Path) -> None:
    """The copy, not this checkout, is what the tests import."""
    where = subprocess.run(
        [sys.executable, "-c", WHERE],
        cwd=root,
        env=environment(root),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert all(Path(p).is_relative_to(root) for p in where), f"imports from {where}, not {root}"


def verdict(code: int) -> str:
    """pytest's exit code as a verdict: 1 (a test failed) is the only catch; 0 is a survivor;
    anything else (no tests, a usage or internal error, a timeout) is an error to look at."""
    return {0: "SURVIVED", 1: "caught"}.get(code, f"error ({code})")


def run_mutant(m: Mutant, root: Path, temp: Path) -> tuple[str, float, str]:
    path = root / m.path
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace(m.old, m.new), encoding="utf-8")
    started = time.monotonic()
    try:
        code, output = run_tests(root, m.tests, temp / m.name)
    finally:
        path.write_text(original, encoding="utf-8")
    return verdict(code), time.monotonic() - started, output


def table(rows: list[tuple[str, str, str, float]]) -> str:
    lines = ["| mutant | test files | caught | seconds |", "|---|---|---|---|"]
    for name, files, result, seconds in rows:
        lines.append(f"| `{name}` | {files} | {result} | {seconds:.0f} |")
    return "\n".join(lines)


def short(files: tuple[str, ...]) -> str:
    return ", ".join(f.removeprefix("tests/").removesuffix(".py") for f in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", metavar="NAME", help="run this mutant")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unmutated run")
    args = parser.parse_args()
    names = {m.name for m in MUTANTS}
    unknown = sorted(set(args.only or []) - names)
    if unknown or len(names) != len(MUTANTS):
        print(f"unknown or repeated mutant names: {unknown}", file=sys.stderr)
        return 2
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only]
    if args.list:
        for m in chosen:
            print(f"{m.name:34} {m.path:30} {short(m.tests)}")
        return 0
    problems = stale(MUTANTS, REPO)
    if problems:
        print("stale mutants (re-point them at today's code):\n" + "\n".join(problems))
        return 2
    return check(chosen, baseline=not args.no_baseline)


def check(chosen: list[Mutant], baseline: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="onrecord-mutants-") as scratch:
        root, temp = Path(scratch) / "repo", Path(scratch) / "tmp"
        root.mkdir()
        temp.mkdir()
        copy_checkout(root)
        check_imports_from(root)
        rows: list[tuple[str, str, str, float]] = []
        if baseline:
            files = tuple(sorted({f for m in chosen for f in m.tests}))
            started = time.monotonic()
            code, output = run_tests(root, files, temp / "baseline")
            result = "passes" if code == 0 else f"FAILS ({code})"
            rows.append(("(none: baseline)", short(files), result, time.monotonic() - started))
            print(f"baseline: {result} in {rows[-1][3]:.0f} s", flush=True)
            if code != 0:
                print(output)
                print(table(rows))
                return 1
        failed = 0
        for m in chosen:
            result, seconds, output = run_mutant(m, root, temp)
            rows.append((m.name, short(m.tests), result, seconds))
            print(f"{m.name}: {result} in {seconds:.0f} s", flush=True)
            if result != "caught":
                failed += 1
                print(output)
        print(table(rows))
        caught = sum(1 for r in rows if r[2] == "caught")
        print(f"\n{caught} of {len(chosen)} mutants caught, {failed} not.")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
