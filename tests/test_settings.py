"""The one settings object: environment parsing, and the README table kept in step."""

from __future__ import annotations

from pathlib import Path

from onrecord.settings import load_settings, settings_table
from tests.conftest import REPO


def test_environment_variables_reach_nested_settings(monkeypatch):
    monkeypatch.setenv("ONRECORD_INDEX_DIR", "/tmp/some-index")
    monkeypatch.setenv("ONRECORD_EMBEDDING__BATCH_SIZE", "16")
    monkeypatch.setenv("ONRECORD_INGEST__MAX_FILE_MB", "2.5")
    settings = load_settings()
    assert settings.index_dir == Path("/tmp/some-index")
    assert settings.embedding.batch_size == 16 and settings.ingest.max_file_mb == 2.5
    # Explicit values (CLI flags) win over the environment; None means "not given".
    assert load_settings(index_dir=Path("/x")).index_dir == Path("/x")
    assert load_settings(index_dir=None).index_dir == Path("/tmp/some-index")


def test_readme_settings_table_matches_the_model():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert settings_table() in readme, (
        "regenerate with: python -c 'from onrecord.settings "
        "import settings_table; print(settings_table())'"
    )
