"""The SQLite guard, with an old SQLite simulated in a fresh interpreter (the version
attributes chromadb checks are set to Streamlit Community Cloud's 3.34.1 before anything
else runs): chromadb refuses to import, the guard swaps in pysqlite3 and chromadb then works,
and the app and the CLI run the guard before they import chromadb."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

OLD_SQLITE = """import sqlite3
sqlite3.sqlite_version_info = (3, 34, 1)
sqlite3.sqlite_version = "3.34.1"
"""
needs_pysqlite3 = pytest.mark.skipif(
    importlib.util.find_spec("pysqlite3") is None,
    reason="pysqlite3-binary is not installed (it exists for Linux x86_64 only)",
)


def python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    environment |= {"HF_HUB_OFFLINE": "1", **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def last_json(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_chromadb_refuses_the_simulated_old_sqlite_without_the_guard():
    result = python(OLD_SQLITE + "import chromadb\n")
    assert result.returncode != 0
    assert "unsupported version of sqlite3" in result.stderr


@needs_pysqlite3
def test_with_an_old_sqlite_the_guard_swaps_in_pysqlite3_and_chroma_works(tmp_path):
    code = OLD_SQLITE + (
        "import json, sys\n"
        "from onrecord.sqlite_guard import ensure_modern_sqlite\n"
        "used = ensure_modern_sqlite()\n"
        "import chromadb\n"
        f"client = chromadb.PersistentClient(path={str(tmp_path / 'chroma')!r})\n"
        "c = client.create_collection('probe', embedding_function=None)\n"
        "c.add(ids=['a', 'b'], embeddings=[[1.0, 0.0], [0.0, 1.0]])\n"
        "hit = c.query(query_embeddings=[[0.9, 0.1]], n_results=1)['ids'][0][0]\n"
        "import sqlite3\n"
        "print(json.dumps({'used': used, 'module': sys.modules['sqlite3'].__name__,\n"
        "    'imported': sqlite3.__name__, 'version': sqlite3.sqlite_version_info, 'hit': hit}))\n"
    )
    out = last_json(python(code))
    assert out["used"] == "pysqlite3"
    assert out["module"] == out["imported"] == "pysqlite3"
    assert tuple(out["version"]) >= (3, 35, 0)
    assert out["hit"] == "a"


def test_with_a_new_sqlite_the_guard_changes_nothing():
    code = (
        "import json, sys, sqlite3\n"
        "from onrecord.sqlite_guard import ensure_modern_sqlite\n"
        "used = ensure_modern_sqlite()\n"
        "print(json.dumps({'used': used, 'same': sys.modules['sqlite3'] is sqlite3,\n"
        "    'pysqlite3_loaded': 'pysqlite3' in sys.modules}))\n"
    )
    assert last_json(python(code)) == {"used": "system", "same": True, "pysqlite3_loaded": False}


@needs_pysqlite3
def test_the_cli_runs_the_guard_before_opening_chroma(built_index: Path):
    code = OLD_SQLITE + (
        "import sys\n"
        "from onrecord.cli import main\n"
        f"code = main(['info', '--index', {str(built_index)!r}])\n"
        "print('sqlite module:', sys.modules['sqlite3'].__name__)\n"
        "sys.exit(code)\n"
    )
    result = python(code)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "transcripts: 7" in result.stdout and "sqlite module: pysqlite3" in result.stdout


@needs_pysqlite3
def test_the_app_runs_the_guard_before_opening_chroma(built_index: Path):
    code = OLD_SQLITE + (
        "import json, sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"app = AppTest.from_file({str(REPO / 'app.py')!r}, default_timeout=120)\n"
        "app.secrets = {'UNRELATED': 'x'}\n"
        "app.run()\n"
        "print(json.dumps({'exception': [str(e.value) for e in app.exception],\n"
        "    'errors': [e.value for e in app.error], 'status': [c.value for c in app.caption],\n"
        "    'module': sys.modules['sqlite3'].__name__}))\n"
    )
    out = last_json(python(code, ONRECORD_INDEX_DIR=str(built_index)))
    assert out["exception"] == [] and out["errors"] == []
    assert any("7 transcripts" in c for c in out["status"])
    assert out["module"] == "pysqlite3"
