"""Quote verification: typography forgiven on both sides, words never."""

from __future__ import annotations

import pytest

from onrecord.verify import is_verbatim, locate_quote
from tests.support.word_edits import edits_not_in_source, real_quotes

SOURCE = "Lavrov:\u00a0 “We will  not—ever—agree.”  Then… he left.\nNext  line."


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ('"We will not-ever-agree."', "We will  not—ever—agree"),
        ("We will not – ever – agree", None),  # spaces around dashes are not in the source
        ("we will not", None),  # case matters: these are someone's exact words
        ("Then... he left", "Then… he left"),
        ("he left. Next line", "he left.\nNext  line"),
        ("“not—ever”", "not—ever"),
        ("We will never agree", None),
        ("", None),
        ("a", None),
    ],
)
def test_locate_quote_maps_back_to_original_offsets(quote, expected):
    span = locate_quote(SOURCE, quote)
    if expected is None:
        assert span is None
    else:
        assert span is not None and SOURCE[span[0] : span[1]] == expected


def test_search_is_limited_to_the_given_span():
    start = SOURCE.index("Then")
    assert locate_quote(SOURCE, "We will", start) is None
    assert locate_quote(SOURCE, "he left", start) == (
        SOURCE.index("he left"),
        SOURCE.index("he left") + 7,
    )
    assert not is_verbatim(SOURCE, "Next line", 0, SOURCE.index("Next"))


QUOTES = real_quotes()


def test_the_real_quotes_cover_every_format_and_are_found_where_they_are():
    assert len({q.doc_id for q in QUOTES}) >= 6 and len(QUOTES) >= 10
    for q in QUOTES:
        span = locate_quote(q.text, q.quote, q.start, q.end)
        assert span is not None, q.quote
        start, end = span  # the words, without the sentence's closing punctuation
        assert q.start <= start < end <= q.end and end - start >= len(q.quote) - 3
        assert q.text[start:end] in q.quote


@pytest.mark.parametrize("kind", ["substitute", "delete", "insert"])
def test_one_word_changed_at_any_position_is_never_verbatim(kind: str):
    """Every word position of real quotes: a quote that differs from the source by one word
    (any length of quote) is not the speaker's words, wherever in the transcript it is looked
    for."""
    checked, accepted = 0, []
    for q in QUOTES:
        for edit in edits_not_in_source(q):
            if edit.kind != kind:
                continue
            checked += 1
            if locate_quote(q.text, edit.words) is not None:
                accepted.append(f"{q.doc_id} {edit.kind}@{edit.position}: {edit.words}")
    assert checked >= 100, f"only {checked} {kind} edits checked"
    assert not accepted, f"{len(accepted)} altered quotes accepted:\n" + "\n".join(accepted[:10])
