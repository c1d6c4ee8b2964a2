"""Running the ``onrecord`` command as a subprocess, as a user would."""

from __future__ import annotations

import subprocess
import sys


def onrecord(*args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "onrecord.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
