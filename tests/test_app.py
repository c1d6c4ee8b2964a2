"""The Streamlit page with real Streamlit (AppTest), the real index and the real model."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

TIMEOUT = 120


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def run_app(monkeypatch, index_dir) -> AppTest:
    monkeypatch.setenv("ONRECORD_INDEX_DIR", str(index_dir))
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    return app.run()


def test_page_shows_index_size_and_searches(monkeypatch, built_index):
    app = run_app(monkeypatch, built_index)
    assert not app.exception
    assert "7 transcripts" in app.caption[0].value and "passages" in app.caption[0].value
    app.text_input(key="query").input("biological weapons verification mechanism").run()
    assert not app.exception
    cards = [m.value for m in app.markdown]
    assert cards and cards[0].startswith("**[1] Sergey Lavrov** · official")
    texts = [t.value for t in app.text]
    assert any("verification mechanism" in t for t in texts)


def test_speaker_filter_limits_results(monkeypatch, built_index):
    app = run_app(monkeypatch, built_index)
    speaker = next(o for o in app.selectbox(key="speaker").options if o.startswith("Alexei Miller"))
    app.selectbox(key="speaker").select(speaker)
    app.text_input(key="query").input("gas debt payments").run()
    cards = [m.value for m in app.markdown if m.value.startswith("**[")]
    assert cards and all("Alexei Miller" in c for c in cards)


def test_empty_index_explains_how_to_ingest(monkeypatch, tmp_path):
    app = run_app(monkeypatch, tmp_path / "nothing-here")
    assert not app.exception and not app.error
    assert "onrecord ingest" in app.info[0].value
