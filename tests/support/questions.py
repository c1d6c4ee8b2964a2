"""Questions that the fixture transcripts (tests/data) answer."""

from __future__ import annotations

GAS = "What did Medvedev tell Miller to do about the Belarus gas debt?"
CEASEFIRE = "Does the ceasefire appeal cover terrorist organisations?"
QUESTIONS = [
    CEASEFIRE,
    "What did Lavrov say about the biological weapons convention and the United States?",
    GAS,
    "What did Kirby say about Iran sanctions?",
    "Why did Putin think BRICS was successful?",
]
