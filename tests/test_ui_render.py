"""Safe Markdown from untrusted text: nothing a transcript or a model writes becomes syntax."""

from __future__ import annotations

import re
import string

import pytest

from onrecord.types import Citation, Role
from onrecord.ui import render
from tests.support.page_text import shown, squash

# What a transcript or a model might contain to make the page fetch, run or spoof something.
HOSTILE = [
    "![x](http://127.0.0.1:9/leak)",
    '<img src=http://127.0.0.1:9/leak2 onerror="alert(1)">',
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[ref]: http://127.0.0.1:9/leak3\n![x][ref]",
    "see http://127.0.0.1:9/leak4 or www.example.com or press@example.com",
    ":red[fake warning] :material/verified: :smile: $x^2$ ~struck~",
    "**[9] Vladimir Putin** · official :green-badge[verified]",
    "    indented code\n# heading\n> quote\n- item\n1. item\n---",
    "&lt;script&gt; `code` *em* __bold__ | table |",
]


def unescaped_punctuation(markdown: str) -> list[str]:
    """ASCII punctuation not escaped by a backslash (i.e. live Markdown syntax)."""
    live, chars = [], iter(markdown)
    for ch in chars:
        if ch == "\\":
            next(chars, None)
        elif ch in string.punctuation:
            live.append(ch)
    return live


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_has_no_live_syntax_and_reads_the_same(text):
    markdown = render.escape_markdown(text)
    assert unescaped_punctuation(markdown) == []
    assert shown(markdown) == text.replace("\r", "")


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/leak", "https://x.org/a", "www.example.com"])
def test_bare_urls_and_addresses_cannot_be_autolinked(url):
    markdown = render.escape_markdown(f"see {url} or a@b.org")
    assert url not in markdown.replace("\\", "")  # a word joiner breaks the pattern
    assert "a@b" not in markdown.replace("\\", "")


@pytest.mark.parametrize("text", HOSTILE)
def test_answers_keep_markers_and_bold_but_nothing_else(text):
    markdown = render.answer_markdown(f"**Lavrov** said “yes” [1]. {text} [2]")
    assert "![" not in markdown and "<script>" not in markdown
    assert re.search(r"(?<!\\)<", markdown) is None  # no raw HTML
    assert re.search(r"(?<!\\)\]\(", markdown) is None  # no inline link or image
    assert markdown.startswith("**Lavrov**")
    assert render.marker(1) in markdown and render.marker(2) in markdown
    if "\n" not in text:  # one line: shown exactly as written (bold marks aside)
        expected = f"Lavrov said “yes” [1]. {text} [2]".replace("**", "")
        assert squash(shown(markdown)) == squash(expected)


def test_answer_lines_become_paragraphs_quotes_and_bullets():
    markdown = render.answer_markdown("Lead:\n\n**A**, 1 May (T):\n> “q1” [1]\n> “q2” [2]\n- x")
    blocks = markdown.split("\n\n")
    assert blocks[0] == r"Lead\:"
    assert blocks[2].startswith("> “q1” :blue[") and blocks[3].startswith("> “q2”")
    assert blocks[4] == "- x"


def test_streaming_text_is_escaped_like_the_answer():
    partial = "He said ![x](http://h/leak) **unfinished"
    assert render.streaming_markdown(partial).startswith(render.answer_markdown(partial))
    assert "![" not in render.streaming_markdown(partial)
    assert unescaped_punctuation(render.escape_markdown(partial)) == []


def test_highlight_marks_exactly_the_quote_on_each_line():
    text = "First line.\n    The quoted words\nspan two lines. After."
    start = text.index("The quoted")
    end = text.index(" After")
    markdown = render.highlighted(text, start, end)
    assert markdown == (
        "First line\\.  \n:orange-background[The quoted words]  \n"
        ":orange-background[span two lines\\.] After\\."
    )
    assert squash(shown(markdown)) == squash(text)


def test_text_blocks_keep_paragraphs_and_never_make_code_blocks():
    markdown = render.text_block("One.\n\n\n    Two: indented.\nThree.")
    assert markdown == "One\\.\n\nTwo\\: indented\\.  \nThree\\."


def test_quotes_are_block_quotes_between_curly_marks():
    markdown = render.quote_markdown("It is *so*.\n\nSecond paragraph.")
    assert markdown == "> “It is \\*so\\*\\.\n>\n> Second paragraph\\.”"
    assert shown(markdown) == "“It is *so*.\n\nSecond paragraph.”"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://en.kremlin.ru/events/8055#:~:text=gas%20debt",
            "https://en.kremlin.ru/events/8055#:~:text=gas%20debt",
        ),
        ("http://h.org/a (b)", None),
        ("http://h.org/a_(b)<x>", "http://h.org/a_%28b%29%3Cx%3E"),
        ("javascript:alert(1)", None),
        ("JAVASCRIPT://h.org/%0aalert(1)", None),
        ("data:text/html,<script>", None),
        ("/relative/path", None),
        ("", None),
        (None, None),
    ],
)
def test_only_http_links_we_build_are_links(url, expected):
    assert render.safe_url(url) == expected
    link = render.source_link("open [here]", url)
    assert link == (f"[open \\[here\\]]({expected})" if expected else None)


def test_card_heading_shows_number_speaker_role_date_and_mark():
    citation = Citation(
        3, "d", "T", "2020-05-26", "Sergey Lavrov", Role.OFFICIAL, "q", 0, 1, None, True
    )
    heading = render.card_heading(citation)
    assert heading.startswith(render.marker(3) + " **Sergey Lavrov** · official · 26 May 2020")
    assert "verified" in heading
    with_office = Citation(
        3, "d", "T", None, "Sergey Lavrov", Role.OFFICIAL, "q", 0, 1, None, True,
        office="Foreign Minister",
    )  # fmt: skip
    heading = render.card_heading(with_office)
    assert " **Sergey Lavrov \\(Foreign Minister\\)** · official" in heading
    unverified = Citation(1, "d", "T", None, "X", Role.OFFICIAL, "q", 0, 1, None, False)
    assert "not verified" in render.card_heading(unverified)
    assert "undated" in render.card_heading(unverified)


def test_dates_read_as_words():
    assert render.display_date("2010-06-15") == "15 June 2010"
    assert render.display_date(None) == "undated"
    assert render.display_date("2010-13") == "2010\\-13"
