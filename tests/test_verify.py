"""Quote verification: typography forgiven on both sides, words never."""

from __future__ import annotations

import pytest

from onrecord.verify import is_verbatim, locate_quote

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
