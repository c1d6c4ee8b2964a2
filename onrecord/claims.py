"""Whether a quote carries what a question asks to have confirmed.

"Did Lavrov announce that Russia will leave the CSTO?" asks to have a claim confirmed (the
reading stage finds it). An answer made of quotes must not imply yes unless a quoted run holds
the claim's words; the lead then says the transcripts do not show it in those words
(docs/answers.md).
"""

from __future__ import annotations

from onrecord.reading.vocabulary import NOTHING_IN_PARTICULAR
from onrecord.reading.words import terms

NOT_SHOWN = "The transcripts do not show this in those words."
CLAIM_SHARE = 0.75  # three in four of the claim's content words, in one quoted run


def carries_claim(quote: str, claim: str, speakers: list[str]) -> bool:
    """True when ``quote`` holds at least ``CLAIM_SHARE`` of the claim's content words, the
    speakers' names left out (they are who said it, not what)."""
    wanted = terms(claim) - terms(" ".join(speakers)) - NOTHING_IN_PARTICULAR
    return not wanted or len(terms(quote) & wanted) >= CLAIM_SHARE * len(wanted)
