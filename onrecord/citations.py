"""Citations from transcript spans, and links that open the page at the quoted words."""

from __future__ import annotations

import re
from urllib.parse import quote as percent

from onrecord.types import Citation, SearchHit

FRAGMENT_WORDS = 4


def text_fragment_url(url: str | None, quote: str) -> str | None:
    """``url#:~:text=start,end`` so a browser scrolls to and highlights the quoted words."""
    if not url:
        return None
    words = re.sub(r"[\s\u00a0]+", " ", quote).strip().split(" ")
    if len(words) <= 2 * FRAGMENT_WORDS:
        fragment = _encode(" ".join(words))
    else:
        fragment = (
            _encode(" ".join(words[:FRAGMENT_WORDS]))
            + ","
            + _encode(" ".join(words[-FRAGMENT_WORDS:]))
        )
    return f"{url.split('#')[0]}#:~:text={fragment}"


def _encode(text: str) -> str:
    # The text-fragment syntax reserves "-", "," and "&": they must be percent-encoded too.
    return percent(text, safe="").replace("-", "%2D")


def citation_for(
    n: int, hit: SearchHit, start: int, end: int, quote: str, verified: bool = True
) -> Citation:
    """A citation of ``quote`` found at ``[start, end)`` of ``hit``'s transcript."""
    return Citation(
        n=n,
        doc_id=hit.doc_id,
        title=hit.title,
        date=hit.date,
        speaker=hit.speaker,
        role=hit.role,
        quote=quote,
        start=start,
        end=end,
        url=text_fragment_url(hit.url, quote),
        verified=verified,
        passage_id=hit.passage_id,
        office=hit.office.split(";")[0].strip(),
    )
