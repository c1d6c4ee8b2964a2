"""The page in a real browser: ``streamlit run app.py`` on 127.0.0.1 and Debian's headless
Chromium driven by playwright (never a downloaded browser).

It asks a question, waits for the source cards, opens one, and saves screenshots at 1280 and
800 px wide under the test's tmp dir. The injection test puts a Markdown image and an
``<img>`` tag into a transcript and into the model's answer and checks, with a real
listening socket, that the browser requests nothing from them.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_settings
from tests.support.browser import (
    LeakCounter,
    ask,
    browser,
    leak_listener,
    needs_browser,
    open_page,
    screenshot,
    streamlit_app,
    wait_until_idle,
)
from tests.support.fake_openai import FakeOpenAI, Reply
from tests.support.page_text import squash
from tests.support.replies import reading_like_the_rules

pytestmark = needs_browser


def test_ask_read_the_cards_open_one_and_screenshot(index_copy, tmp_path, built_index):
    from onrecord.index.reader import IndexReader

    reader = IndexReader.open(built_index, make_settings(built_index))
    with streamlit_app(index_copy, "", tmp_path) as url, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        open_page(page, url)
        page.screenshot(path=tmp_path / "empty-1280.png", full_page=True)
        ask(page, "What did Medvedev tell Miller to do about the Belarus gas debt?")
        card = page.locator("[class*='st-key-card-']").first
        assert "Dmitry Medvedev" in card.inner_text() and "verified" in card.inner_text()
        quote = squash(card.locator("blockquote").first.inner_text()).strip("“”")
        source = squash(reader.catalog.transcript_text("kremlin_en_8055"))
        assert quote and quote in source
        card.get_by_text("The question and the whole answer").click()
        highlight = card.locator(".stMarkdownColoredBackground").first
        highlight.wait_for()
        assert squash(highlight.inner_text()) in source
        page.get_by_text("Why this answer?").first.click()
        screenshot(page, tmp_path / "chat-1280.png", 1280)
        screenshot(page, tmp_path / "chat-800.png", 800)
        assert page.get_by_test_id("stException").count() == 0
    assert (tmp_path / "chat-1280.png").stat().st_size > 10_000
    assert (tmp_path / "chat-800.png").stat().st_size > 10_000


def injected_transcript(folder: Path, port: int) -> Path:
    folder.mkdir()
    (folder / "lighthouse_briefing.txt").write_text(
        "Title: Briefing on lighthouse keepers\nDate: 2024-05-02\n"
        f"URL: javascript:fetch('http://127.0.0.1:{port}/leak-url')\n\n"
        "Question: What is the government doing about lighthouse keepers and their pay?\n\n"
        "Jane Doe: Lighthouse keepers will receive a pay rise next spring. "
        f"See ![x](http://127.0.0.1:{port}/leak) for the details, "
        f"and <img src=http://127.0.0.1:{port}/leak2> too.\n\n"
        "Question: Thank you.\n\nJane Doe: Thank you all.\n",
        encoding="utf-8",
    )
    return folder


def test_injected_images_and_html_make_no_request(index_copy, tmp_path, embedder):
    from ingest.pipeline import ingest_paths

    with leak_listener() as port, FakeOpenAI() as llm:
        llm.reader = reading_like_the_rules
        folder = injected_transcript(tmp_path / "extra", port)
        report = ingest_paths(
            [folder], make_settings(index_copy), embedder=embedder, progress=False
        )
        assert not report.failed
        hostile = (
            f" ![y](http://127.0.0.1:{port}/leak3) <img src=http://127.0.0.1:{port}/leak4>"
            f" <script>fetch('http://127.0.0.1:{port}/leak5')</script>"
            f" [more](http://127.0.0.1:{port}/leak6)"
        )
        llm.default_reply = Reply.text(
            "Jane Doe said “Lighthouse keepers will receive a pay rise next spring.” [1]." + hostile
        )
        secrets = f'OPENAI_API_KEY = "sk-test"\nOPENAI_BASE_URL = "{llm.base_url}"\n'
        with streamlit_app(index_copy, secrets, tmp_path) as url, browser() as chromium:
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            open_page(page, url)
            ask(page, "What will lighthouse keepers get, according to Jane Doe?")
            for label in ("The question and the whole answer", "Why this answer?"):
                for toggle in page.get_by_text(label).all():
                    toggle.click()
            page.wait_for_timeout(2000)
            text = squash(page.inner_text("body"))
            links = page.eval_on_selector_all(
                "a[href], img[src]", "els => els.map(e => e.href || e.src)"
            )
            screenshot(page, tmp_path / "injection.png", 1280)
        assert llm.chat_requests, "the model was asked"
    assert LeakCounter.hits == []  # nothing was fetched from the injected addresses
    assert not [link for link in links if f":{port}" in link or link.startswith("javascript")]
    assert "Written by" in text  # the model's answer was shown (its quote is verbatim)
    for literal in (  # shown as the text it is
        f"![x](http://127.0.0.1:{port}/leak)",
        f"<img src=http://127.0.0.1:{port}/leak2>",
        f"![y](http://127.0.0.1:{port}/leak3)",
        f"<script>fetch('http://127.0.0.1:{port}/leak5')</script>",
    ):
        assert literal in text


def test_the_timeline_chart_shows_a_quote_on_hover_and_a_click_opens_its_card(index_copy, tmp_path):
    with streamlit_app(index_copy, "", tmp_path) as url, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        open_page(page, url)
        ask(page, "How has the position on China changed over time?")
        assert page.get_by_text("How officials' words on China moved").count() == 1
        chart = page.get_by_test_id("stVegaLiteChart").first
        chart.scroll_into_view_if_needed()
        dots = chart.locator("g.mark-symbol path")  # Streamlit draws this chart as SVG
        dots.first.wait_for()
        assert dots.count() == 3  # one per event: 2013, 2020 and 2024
        tooltip = page.locator("#vg-tooltip-element")
        found = None
        for n in range(dots.count()):
            dot = dots.nth(n).bounding_box()
            assert dot
            found = (dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2)
            page.mouse.move(*found)
            page.wait_for_timeout(300)
            if "visible" in (tooltip.get_attribute("class") or ""):
                break
            found = None
        assert found, "no point of the chart shows a tooltip"
        shown = squash(tooltip.inner_text())
        cards = page.locator("[class*='st-key-card-']")
        quotes = [squash(q).strip("“”") for q in cards.locator("blockquote").all_inner_texts()]
        assert any(q[:40] in shown for q in quotes), shown  # the hover shows a cited quote
        source = next(s for s in shown.split() if s.startswith("[") and s.endswith("]"))
        page.mouse.click(*found)
        wait_until_idle(page)
        opened = page.locator("[class*='st-key-card-'] details[open]")
        opened.first.wait_for(timeout=30_000)
        assert opened.count() == 1
        heading = squash(opened.first.locator("xpath=ancestor::*[contains(@class,'st-key-card-')]")
                         .first.inner_text())  # fmt: skip
        assert source in heading
        assert page.get_by_test_id("stException").count() == 0
