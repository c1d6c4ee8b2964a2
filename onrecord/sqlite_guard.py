"""Make ``import sqlite3`` give a new enough SQLite before chromadb is imported.

chromadb refuses to import when ``sqlite3.sqlite_version_info < (3, 35, 0)``, and Streamlit
Community Cloud's image (Debian 11) ships 3.34. On Linux the ``pysqlite3-binary`` wheel
brings its own recent SQLite: when, and only when, the system's is too old, it is put in
place of the standard module. Call :func:`ensure_modern_sqlite` first thing in every entry
point (``app.py``, ``onrecord.cli.main``): modules that imported ``sqlite3`` before the swap
keep the old one.
"""

from __future__ import annotations

import importlib
import logging
import sys

MIN_SQLITE = (3, 35, 0)
log = logging.getLogger(__name__)


def ensure_modern_sqlite() -> str:
    """``"system"`` when the standard ``sqlite3`` is new enough (or cannot be replaced),
    ``"pysqlite3"`` when ``sys.modules["sqlite3"]`` now holds pysqlite3."""
    import sqlite3

    if sqlite3.sqlite_version_info >= MIN_SQLITE or sqlite3.__name__ == "pysqlite3":
        return "pysqlite3" if sqlite3.__name__ == "pysqlite3" else "system"
    try:
        replacement = importlib.import_module("pysqlite3")
    except ImportError:
        log.warning(
            "SQLite %s is older than chromadb needs (3.35) and pysqlite3-binary is not "
            "installed (pip install pysqlite3-binary, on Linux x86_64)",
            sqlite3.sqlite_version,
        )
        return "system"
    sys.modules["sqlite3"] = replacement
    sys.modules["sqlite3.dbapi2"] = replacement.dbapi2
    log.info(
        "system SQLite %s is too old; using pysqlite3's %s",
        sqlite3.sqlite_version,
        replacement.sqlite_version,
    )
    return "pysqlite3"
