"""Quote checks in the chat (real Streamlit AppTest, the sample's index, the real model): a
pasted quotation gets a verdict and a card with the differences marked; a question still
gets an answer; the sidebar's "Check a quote" box; bad input gets the CLI's message."""

from __future__ import annotations

import pytest

from onrecord.ui.export import exchange_markdown
from tests.support.apptest import ask, everything_shown, last, markdown, start
from tests.support.page_text import shown
from tests.test_app import fresh  # noqa: F401 - autouse: no key, empty caches

TRADE = "Last year, bilateral trade increased by 35 percent to exceed $5 billion."


def test_a_pasted_quotation_is_checked_and_a_question_is_still_answered(monkeypatch, sample_index):
    app = ask(start(monkeypatch, sample_index), f'Putin: "{TRADE}"')
    item = last(app)
    assert item.answer is None and item.check is not None
    assert item.check.verdict == "close" and item.check.speakers == ["Vladimir Putin"]
    shown = markdown(app)
    verdict = next(m for m in shown if "close, not verbatim" in m)
    assert "the transcript says" in verdict and "25 percent" in verdict
    marked = next(m for m in shown if m.startswith("> “"))
    assert ":green[**25**]" in marked and "~~35~~" in marked
    assert "Close, not verbatim: Vladimir Putin said nearly this" in exchange_markdown(item)
    app = ask(app, "What did Putin say about trade with Hungary?")
    answered = last(app)
    assert answered.check is None and answered.answer is not None and answered.answer.citations


def test_the_sidebar_box_checks_words_for_a_speaker_named_by_office(monkeypatch, sample_index):
    app = start(monkeypatch, sample_index)
    app.sidebar.text_area(key="check-words").set_value(
        "We will never leave the CSTO under any circumstances."
    )
    app.sidebar.text_input(key="check-speaker").set_value("the foreign minister")
    app.sidebar.button(key="check-quote").click().run()
    assert not app.exception
    item = last(app)
    assert item.check is not None and item.check.verdict == "not_found"
    assert item.check.speakers == ["Sergey Lavrov"]
    page = shown(everything_shown(app))
    assert "Not found: nothing close to these words by Sergey Lavrov" in page
    assert "Related" in page


@pytest.mark.parametrize(
    ("words", "message"),
    [("", "nothing to check"), ("Мы никогда не выйдем из ОДКБ", "Cyrillic script")],
)
def test_words_that_cannot_be_checked_get_the_clis_message(
    monkeypatch, sample_index, words, message
):
    app = start(monkeypatch, sample_index)
    app.sidebar.text_area(key="check-words").set_value(words)
    app.sidebar.button(key="check-quote").click().run()
    assert not app.exception
    errors = [shown(e.value) for e in app.error]
    assert any(e.startswith("Cannot check this: ") and message in e for e in errors), errors
