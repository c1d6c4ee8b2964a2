"""What a Streamlit Community Cloud deployment weighs: the installed environment and the app's
memory with the deploy index loaded (Cloud gives an app about 2.7 GB).

An environment is made from ``requirements.txt`` alone, as Cloud does (or ``--venv DIR`` is
measured as it is), and the checkout is copied with only what git would push. The app then
starts from that copy with that environment and an empty index folder, so it installs the
committed deploy index at start (a wake on Cloud), and is measured as in ``bench/app_start.py``:
seconds to health, first render and two answers; resident memory at first render, after the
answers, and its peak. Run from the repo root:

    .venv/bin/python bench/deploy_footprint.py [--venv DIR] [--runs 3] [--json]

Prints two Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    # Run as a script: the repo root, not bench/, comes first (bench/ would shadow packages).
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.app_start import one_run, table
from onrecord.settings import REPO_ROOT

# This machine cannot reach the extra index requirements.txt names: fail fast, don't retry.
PIP_ENV = {"PIP_RETRIES": "0", "PIP_TIMEOUT": "20", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def pushed_copy(target: Path) -> Path:
    """The files git would push (tracked, and new ones it does not ignore), copied."""
    names = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, names):
        if (REPO_ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / name, target / name)
    return target


def cloud_venv(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    pip = [str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    env = os.environ | PIP_ENV
    subprocess.run([*pip, "--upgrade", "pip"], check=True, env=env)
    subprocess.run([*pip, "-r", str(REPO_ROOT / "requirements.txt")], check=True, env=env)
    return folder


def tree_bytes(folder: Path) -> tuple[int, int]:
    """(apparent bytes, bytes on disk) of the regular files under ``folder``."""
    apparent = on_disk = 0
    for root, _, files in os.walk(folder):
        for name in files:
            info = os.lstat(os.path.join(root, name))
            if not os.path.islink(os.path.join(root, name)):
                apparent += info.st_size
                on_disk += info.st_blocks * 512
    return apparent, on_disk


def environment_rows(venv: Path) -> list[tuple[str, str]]:
    site = next((venv / "lib").glob("python3*/site-packages"))
    apparent, on_disk = tree_bytes(venv)
    sizes = sorted(
        ((tree_bytes(p)[0] if p.is_dir() else p.stat().st_size, p.name) for p in site.iterdir()),
        reverse=True,
    )
    rows = [
        ("Python", site.parent.name),
        ("distributions installed", str(len(list(site.glob("*.dist-info"))))),
        ("environment size, apparent", f"{apparent / 1e6:,.0f} MB"),
        ("environment size, on disk", f"{on_disk / 1e6:,.0f} MB"),
    ]
    rows += [(f"  `{name}`", f"{size / 1e6:,.0f} MB") for size, name in sizes[:8]]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, help="an environment made from requirements.txt")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="onrecord-cloud-") as tmp:
        work = Path(tmp)
        venv = args.venv or cloud_venv(work / "venv")
        checkout = pushed_copy(work / "repo")
        index = checkout / "vectorstore"
        runs = []
        for _ in range(args.runs):
            for leftover in index.iterdir():  # every run is a wake: the index is installed again
                if leftover.name != "README.md":
                    shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
            runs.append(one_run(index, work, str(venv / "bin" / "python"), checkout))
        environment = environment_rows(venv)
    if args.json:
        print(json.dumps({"environment": dict(environment), "runs": runs}, indent=2))
        return
    print("| environment from requirements.txt | |\n|---|---:|")
    print("\n".join(f"| {name} | {value} |" for name, value in environment))
    print()
    print(table(runs, "deploy index installed at start: 44 transcripts, 1,033 passages"))


if __name__ == "__main__":
    main()
