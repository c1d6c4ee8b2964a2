"""What a question asserts, and whether a quote carries it.

"Did Lavrov announce that Russia will leave the CSTO?" asks to have a claim confirmed. An
answer made of quotes must not imply yes unless a quoted run holds the claim's words; the
lead then says the transcripts do not show it in those words (docs/answers.md).
"""

from __future__ import annotations

import re

from onrecord.words import terms

NOT_SHOWN = "The transcripts do not show this in those words."
# "Did Lavrov announce that Russia will leave the CSTO?", "Why did Putin tell workers that
# free university education would end?": the claim is what follows the verb of saying.
_ASKS_WHETHER = re.compile(
    r"^\s*(?:and\s+|so\s+|but\s+)?(?:did|does|do|has|have|had|is|was|were|will|would|can|"
    r"could)\b",
    re.I,
)
_ASKS_WHY = re.compile(r"^\s*(?:and\s+|so\s+|but\s+)?why\b", re.I)
_SAYING = (
    r"(?:say|said|says|tell|told|announce|announced|claim|claimed|state|stated|admit|admitted|"
    r"confirm|confirmed|promise|promised|insist|insisted|declare|declared|warn|warned)"
)
_ANNOUNCING = _SAYING[:-1] + r"|unveiled|pledged|vowed|proposed)"
_SAID_CLAUSE = re.compile(
    rf"\b{_SAYING}\b(?:[^?]*?\bthat\b)?\s*(?P<claim>[^?]+)",
    re.I,
)
# A statement put before the question ("In July 2020 Putin told workers that the march would
# be held on Navy Day. How did he say…?"): the claim is the clause after "that", or what was
# unveiled, announced or promised.
_STATED_CLAIM = re.compile(
    rf"\b{_ANNOUNCING}\b(?:\s+(?=plans?\b|a\b|an\b|the\b)|[^.!?]*?\bthat\b\s*)"
    r"(?P<claim>[^.!?]+)",
    re.I,
)
_SENTENCES = re.compile(r"[^.!?]+[.!?]?")
_LAST_QUESTION = re.compile(r"(?:^|(?<=[.!?])\s+)([^.!?]+\?)\s*$")
_NOT_CLAIM = {"anyth", "someth", "everyth", "noth"}
CLAIM_SHARE = 0.75  # three in four of the claim's content words, in one quoted run


def asserted_claim(question: str) -> tuple[str, bool] | None:
    """What a question asks to have confirmed, and whether it says someone said it.

    Read from its last sentence ending in "?": a yes/no or why question with a verb of saying
    asserts the clause after it ("… announce that CLAIM?", "Why did Kirby say CLAIM?"); a
    yes/no question without one asks about the whole of itself. Failing that, a statement
    before the question that someone said, announced or unveiled something asserts that
    ("Putin told workers that CLAIM. How did he…?"). Any other question asserts nothing."""
    match = _LAST_QUESTION.search(question.strip())
    asked = match.group(1) if match else question
    whether, why = _ASKS_WHETHER.match(asked), _ASKS_WHY.match(asked)
    if whether or why:
        if said := _SAID_CLAUSE.search(asked):
            return said.group("claim"), True
        if whether:
            return asked, False
    before = question.strip()[: match.start(1)] if match else ""
    for sentence in _SENTENCES.findall(before):
        if stated := _STATED_CLAIM.search(sentence):
            return stated.group("claim"), True
    return None


def carries_claim(quote: str, claim: str, speakers: list[str]) -> bool:
    """True when ``quote`` holds at least ``CLAIM_SHARE`` of the claim's content words, the
    speakers' names left out (they are who said it, not what)."""
    wanted = terms(claim) - terms(" ".join(speakers)) - _NOT_CLAIM
    return not wanted or len(terms(quote) & wanted) >= CLAIM_SHARE * len(wanted)
