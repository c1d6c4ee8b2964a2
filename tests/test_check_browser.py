"""A quote check in a real browser (``streamlit run`` and Debian's headless Chromium): the
words that differ are visible as marked words in the card."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.browser import (
    ANSWER_TIMEOUT_MS,
    browser,
    needs_browser,
    open_page,
    streamlit_app,
    wait_until_idle,
)

pytestmark = needs_browser


@pytest.fixture
def index_copy(sample_index: Path, tmp_path: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(sample_index, target)
    return target


def test_a_close_quote_shows_the_transcripts_words_marked(index_copy, tmp_path):
    with streamlit_app(index_copy, "", tmp_path) as url, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        open_page(page, url)
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill(
            'Putin: "Last year, bilateral trade increased by 35 percent to exceed $5 billion."'
        )
        box.press("Enter")
        card = page.locator("[class*='st-key-check-card-']").first
        card.wait_for(timeout=ANSWER_TIMEOUT_MS)
        wait_until_idle(page)
        assert "Vladimir Putin" in card.inner_text()
        assert card.locator("blockquote strong").first.inner_text() == "25"
        assert card.locator("blockquote del").first.inner_text() == "35"
        color = card.locator("blockquote strong").first.evaluate(
            "el => getComputedStyle(el.closest('span') || el).color"
        )
        assert color != card.locator("blockquote").first.evaluate(
            "el => getComputedStyle(el).color"
        )
        assert "close, not verbatim" in page.get_by_test_id("stChatMessage").last.inner_text()
        page.screenshot(path=tmp_path / "check-close-1280.png", full_page=True)
